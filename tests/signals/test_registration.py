"""Registration, reference numbers, the person index and repeat signals (rules 2, 9, 11)."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from pga.models import Role
from signals.models import Person, Signal, SignalStatus
from signals.services import (
    earlier_signals,
    edit_signal,
    next_reference,
    normalise_name,
    update_identity,
)
from signals.validators import bsn_is_valid
from tests.signals.factories import person_fields, register


def test_reference_number_is_per_weegploeg_and_year(meldpunt, weegploeg, other_weegploeg):
    first = register(meldpunt, weegploeg=weegploeg)
    second = register(meldpunt, weegploeg=weegploeg, person=person_fields(surname="Ander"))
    elsewhere = register(
        meldpunt, person=person_fields(surname="Derde", municipality=other_weegploeg.gemeente)
    )
    year = datetime.date.today().year
    code = weegploeg.code.upper()
    assert first.reference == f"{code}-{year}-000001"
    assert second.reference == f"{code}-{year}-000002"
    assert elsewhere.reference == f"{other_weegploeg.code.upper()}-{year}-000001"


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_never_share_a_reference_number(weegploeg):
    numbers, errors = [], []

    def take():
        try:
            numbers.append(next_reference(weegploeg, 2026))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(set(numbers)) == 8


def test_signal_without_identity_gets_a_pseudonymous_label(meldpunt, weegploeg):
    signal = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(first_names="", surname="", date_of_birth=None),
    )
    assert not signal.person.has_identity
    assert signal.person.label == f"Betrokkene {signal.reference}"


def test_identity_can_be_added_later_and_then_matches_an_earlier_signal(
    meldpunt, weegploeg, coordinator
):
    earlier = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn="111222333"))
    anonymous = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(first_names="", surname="", date_of_birth=None, label="Jongen X"),
    )
    assert anonymous.person != earlier.person
    found = update_identity(
        coordinator, anonymous,
        person_fields(first_names="Jan", surname="Jansen", bsn="111222333"),
    )
    anonymous.refresh_from_db()
    assert found
    assert anonymous.person == earlier.person
    assert anonymous.is_repeat
    assert not Person.objects.filter(label="Jongen X").exists()


def test_repeat_signal_is_linked_by_bsn(meldpunt, weegploeg, members):
    first = register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn="111222333"))
    second = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(first_names="Johannes", surname="Anders", bsn="111222333"),
    )
    assert second.person == first.person
    assert second.is_repeat
    assert list(earlier_signals(members["politie"], second)) == [first]


def test_repeat_signal_is_linked_by_name_and_date_of_birth_ignoring_case_and_diacritics(
    meldpunt, weegploeg
):
    first = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(
            first_names="Ömer", surname="Çelik",
            date_of_birth=datetime.date(2001, 3, 4),
        ),
    )
    second = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(
            first_names="omer", surname="CELIK",
            date_of_birth=datetime.date(2001, 3, 4),
        ),
    )
    third = register(
        meldpunt, weegploeg=weegploeg,
        person=person_fields(
            first_names="Omer", surname="Celik",
            date_of_birth=datetime.date(2001, 3, 5),
        ),
    )
    assert second.person == first.person
    assert third.person != first.person


REPEAT_FORM = {
    "betrokkene-first_names": "Jan",
    "betrokkene-surname": "Jansen",
    "betrokkene-bsn": "111222333",
    "signaal-received_on": "2026-11-02",
    "signaal-source_category": "burger",
    "signaal-description": "Toont steun voor een terroristische organisatie.",
    "signaal-behaviour_from": "2026-10-30",
    "signaal-phenomenon": "jihadisme",
}
REPEAT_NOTICE = "Mogelijk is er eerder een signaal over deze persoon geregistreerd"


def test_an_earlier_signal_is_announced_before_saving_with_the_typed_input_kept(
    client, login, meldpunt, weegploeg, make_user
):
    first = register(make_user(weegploeg.politie, Role.MELDPUNT), weegploeg=weegploeg,
                     person=person_fields(first_names="Jantje", surname="Jansen",
                                          bsn="111222333", address="Dorpsweg 9"),
                     description="Eerder gedrag op het schoolplein.")
    login(meldpunt)
    data = {**REPEAT_FORM, "betrokkene-municipality": weegploeg.gemeente.pk}
    asked = client.post(reverse("signals:register"), data)
    page = asked.content.decode()
    assert asked.status_code == 200
    assert REPEAT_NOTICE in page
    assert 'name="eerder_signaal_gezien"' in page
    assert "Toont steun voor een terroristische organisatie." in page  # typed input kept
    # Nothing more than the notice: not the earlier reference, name, details or date.
    for known in (first.reference, "Jantje", "Dorpsweg", "Eerder gedrag", "2 november"):
        assert known not in page
    assert weegploeg.signals.count() == 1  # nothing saved yet
    confirmed = client.post(reverse("signals:register"),
                            {**data, "eerder_signaal_gezien": "1"}, follow=True)
    second = weegploeg.signals.exclude(pk=first.pk).get()
    assert confirmed.redirect_chain[-1][0] == reverse("signals:detail", args=[second.pk])
    assert second.is_repeat and second.person == first.person


def test_the_earlier_signal_check_before_saving_is_audited_as_a_read(
    client, login, meldpunt, weegploeg
):
    from pga.models import AuditEntry

    register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn="111222333"))
    login(meldpunt)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    client.post(reverse("signals:register"),
                {**REPEAT_FORM, "betrokkene-municipality": weegploeg.gemeente.pk})
    reads = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).order_by("pk")[before:]
    assert [entry.additional_data for entry in reads] == [
        {"controle": "eerder signaal bij registratie"}]
    assert reads[0].actor == meldpunt


def test_no_earlier_signal_notice_for_a_new_person(client, login, meldpunt, weegploeg):
    register(meldpunt, weegploeg=weegploeg, person=person_fields(bsn="111222333"))
    login(meldpunt)
    response = client.post(reverse("signals:register"), {
        **REPEAT_FORM, "betrokkene-bsn": "", "betrokkene-surname": "Pietersen",
        "betrokkene-municipality": weegploeg.gemeente.pk}, follow=True)
    assert response.redirect_chain  # saved at once
    assert REPEAT_NOTICE not in response.content.decode()
    assert weegploeg.signals.count() == 2


def test_a_receipt_only_registrar_never_learns_of_an_earlier_signal(
    client, login, meldpunt, other_weegploeg, make_user
):
    register(make_user(other_weegploeg.politie, Role.MELDPUNT), weegploeg=other_weegploeg,
             person=person_fields(bsn="111222333", municipality=other_weegploeg.gemeente))
    login(meldpunt)
    data = {**REPEAT_FORM, "betrokkene-municipality": other_weegploeg.gemeente.pk}
    asked = client.post(reverse("signals:register"), data)
    assert other_weegploeg.name in asked.content.decode()  # the destination is asked
    assert REPEAT_NOTICE not in asked.content.decode()
    confirmed = client.post(reverse("signals:register"),
                            {**data, "naar_weegploeg": other_weegploeg.pk}, follow=True)
    assert confirmed.redirect_chain[-1][0] == reverse("signals:receipt")
    assert REPEAT_NOTICE not in confirmed.content.decode()
    assert other_weegploeg.signals.count() == 2


def test_the_notice_before_saving_uses_the_matching_rule_of_the_registration(
    meldpunt, weegploeg
):
    from signals.services import possible_repeat

    born = datetime.date(2001, 3, 5)
    register(meldpunt, weegploeg=weegploeg, person=person_fields(
        first_names="Ömer", surname="Çelik", date_of_birth=born))
    same = person_fields(first_names="omer", surname="celik", date_of_birth=born,
                         municipality=weegploeg.gemeente)
    other_birthday = {**same, "date_of_birth": datetime.date(2001, 3, 6)}
    assert possible_repeat(meldpunt, same) is True
    assert possible_repeat(meldpunt, other_birthday) is False
    assert register(meldpunt, weegploeg=weegploeg, person=same).is_repeat
    assert not register(meldpunt, weegploeg=weegploeg, person=other_birthday).is_repeat


def test_repeat_is_shown_to_the_weegploeg_and_not_revealed_to_the_meldpunt(
    client, login, meldpunt, weegploeg, members, make_user
):
    other_meldpunt = make_user(weegploeg.politie, Role.MELDPUNT)
    first = register(other_meldpunt, weegploeg=weegploeg, person=person_fields(bsn="111222333"))
    login(meldpunt)
    response = client.post(
        reverse("signals:register"),
        {
            "betrokkene-first_names": "Jan",
            "betrokkene-surname": "Jansen",
            "betrokkene-bsn": "111222333",
            "betrokkene-municipality": weegploeg.gemeente.pk,
            "signaal-received_on": "2026-11-02",
            "signaal-source_category": "burger",
            "signaal-description": "Toont steun voor een terroristische organisatie.",
            "signaal-behaviour_from": "2026-10-30",
            "signaal-phenomenon": "jihadisme",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "Mogelijk is er eerder een signaal over deze persoon geregistreerd" in page
    assert first.reference not in page
    assert not Signal.objects.exclude(pk=first.pk).exists()  # asked before saving
    client.post(reverse("signals:register"),
                {**REPEAT_FORM, "eerder_signaal_gezien": "1",
                 "betrokkene-municipality": weegploeg.gemeente.pk}, follow=True)
    second = Signal.objects.exclude(pk=first.pk).get()
    login(members["om"])
    page = client.get(reverse("signals:detail", args=[second.pk])).content.decode()
    assert first.reference in page
    assert reverse("signals:detail", args=[first.pk]) in page


def test_registration_through_the_form_keeps_nothing_half_on_a_rule_violation(
    client, login, meldpunt
):
    login(meldpunt)
    response = client.post(
        reverse("signals:register"),
        {
            "betrokkene-label": "Onbekende jongen",
            "signaal-received_on": "2026-11-02",
            "signaal-source_category": "burger",
            "signaal-description": "Beschrijving van gedrag.",
            "signaal-behaviour_from": "2026-10-30",
            "signaal-phenomenon": "other",
        },
    )
    assert response.status_code == 200
    assert "Kies de weegploeg" in response.content.decode()
    assert not Signal.objects.exists()
    assert not Person.objects.exists()


def test_acute_danger_alerts_the_weegploeg_members_without_personal_data(
    meldpunt, weegploeg, members, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signal = register(meldpunt, weegploeg=weegploeg, acute_danger=True)
    recipients = {message.to[0] for message in mail.outbox}
    assert recipients == {m.email for m in members.values()} | {coordinator.email}
    for message in mail.outbox:
        assert signal.reference in message.subject
        assert "Jansen" not in message.body
        assert "112" in message.body


def test_edit_is_refused_once_the_signal_is_on_the_agenda(meldpunt, weegploeg):
    from pga.services import RuleViolation

    signal = register(meldpunt, weegploeg=weegploeg)
    Signal.objects.filter(pk=signal.pk).update(status=SignalStatus.ON_AGENDA)
    with pytest.raises(RuleViolation):
        edit_signal(meldpunt, signal, {"description": "Nieuwe tekst"})
    signal.refresh_from_db()
    assert signal.description != "Nieuwe tekst"


def test_registrar_edits_its_registration_before_the_agenda(client, login, meldpunt, weegploeg):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(meldpunt)
    response = client.post(
        reverse("signals:edit", args=[signal.pk]),
        {
            "signaal-received_on": "2026-11-02",
            "signaal-source_category": "burger",
            "signaal-description": "Aangepaste beschrijving.",
            "signaal-behaviour_from": "2026-10-30",
            "signaal-phenomenon": "other",
        },
    )
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.description == "Aangepaste beschrijving."
    assert signal.events.filter(kind="edited").exists()


def test_member_of_weegploeg_sees_the_whole_timeline(client, login, meldpunt, weegploeg, members):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(members["politie"])
    page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Geregistreerd" in page
    assert meldpunt.full_name in page


@given(st.text(min_size=1, max_size=30))
def test_normalised_name_ignores_case_and_diacritics(name):
    assert normalise_name(name.upper()) == normalise_name(name.lower()) or not name.isascii()
    assert normalise_name(name) == normalise_name(normalise_name(name))


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_bsn_eleven_check(value):
    digits = [int(c) for c in value]
    total = sum(w * d for w, d in zip([9, 8, 7, 6, 5, 4, 3, 2, -1], digits, strict=True))
    assert bsn_is_valid(value) == (total % 11 == 0 and value != "000000000")


def test_earlier_signals_at_another_weegploeg_are_not_shown(
    meldpunt, weegploeg, other_weegploeg, make_user
):
    there = register(
        meldpunt, person=person_fields(bsn="111222333", municipality=other_weegploeg.gemeente)
    )
    # The person moved: the new signal goes to the weegploeg of the new municipality.
    here = register(
        meldpunt, person=person_fields(bsn="111222333", municipality=weegploeg.gemeente)
    )
    member_here = make_user(weegploeg.politie, Role.MEMBER)
    # The person index is per weegploeg: each weegploeg has its own record of the person.
    assert here.person != there.person
    assert here.person.weegploeg == weegploeg and there.person.weegploeg == other_weegploeg
    assert list(earlier_signals(member_here, here)) == []
    assert list(Signal.objects.visible_to(member_here)) == [here]
