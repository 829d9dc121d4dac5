"""Issue 18: what a vote needs is one rule (`weegploeg.readiness.vote_prerequisites`), shown
before anyone votes and enforced by `cast_vote`; the session opens on its own date (or with a
reason) and records who attended."""


import re

import pytest
from django.urls import reverse
from django.utils import timezone

from pga.models import AuditEntry
from pga.services import RuleViolation
from weegploeg.models import Outcome, SessionStatus, Vote
from weegploeg.readiness import Check, vote_prerequisites
from weegploeg.services import (
    add_to_agenda,
    cast_vote,
    open_session,
    plan_session,
    record_attendance,
)

MOTIVATION = "Feiten wijzen op geweldsbereidheid."


def missing(readiness, outcome):
    return {p.check for p in readiness.missing_for(outcome)}


def test_without_joint_weging_and_parties_casusoverleg_is_missing_both(
    coordinator, session, signal
):
    item = add_to_agenda(coordinator, session, signal)
    readiness = vote_prerequisites(signal, item)
    assert missing(readiness, Outcome.CASUSOVERLEG) == {Check.JOINT, Check.PARTIES}
    # The other outcomes need neither (docs/design.md rule 4).
    assert missing(readiness, Outcome.NO_CASUSOVERLEG) == set()
    assert missing(readiness, Outcome.MORE_INFORMATION) == set()
    assert not readiness.ready


def test_partner_wegingen_and_open_requests_are_shown_but_do_not_block(item):
    readiness = vote_prerequisites(item.signal, item)
    checks = {p.check: p for p in readiness.prerequisites}
    assert not checks[Check.PARTNER_VIEWS].met  # no partner has recorded its own weging
    assert checks[Check.PARTNER_VIEWS].required_for == frozenset()
    assert readiness.ready


def test_cast_vote_refuses_exactly_what_the_checklist_says_is_missing(
    coordinator, session, signal, members
):
    item = add_to_agenda(coordinator, session, signal)
    readiness = vote_prerequisites(signal, item)
    with pytest.raises(RuleViolation) as refused:
        cast_vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    assert refused.value.message == readiness.missing_for(Outcome.CASUSOVERLEG)[0].refusal
    assert not Vote.objects.exists()
    cast_vote(members["om"], item, Outcome.MORE_INFORMATION, MOTIVATION)
    assert Vote.objects.count() == 1


def test_vote_page_shows_what_is_missing_and_offers_no_casusoverleg_before_it_is_there(
    client, login, coordinator, session, signal, members
):
    item = add_to_agenda(coordinator, session, signal)
    login(members["politie"])
    page = client.get(reverse("weegploeg:item", args=[item.pk])).content.decode()
    assert "Ontbreekt:</strong> Volledige gezamenlijke weging" in page
    assert "Ontbreekt:</strong> Uit te nodigen partijen vastgelegd" in page
    assert reverse("criteria:joint_assessment", args=[signal.pk]) in page
    casusoverleg = re.search(r'<input[^>]*value="casusoverleg"[^>]*>', page).group(0)
    assert "disabled" in casusoverleg
    assert "Casusoverleg (nog niet mogelijk: zie wat ontbreekt)" in page
    assert re.search(r"<legend[^>]*>Uw stem", page)
    other = re.search(r'<input[^>]*value="no_casusoverleg"[^>]*>', page).group(0)
    assert "disabled" not in other
    assert signal.description.splitlines()[0][:40] in page  # the case on the vote screen


def test_ready_item_offers_every_outcome(client, login, item, members):
    login(members["politie"])
    page = client.get(reverse("weegploeg:item", args=[item.pk])).content.decode()
    assert "nog niet mogelijk" not in page
    assert "Alles is er" in page or "Elke uitkomst kan worden gestemd" in page


def test_session_page_lists_items_not_ready_before_sending_and_opening(
    client, login, coordinator, session, signal
):
    add_to_agenda(coordinator, session, signal)
    login(coordinator)
    page = client.get(reverse("weegploeg:session", args=[session.pk])).content.decode()
    assert "Nog niet klaar" in page
    assert "volledige gezamenlijke weging" in page
    response = client.post(reverse("weegploeg:session_action", args=[session.pk, "publiceren"]),
                           follow=True)
    assert "Nog niet klaar voor elke uitkomst: " + signal.reference in response.content.decode()


