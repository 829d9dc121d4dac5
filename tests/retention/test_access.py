"""Who sees which retention screen: the overview for the functioneel beheerder and the FG,
rules and holds for the beheerder alone, notifications and signals without a decision for
coordinators; everyone else 403 (a role that may not) — and the signal page shows when the
signal will be deleted."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from pga.models import Role
from retention.models import LegalHold
from retention.selectors import stale_signals
from signals.models import Signal
from tests.retention.factories import withdrawn_signal
from tests.signals.factories import register

ALL_ROLES = ("meldpunt", "member", "coordinator", "admin", "auditor")
SCREENS = {
    "retention:overview": {"admin", "auditor"},
    "rights:subject_search": {"admin", "auditor"},
    "retention:hold_create": {"admin"},
    "retention:notifications": {"coordinator"},
    "retention:stale": {"coordinator"},
}


@pytest.mark.parametrize("url_name", SCREENS)
@pytest.mark.parametrize("role", ALL_ROLES)
def test_retention_screens_require_their_roles(url_name, role, weegploeg, make_user, login):
    user = make_user(weegploeg.gemeente, Role(role))
    response = login(user).get(reverse(url_name))
    assert response.status_code == (200 if role in SCREENS[url_name] else 403)


def test_rule_editing_is_for_the_beheerder_only(auditor, beheerder, login):
    url = reverse("retention:rule", args=["withdrawn"])
    assert login(auditor).get(url).status_code == 403
    assert login(beheerder, Client()).get(url).status_code == 200


def test_the_overview_shows_due_months_holds_and_runs(
    meldpunt, weegploeg, coordinator, beheerder, auditor, login
):
    from retention.holds import place_hold
    from retention.purge import purge_due

    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    place_hold(beheerder, signal=signal, reason="Procedure bij de rechtbank.",
               until=timezone.localdate() + datetime.timedelta(days=10))
    purge_due(synchronous=True)
    page = login(auditor).get(reverse("retention:overview")).content.decode()
    assert "Procedure bij de rechtbank." in page
    assert signal.reference in page
    assert signal.deletion_due.strftime("%Y") in page
    assert "Laatste vernietigingsruns" in page
    assert "Wijzigen:" not in page  # the FG reads, the beheerder changes


def test_the_beheerder_places_and_ends_a_hold_by_reference(
    meldpunt, weegploeg, coordinator, beheerder, login
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    client = login(beheerder)
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = client.post(reverse("retention:hold_create"),
                           {"reference": "GEEN-2026-1", "reason": "Zaak 12", "until": until})
    assert "Er is geen signaal met dit referentienummer." in response.content.decode()
    response = client.post(reverse("retention:hold_create"),
                           {"reference": signal.reference, "reason": "Zaak 12", "until": until})
    assert response.status_code == 302
    hold = LegalHold.objects.get(signal=signal)
    assert hold.placed_by == beheerder
    response = client.post(reverse("retention:hold_end", args=[hold.pk]),
                           {"end_reason": "Zaak afgerond."})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.ended_by, hold.end_reason) == (beheerder, "Zaak afgerond.")


def test_stale_signals_are_flagged_on_the_coordinators_list(
    meldpunt, weegploeg, coordinator, outsider, settings, login
):
    settings.STALE_SIGNAL_DAYS = 60
    today = timezone.localdate()
    old = register(meldpunt, weegploeg=weegploeg,
                   received_on=today - datetime.timedelta(days=61),
                   behaviour_from=today - datetime.timedelta(days=70))
    fresh = register(meldpunt, weegploeg=weegploeg, received_on=today,
                     behaviour_from=today - datetime.timedelta(days=5))
    assert list(stale_signals(coordinator)) == [old]
    assert not stale_signals(outsider).exists()
    page = login(coordinator).get(reverse("retention:stale")).content.decode()
    assert old.reference in page
    assert fresh.reference not in page
    Signal.objects.filter(pk=old.pk).update(status="withdrawn", withdrawal_reason="x" * 12)
    assert not stale_signals(coordinator).exists()


def test_the_signal_page_says_when_the_signal_is_deleted(
    meldpunt, weegploeg, coordinator, login
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    page = login(coordinator).get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Bewaartermijn" in page
    assert signal.deletion_due.strftime("%d-%m-%Y") in page


def test_a_hold_on_a_person_is_placed_from_their_page_after_an_audited_search(
    meldpunt, weegploeg, coordinator, beheerder, login
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    client = login(beheerder)
    url = reverse("retention:hold_create") + f"?betrokkene={signal.person_id}"
    assert client.get(url).status_code == 302  # no stated purpose yet: to the search
    client.post(reverse("rights:subject_search"),
                {"purpose": "juridische_blokkade", "case_number": "RB-2026-3",
                 "name": "Jansen"})
    assert client.get(reverse("retention:hold_create") + "?betrokkene=x").status_code == 404
    until = (timezone.localdate() + datetime.timedelta(days=60)).isoformat()
    response = client.post(url, {"reason": "Procedure RB-2026-3", "until": until})
    assert response.status_code == 302
    assert LegalHold.objects.get().person_id == signal.person_id
