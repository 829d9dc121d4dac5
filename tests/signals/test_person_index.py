"""The person index is per weegploeg (rule 9, issue 14): a person record belongs to one
weegploeg and is read and changed only by its users. A match with a person of another
weegploeg gives both weegploegen's procesregisseurs a notice with the other weegploeg, the
two references and a contact role — and nothing else crosses."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from pga.models import Role
from signals.models import MatchNotice, Person, Transfer
from signals.services import transfer_signal, update_identity
from tests.signals.factories import person_fields, register

BSN = "111222333"
THEIR_PERSON = {"first_names": "Bram", "surname": "Bakker", "date_of_birth":
                datetime.date(1999, 3, 4), "bsn": BSN, "address": "Kerkstraat 12",
                "postcode": "1234AB"}
THEIR_VALUES = ("Bakker", "Kerkstraat 12", "1234AB", "1999", BSN)


@pytest.fixture
def theirs(other_weegploeg, make_user):
    """A signal of weegploeg B about Bram Bakker, registered by B's own meldpunt."""
    their_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    return register(their_meldpunt, person=person_fields(
        **THEIR_PERSON, municipality=other_weegploeg.gemeente))


def snapshot(person):
    return Person.objects.filter(pk=person.pk).values().get()


def test_registering_another_weegploegs_bsn_shows_nothing_of_that_person(
    client, login, meldpunt, weegploeg, theirs
):
    before = snapshot(theirs.person)
    login(meldpunt)
    response = client.post(reverse("signals:register"), {
        "betrokkene-bsn": BSN, "signaal-weegploeg": weegploeg.pk,
        "signaal-received_on": "2026-11-02", "signaal-source_category": "professional",
        "signaal-source_sector": "onderwijs",
        "signaal-description": "Gedrag op school.", "signaal-behaviour_from": "2026-10-20",
        "signaal-phenomenon": "jihadisme",
    }, follow=True)
    assert response.status_code == 200
    signal = response.context["signal"]
    assert signal.weegploeg == weegploeg
    assert signal.person != theirs.person and signal.person.weegploeg == weegploeg
    for url in (reverse("signals:detail", args=[signal.pk]),
                reverse("signals:identity", args=[signal.pk])):
        page = client.get(url).content.decode()
        assert not [value for value in THEIR_VALUES[:-1] if value in page]
        assert str(other_weegploeg_name(theirs)) not in page
    assert snapshot(theirs.person) == before


def other_weegploeg_name(signal):
    return signal.weegploeg.name


def test_details_typed_for_a_person_of_another_weegploeg_never_change_that_record(
    meldpunt, other_weegploeg, theirs
):
    """Registered with B's BSN, another name and address, and the municipality of B: the
    signal goes to B, but B's person record stays as B has it."""
    before = snapshot(theirs.person)
    signal = register(meldpunt, person=person_fields(
        bsn=BSN, surname="Anders", address="Valse weg 1", municipality=other_weegploeg.gemeente))
    assert signal.weegploeg == other_weegploeg
    assert snapshot(theirs.person) == before
    assert signal.person != theirs.person
    assert signal.is_repeat  # B's weegploeg sees the possible repeat, and can merge it


def test_identity_change_with_another_weegploegs_bsn_does_not_merge_into_that_person(
    meldpunt, weegploeg, theirs
):
    before = snapshot(theirs.person)
    mine = register(meldpunt, weegploeg=weegploeg)
    update_identity(meldpunt, mine, {"bsn": BSN, "surname": "Overschreven",
                                      "address": "Valse weg 1"})
    mine.refresh_from_db()
    assert mine.person != theirs.person
    assert mine.person.weegploeg == weegploeg
    assert snapshot(theirs.person) == before
    assert theirs.person.signals.count() == 1


def test_identity_page_with_another_weegploegs_bsn_changes_nothing_there(
    client, login, meldpunt, weegploeg, theirs
):
    before = snapshot(theirs.person)
    mine = register(meldpunt, weegploeg=weegploeg)
    login(meldpunt)
    response = client.post(reverse("signals:identity", args=[mine.pk]), {
        "betrokkene-first_names": "Bram", "betrokkene-surname": "Overschreven",
        "betrokkene-bsn": BSN, "betrokkene-address": "Valse weg 1",
    })
    assert response.status_code in (200, 302)
    assert snapshot(theirs.person) == before
    page = client.get(reverse("signals:detail", args=[mine.pk])).content.decode()
    assert "Kerkstraat" not in page and "Bakker" not in page


