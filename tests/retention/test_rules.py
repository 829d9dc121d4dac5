"""Rule 8: retention periods are data; the deletion date is computed and stored when the
clock starts; a rule change applies to new clocks, and recomputing existing dates is an
explicit, audited action of the functioneel beheerder."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import timezone

from criteria.assessments import record_joint_assessment
from pga.models import AuditEntry
from pga.services import RuleViolation
from retention.clock import add_period, recompute_deletion_dates, update_rule
from retention.models import ClockAnchor, RetentionBasis, RetentionRule
from retention.notifications import record_notification
from signals.models import Signal
from tests.criteria.factories import judgements
from tests.retention.factories import decide, decided_signal, withdrawn_signal
from tests.signals.factories import register
from weegploeg.models import Outcome
from weegploeg.services import correct_decision


def rule(basis) -> RetentionRule:
    return RetentionRule.objects.get(basis=basis)


def change(user, basis, **fields):
    current = rule(basis)
    values = {"period": current.period, "unit": current.unit, "anchor": current.anchor,
              "legal_source": current.legal_source, **fields}
    return update_rule(user, current, **values)


def test_the_defaults_of_design_rule_8_are_seeded(db):
    assert [(r.basis, r.period, r.unit, r.anchor) for r in RetentionRule.objects.all()] == [
        (RetentionBasis.CASUSOVERLEG, 5, "years", ClockAnchor.LAST_PROCESSING),
        (RetentionBasis.NO_CASUSOVERLEG, 1, "years", ClockAnchor.OUTCOME),
        (RetentionBasis.WITHDRAWN, 30, "days", ClockAnchor.OUTCOME),
    ]
    assert all(r.legal_source for r in RetentionRule.objects.all())


def test_geen_casusoverleg_is_deleted_one_year_after_the_decision(
    meldpunt, weegploeg, coordinator, members
):
    signal = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members)
    decided_on = timezone.localdate(signal.decisions.get().taken_at)
    assert signal.retention_basis == RetentionBasis.NO_CASUSOVERLEG
    assert signal.retention_started_on == decided_on
    assert signal.deletion_due == add_period(decided_on, 1, "years")


def test_a_withdrawn_signal_is_deleted_30_days_after_the_withdrawal(
    meldpunt, weegploeg, coordinator
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    signal.refresh_from_db()
    withdrawn_on = timezone.localdate(signal.withdrawn_at)
    assert signal.retention_basis == RetentionBasis.WITHDRAWN
    assert signal.deletion_due == withdrawn_on + datetime.timedelta(days=30)


def test_nadere_duiding_starts_no_clock(meldpunt, weegploeg, coordinator, members):
    signal = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members,
                            outcome=Outcome.MORE_INFORMATION)
    assert signal.deletion_due is None
    assert signal.retention_basis == ""


def test_casusoverleg_runs_five_years_from_the_last_processing(
    meldpunt, weegploeg, coordinator, members, monkeypatch
):
    signal = register(meldpunt, weegploeg=weegploeg)
    record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
    decision = decide(signal, Outcome.CASUSOVERLEG, coordinator=coordinator, members=members)
    decided_on = timezone.localdate(decision.taken_at)
    assert signal.deletion_due == add_period(decided_on, 5, "years")
    # A later processing for the casus — the notification, recorded 40 days on — restarts it.
    later = timezone.now() + datetime.timedelta(days=40)
    monkeypatch.setattr(timezone, "now", lambda: later)
    record_notification(coordinator, decision, status="notified",
                        notified_on=timezone.localdate(later), notified_by="Procesregisseur",
                        method="brief")
    signal.refresh_from_db()
    assert signal.retention_started_on == timezone.localdate(later)
    assert signal.deletion_due == add_period(timezone.localdate(later), 5, "years")


def test_correcting_a_geen_casusoverleg_decision_does_not_move_its_deletion_date(
    meldpunt, weegploeg, coordinator, members
):
    signal = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members)
    due = signal.deletion_due
    correct_decision(coordinator, signal.decisions.get(), reasoning="Verbeterde tekst.",
                     reason="Typefout.")
    signal.refresh_from_db()
    assert signal.deletion_due == due


def test_a_rule_change_applies_only_to_new_clocks(
    meldpunt, weegploeg, coordinator, members, beheerder
):
    before = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members,
                            first_names="Eerder")
    change(beheerder, RetentionBasis.NO_CASUSOVERLEG, period=2)
    after = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members,
                           first_names="Later")
    decided_on = timezone.localdate(after.decisions.get().taken_at)
    before.refresh_from_db()
    assert before.deletion_due == add_period(decided_on, 1, "years")
    assert after.deletion_due == add_period(decided_on, 2, "years")


def test_recomputing_deletion_dates_is_explicit_and_audited(
    meldpunt, weegploeg, coordinator, members, beheerder, login
):
    signal = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members)
    decided_on = signal.retention_started_on
    change(beheerder, RetentionBasis.NO_CASUSOVERLEG, period=6, unit="months")
    signal.refresh_from_db()
    assert signal.deletion_due == add_period(decided_on, 1, "years")  # not yet

    client = login(beheerder)
    response = client.post(reverse("retention:rule", args=["no_casusoverleg"]),
                           {"herberekenen": "1"})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.deletion_due == add_period(decided_on, 6, "months")
    changed = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Signal), object_pk=str(signal.pk),
        action=AuditEntry.Action.UPDATE, changes__has_key="deletion_due",
        actor=beheerder,
    )
    assert changed.purpose == "bewaartermijn"
    assert changed.partner == beheerder.partner
    recomputed = rule(RetentionBasis.NO_CASUSOVERLEG)
    assert recomputed.recomputed_by == beheerder
    assert AuditEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(RetentionRule),
        object_pk=str(recomputed.pk), actor=beheerder, changes__has_key="recomputed_at",
    ).exists()


def test_recomputing_gives_a_closed_signal_without_clock_its_deletion_date(
    meldpunt, weegploeg, coordinator, beheerder
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    Signal.objects.filter(pk=signal.pk).update(deletion_due=None, retention_basis="",
                                               retention_started_on=None)
    assert recompute_deletion_dates(beheerder, rule(RetentionBasis.WITHDRAWN)) == 1
    signal.refresh_from_db()
    assert signal.deletion_due == timezone.localdate(signal.withdrawn_at) + datetime.timedelta(
        days=30)


def test_only_the_functioneel_beheerder_changes_rules_or_recomputes(coordinator, auditor):
    for user in (coordinator, auditor):
        with pytest.raises(RuleViolation):
            change(user, RetentionBasis.WITHDRAWN, period=10)
        with pytest.raises(RuleViolation):
            recompute_deletion_dates(user, rule(RetentionBasis.WITHDRAWN))
    assert rule(RetentionBasis.WITHDRAWN).period == 30


def test_a_rule_needs_its_legal_source(beheerder):
    with pytest.raises(RuleViolation, match="grondslag") as refused:
        change(beheerder, RetentionBasis.WITHDRAWN, legal_source="  ")
    assert refused.value.field == "legal_source"


def test_the_rule_edit_screen_saves_with_the_acting_user(beheerder, login):
    client = login(beheerder)
    url = reverse("retention:rule", args=["withdrawn"])
    assert client.get(url).status_code == 200
    response = client.post(url, {"opslaan": "1", "period": 2, "unit": "months",
                                 "anchor": "outcome", "legal_source": "Lokaal convenant."})
    assert response.status_code == 302
    saved = rule(RetentionBasis.WITHDRAWN)
    assert (saved.period, saved.unit, saved.updated_by) == (2, "months", beheerder)


@pytest.mark.parametrize(("start", "period", "unit", "expected"), [
    (datetime.date(2024, 2, 29), 1, "years", datetime.date(2025, 2, 28)),
    (datetime.date(2026, 1, 31), 1, "months", datetime.date(2026, 2, 28)),
    (datetime.date(2026, 11, 2), 30, "days", datetime.date(2026, 12, 2)),
    (datetime.date(2026, 11, 2), 5, "years", datetime.date(2031, 11, 2)),
])
def test_periods_are_calendar_periods(start, period, unit, expected):
    assert add_period(start, period, unit) == expected


@pytest.mark.parametrize(("period", "unit"), [(101, "years"), (1201, "months"),
                                              (36526, "days"), (0, "days")])
def test_a_period_is_at_least_a_day_and_at_most_100_years(beheerder, period, unit):
    """So every deletion date stays computable: a decision never fails on its clock."""
    with pytest.raises(RuleViolation, match="100 jaar") as refused:
        change(beheerder, RetentionBasis.CASUSOVERLEG, period=period, unit=unit)
    assert refused.value.field == "period"


def test_the_database_refuses_an_endless_period(db):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        RetentionRule.objects.filter(basis=RetentionBasis.WITHDRAWN).update(period=8000,
                                                                             unit="years")
