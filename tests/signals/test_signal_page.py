"""The signal page: everything it shows in a number of queries that does not grow with its
lists (issue 17: at most 15), the lists showing the same as the objects themselves — per
user."""

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from criteria.assessments import record_joint_assessment, record_partner_assessment
from criteria.inputs import ObservationInput
from signals.services import add_contribution, earlier_signals
from tests.criteria.factories import judgements
from tests.signals.factories import person_fields, register


def _contribute(member, signal, n, visibility="weegploeg"):
    add_contribution(member, signal, {
        "source": f"Registratie {n}", "information_date": datetime.date(2026, 10, 1 + n),
        "content": f"Inbreng nummer {n}.", "visibility": visibility,
    })


def test_signal_page_query_count_does_not_grow_with_its_lists(
    client, login, members, item, django_assert_max_num_queries
):
    signal = item.signal
    login(members["gemeente"])
    url = reverse("signals:detail", args=[signal.pk])
    client.get(url)  # warm the session and content-type caches
    # Issue 17 allows 15; the page of a weighed, agendaed signal without attachments or
    # other signals of its person, and without development areas, takes 11
    # (docs/adr/0007-performance.md point 7).
    with django_assert_max_num_queries(11) as few:
        client.get(url)
    for n in range(4):
        _contribute(members["politie"], signal, n)
    record_partner_assessment(members["om"], signal, judgements())
    record_partner_assessment(members["politie"], signal, judgements())
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert len(response.context["contributions"]) == 4
    assert len(response.context["events"]) > 4


def test_development_areas_are_shown_and_read_only_where_an_assessment_has_them(
    client, login, members, item
):
    """The observations of the indicators (development areas) are optional: the page reads
    them in one query when an assessment has any, and not at all when none has."""
    signal = item.signal
    login(members["gemeente"])
    url = reverse("signals:detail", args=[signal.pk])
    client.get(url)

    def observation_reads(queries):
        return [q for q in queries
                if q["sql"].startswith('SELECT "criteria_indicatorobservation"')]

    with CaptureQueriesContext(connection) as without:
        page = client.get(url)
    assert "Ontwikkelgebieden" not in page.content.decode()
    assert observation_reads(without.captured_queries) == []
    record_joint_assessment(members["gemeente"], signal, judgements(), "Samen gewogen.",
                            indicators=[ObservationInput(indicator=6,
                                                         observed_facts="Reist veel alleen.")])
    with CaptureQueriesContext(connection) as with_them:
        page = client.get(url)
    html = page.content.decode()
    assert "Ontwikkelgebieden" in html and "Reist veel alleen." in html
    assert len(observation_reads(with_them.captured_queries)) == 1


def test_signal_page_lists_show_what_the_objects_hold(client, login, members, item):
    signal = item.signal
    _contribute(members["om"], signal, 1, visibility="own_partner")
    login(members["politie"])
    context = client.get(reverse("signals:detail", args=[signal.pk])).context
    [(contribution, shielded)] = context["contributions"]
    assert shielded and contribution.partner.name == members["om"].partner.name
    assert contribution.information_date == datetime.date(2026, 10, 2)
    events = list(signal.events.select_related("actor", "partner"))
    assert [(e.pk, e.kind, e.at, e.actor.full_name if e.actor else None) for e in events] == [
        (e.pk, e.kind, e.at, e.actor.full_name if e.actor else None) for e in context["events"]
    ]
    [agenda_item] = context["signal_agenda_items"]
    assert agenda_item.pk == item.pk
    assert agenda_item.session.starts_at == item.session.starts_at


def test_earlier_signals_on_the_page_follow_each_users_permissions(
    client, login, meldpunt, weegploeg, other_weegploeg, members, make_user
):
    """Rule 9, per user: each user gets the earlier signals they may see."""
    from pga.models import Role
    from signals.services import page_lists

    person = person_fields(surname="Herhaald", date_of_birth=datetime.date(2001, 2, 3),
                           municipality=weegploeg.gemeente)
    first = register(meldpunt, weegploeg=weegploeg, person=person)
    second = register(meldpunt, weegploeg=weegploeg, person=person)
    login(members["politie"])
    page = client.get(reverse("signals:detail", args=[second.pk])).context
    assert [(s.pk, s.reference) for s in page["earlier_signals"]] == [
        (s.pk, s.reference) for s in earlier_signals(members["politie"], second)
    ] == [(first.pk, first.reference)]
    stranger = make_user(other_weegploeg.politie, Role.MEMBER)
    assert page_lists(stranger, second, dossier=True)["earlier_signals"] == []
    assert [s.pk for s in page_lists(members["om"], second, dossier=True)["earlier_signals"]] == [
        first.pk]


def test_a_transferred_signal_shows_its_transfer_to_the_receiving_weegploeg(
    client, login, meldpunt, weegploeg, other_weegploeg, coordinator, make_user
):
    """The page reads the transfers of a signal whose timeline records one (every transfer
    does): the receiving weegploeg sees where the dossier came from and why."""
    from pga.models import Role
    from signals.services import transfer_signal

    signal = register(meldpunt, weegploeg=weegploeg)
    transfer_signal(coordinator, signal, None, "Betrokkene is verhuisd.",
                    municipality=other_weegploeg.gemeente)
    login(make_user(other_weegploeg.politie, Role.MEMBER))
    page = client.get(reverse("signals:detail", args=[signal.pk]))
    [transfer] = page.context["transfers"]
    assert (transfer.from_weegploeg, transfer.to_weegploeg) == (weegploeg, other_weegploeg)
    assert "Betrokkene is verhuisd." in page.content.decode()


def test_attachments_and_earlier_signals_are_read_only_when_there_are_any(
    client, login, meldpunt, weegploeg, members
):
    """Every attachment is on the timeline and the signal row says whether the person has
    another signal: a person's only signal without attachments costs neither query, and a
    signal with them still lists them (added registered or later)."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from signals.services import add_attachment

    pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
    person = person_fields(surname="Eenmalig", date_of_birth=datetime.date(1999, 3, 4),
                           municipality=weegploeg.gemeente)
    alone = register(meldpunt, weegploeg=weegploeg, person=person)
    url = reverse("signals:detail", args=[alone.pk])
    login(members["politie"])
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url)
    assert page.context["attachments"] == [] and page.context["earlier_signals"] == []
    listed = f'"signals_signal"."person_id" = {alone.person_id}'
    assert not [q for q in captured.captured_queries
                if 'FROM "signals_attachment"' in q["sql"] or listed in q["sql"]]

    add_attachment(meldpunt, alone, SimpleUploadedFile("later.pdf", pdf), "application/pdf")
    second = register(meldpunt, weegploeg=weegploeg, person=person, attachments=[
        (SimpleUploadedFile("bij-registratie.pdf", pdf), "application/pdf")])
    page = client.get(url)
    assert [a.original_name for a in page.context["attachments"]] == ["later.pdf"]
    assert [s.pk for s in page.context["earlier_signals"]] == [second.pk]
    page = client.get(reverse("signals:detail", args=[second.pk]))
    assert [a.original_name for a in page.context["attachments"]] == ["bij-registratie.pdf"]
    assert [s.pk for s in page.context["earlier_signals"]] == [alone.pk]