def test_session_opens_on_its_date_without_a_reason(coordinator, weegploeg):
    today = plan_session(coordinator, weegploeg, timezone.now(), location="Stadhuis")
    open_session(coordinator, today)
    today.refresh_from_db()
    assert today.status == SessionStatus.OPEN
    assert today.opened_at is not None


def test_session_opens_on_another_day_only_with_a_reason(coordinator, session):
    with pytest.raises(RuleViolation):
        open_session(coordinator, session)
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED
    open_session(coordinator, session, reason="Overleg vervroegd wegens spoed.")
    session.refresh_from_db()
    assert session.status == SessionStatus.OPEN
    assert session.opening_reason == "Overleg vervroegd wegens spoed."


def test_opening_early_through_the_screen_asks_for_the_reason(client, login, coordinator,
                                                               session):
    login(coordinator)
    url = reverse("weegploeg:session_action", args=[session.pk, "openen"])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "geef de reden" in response.content.decode()
    assert client.post(url, {"reason": "x" * 501}).status_code == 200
    session.refresh_from_db()
    assert session.status == SessionStatus.PLANNED


def test_attendance_is_recorded_per_partner_and_only_for_the_weegploeg(
    client, login, coordinator, session, members, outsider
):
    record_attendance(coordinator, session, [members["gemeente"], members["om"]])
    assert set(session.attendees.all()) == {members["gemeente"], members["om"]}
    with pytest.raises(RuleViolation):
        record_attendance(coordinator, session, [outsider])
    login(coordinator)
    page = client.get(reverse("weegploeg:session", args=[session.pk])).content.decode()
    assert f"{members['om'].full_name} ({members['om'].partner.name})" in page


def test_votes_as_they_come_in_hold_no_motivation_and_are_audited(
    client, login, item, members
):
    cast_vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    login(members["politie"])
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    data = client.get(reverse("weegploeg:item_votes", args=[item.pk])).json()
    assert data["decided"] is False
    assert [vote["partner"] for vote in data["votes"]] == [members["om"].partner_id]
    assert MOTIVATION not in str(data)
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == before + 1


def test_agenda_choices_are_sorted_and_named(client, login, coordinator, session, meldpunt,
                                             weegploeg):
    from tests.signals.factories import register

    first, second = register(meldpunt, weegploeg=weegploeg), register(meldpunt,
                                                                      weegploeg=weegploeg)
    login(coordinator)
    page = client.get(reverse("weegploeg:session", args=[session.pk])).content.decode()
    assert page.index(first.reference) < page.index(second.reference)
    assert f"{first.reference} — {first.person.display_name}" in page




def test_decision_page_shows_the_session_date_and_the_reason_it_opened_on_another_day(
    client, login, coordinator, item, members
):
    open_session(coordinator, item.session, reason="Vervroegd wegens spoed.")
    for member in members.values():
        decision = cast_vote(member, item, Outcome.CASUSOVERLEG, MOTIVATION)
    login(coordinator)
    page = client.get(reverse("weegploeg:decision", args=[decision.pk])).content.decode()
    assert timezone.localtime(item.session.starts_at).strftime("%d-%m-%Y") in page
    assert "reden: Vervroegd wegens spoed." in page
    assert "tijd van de beslissende stem" in page


def test_a_queued_signal_shows_what_a_vote_will_need_before_it_is_on_an_agenda(
    client, login, signal, members
):
    """Issue 18 point 1: each queued signal shows the checklist, not only agenda items."""
    login(members["politie"])
    signal_page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    readiness_url = reverse("weegploeg:signal_readiness", args=[signal.pk])
    assert readiness_url in signal_page
    response = client.get(readiness_url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Het signaal staat nog op geen agenda" in page
    assert "Ontbreekt:</strong> Volledige gezamenlijke weging" in page
    assert "Ontbreekt:</strong> Uit te nodigen partijen vastgelegd" in page
    assert reverse("criteria:joint_assessment", args=[signal.pk]) in page
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, object_pk=str(signal.pk),
        additional_data__weergave="klaar om te stemmen",
    ).exists()