def test_a_match_with_another_weegploeg_notifies_both_coordinators_with_references_only(
    meldpunt, weegploeg, other_weegploeg, theirs, make_user, django_capture_on_commit_callbacks
):
    here = make_user(weegploeg.gemeente, Role.COORDINATOR)
    there = make_user(other_weegploeg.gemeente, Role.COORDINATOR)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        mine = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    ours = MatchNotice.objects.visible_to(here).get()
    their_notice = MatchNotice.objects.visible_to(there).get()
    assert (ours.signal, ours.other_signal) == (mine, theirs)
    assert (their_notice.signal, their_notice.other_signal) == (theirs, mine)
    assert {m.to[0] for m in mail.outbox} == {here.email, there.email}
    for message in mail.outbox:
        text = message.subject + message.body
        assert mine.reference in text and theirs.reference in text
        assert not [value for value in (*THEIR_VALUES, "Jansen", "Jan ") if value in text]
    # The registrar and the members learn nothing of it.
    assert not MatchNotice.objects.visible_to(meldpunt).exists()
    assert not MatchNotice.objects.visible_to(make_user(weegploeg.politie, Role.MEMBER)).exists()


def test_the_coordinator_sees_the_notice_on_the_queue(
    client, login, meldpunt, weegploeg, other_weegploeg, theirs, coordinator
):
    mine = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    login(coordinator)
    page = client.get(reverse("signals:queue")).content.decode()
    assert mine.reference in page and theirs.reference in page
    assert other_weegploeg.name in page
    assert "Bakker" not in page


def test_a_repeat_inside_the_weegploeg_still_links_to_the_known_person(meldpunt, weegploeg):
    first = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    second = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        bsn=BSN, address="Nieuwe straat 3"))
    assert second.person == first.person and second.is_repeat
    assert not MatchNotice.objects.exists()


def test_registering_for_another_weegploeg_is_announced_before_saving_and_ends_in_a_receipt(
    client, login, meldpunt, other_weegploeg
):
    login(meldpunt)
    data = {
        "betrokkene-surname": "Jansen", "betrokkene-municipality": other_weegploeg.gemeente.pk,
        "signaal-received_on": "2026-11-02", "signaal-source_category": "professional",
        "signaal-source_sector": "onderwijs",
        "signaal-description": "Gedrag op school.", "signaal-behaviour_from": "2026-10-20",
        "signaal-phenomenon": "jihadisme",
    }
    first = client.post(reverse("signals:register"), data)
    assert first.status_code == 200
    assert other_weegploeg.name in first.content.decode()
    assert not other_weegploeg.signals.exists()  # nothing saved yet
    confirmed = client.post(reverse("signals:register"),
                            {**data, "naar_weegploeg": other_weegploeg.pk}, follow=True)
    signal = other_weegploeg.signals.get()
    assert confirmed.redirect_chain[-1][0] == reverse("signals:receipt")
    assert signal.reference in confirmed.content.decode()
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404


def test_a_decided_dossier_transfer_takes_a_person_record_into_the_new_index(
    meldpunt, weegploeg, other_weegploeg, coordinator
):
    signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    transfer_signal(coordinator, signal, None, "Verhuisd", municipality=other_weegploeg.gemeente)
    signal.refresh_from_db()
    assert signal.weegploeg == other_weegploeg
    assert signal.person.weegploeg == other_weegploeg
    assert not Person.objects.filter(weegploeg=weegploeg).exists()


def test_a_transfer_links_to_the_person_the_receiving_weegploeg_knows(
    meldpunt, weegploeg, other_weegploeg, coordinator, theirs
):
    signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    transfer_signal(coordinator, signal, None, "Verhuisd", municipality=other_weegploeg.gemeente)
    signal.refresh_from_db()
    assert signal.person == theirs.person
    assert Person.objects.filter(weegploeg=other_weegploeg).count() == 1


def test_a_transfer_moves_every_signal_of_the_person_in_one_action(
    meldpunt, weegploeg, other_weegploeg, coordinator
):
    """Rule 10 (issue 19): the person's whole dossier goes — not one signal while the
    earlier ones stay behind at the weegploeg the person left."""
    first = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    second = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    assert first.person_id == second.person_id
    transfer_signal(coordinator, second, None, "Verhuisd",
                    municipality=other_weegploeg.gemeente)
    for signal in (first, second):
        signal.refresh_from_db()
        assert signal.weegploeg == other_weegploeg
    assert first.person_id == second.person_id
    assert first.person.weegploeg == other_weegploeg
    assert not weegploeg.signals.exists()
    assert not Person.objects.filter(weegploeg=weegploeg).exists()
    assert sorted(t.reference for t in Transfer.objects.filter(from_weegploeg=weegploeg)) == sorted(
        [first.reference, second.reference])


def test_a_dossier_with_a_signal_on_the_agenda_is_not_transferred(
    meldpunt, weegploeg, other_weegploeg, coordinator
):
    from django.utils import timezone

    from pga.services import RuleViolation
    from weegploeg.services import add_to_agenda, plan_session

    first = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    second = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn=BSN))
    session = plan_session(coordinator, weegploeg,
                           timezone.now() + datetime.timedelta(days=3), location="Stadhuis")
    add_to_agenda(coordinator, session, first)
    with pytest.raises(RuleViolation, match="agenda"):
        transfer_signal(coordinator, second, None, "Verhuisd",
                        municipality=other_weegploeg.gemeente)
    assert weegploeg.signals.count() == 2 and not other_weegploeg.signals.exists()
