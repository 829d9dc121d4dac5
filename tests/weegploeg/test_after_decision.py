"""Rule 12 (issue 19): after the decision — follow-up dates that act, re-weighing, transfer of a
decided case, escalation to the lokale driehoek, onward referral tracked; scoped, audited, in
the record and the subject-access export."""

import datetime

import pytest
from dateutil.relativedelta import relativedelta
from django.core import mail
from django.core.files.storage import default_storage
from django.urls import reverse
from django.utils import timezone

from criteria.models import Assessment
from pga.models import AuditEntry, Role
from pga.services import RuleViolation
from retention.clock import deletion_date
from retention.models import RetentionBasis, RetentionRule
from rights.services import subject_access_data
from signals.models import Signal, SignalStatus, Transfer
from signals.services import acknowledge_transfer, transfer_signal, transfers_in
from stats.services import dashboard, driehoek_outcomes
from tests.signals.factories import register
from tests.weegploeg.factories import vote
from tests.weegploeg.test_records import pdf_text
from weegploeg.escalation import record_driehoek_outcome, record_escalation
from weegploeg.follow_up import record_follow_up
from weegploeg.models import (
    AgendaItem,
    Decision,
    DecisionRecord,
    DriehoekOutcome,
    FollowUp,
    FollowUpKind,
    Outcome,
    Referral,
    ReferralResult,
    ReweighingReason,
    SessionExport,
    Vote,
)
from weegploeg.record_content import record_facts
from weegploeg.records import create_decision_record
from weegploeg.reweighing import reopen_for_weighing
from weegploeg.services import (
    add_to_agenda,
    close_session,
    correct_decision,
    plan_session,
    prepare_decision,
)
from weegploeg.session_exports import build_session_export, request_session_export
from weegploeg.tasks import send_driehoek_reminders, send_follow_up_reminders
from worklist.selectors import escalations_open, follow_ups_due

MOTIVATION = "Feiten en context gewogen; zie de gezamenlijke weging."


def decide(item, members, outcome) -> Decision:
    decision = None
    for member in members.values():
        decision = vote(member, item, outcome, MOTIVATION)
    assert decision is not None
    return decision


def today():
    return timezone.localdate()


def rule(basis) -> RetentionRule:
    return RetentionRule.objects.get(basis=basis)


# -- 1. follow-up dates that act -----------------------------------------------------------


def test_a_casusoverleg_decision_plans_a_review_after_each_configured_month(
    settings, item, members
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6, 12]
    decision = decide(item, members, Outcome.CASUSOVERLEG)
    decided_on = timezone.localdate(decision.taken_at)
    assert [(f.kind, f.due_on) for f in decision.follow_ups.order_by("due_on")] == [
        (FollowUpKind.REVIEW, decided_on + relativedelta(months=months)) for months in (6, 12)]


def test_the_review_interval_is_per_outcome(settings, item, members, coordinator):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6, 12]
    settings.REVIEW_MONTHS_NO_CASUSOVERLEG = [3]
    decision = decide(item, members, Outcome.NO_CASUSOVERLEG)
    decided_on = timezone.localdate(decision.taken_at)
    assert [(f.kind, f.due_on) for f in decision.follow_ups.all()] == [
        (FollowUpKind.REVIEW, decided_on + relativedelta(months=3))]


def test_a_referral_is_checked_on_the_follow_up_date_or_after_the_configured_days(
    settings, item, members, coordinator
):
    settings.REVIEW_MONTHS_NO_CASUSOVERLEG = []
    settings.REFERRAL_CHECK_DAYS = 45
    prepare_decision(coordinator, item, referral=Referral.ZVH,
                     invited_parties=item.invited_parties)
    decision = decide(item, members, Outcome.NO_CASUSOVERLEG)
    decided_on = timezone.localdate(decision.taken_at)
    check = decision.follow_ups.get()
    assert (check.kind, check.due_on) == (FollowUpKind.REFERRAL,
                                          decided_on + datetime.timedelta(days=45))
    # A correction naming a date moves the open check to that date.
    on = today() + datetime.timedelta(days=20)
    correction = correct_decision(coordinator, decision, reasoning="Zelfde besluit.",
                                  reason="Datum opvolging afgesproken.", follow_up_on=on)
    assert not FollowUp.objects.filter(decision=decision).exists()
    assert [(f.kind, f.due_on) for f in correction.follow_ups.all()] == [
        (FollowUpKind.REFERRAL, on)]


def test_the_procesregisseur_is_reminded_once_per_follow_up_and_only_their_own(
    settings, item, members, coordinator, outsider
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    decision = decide(item, members, Outcome.CASUSOVERLEG)
    due = decision.follow_ups.get().due_on
    mail.outbox.clear()
    assert send_follow_up_reminders((due - datetime.timedelta(days=1)).isoformat()) == 0
    assert send_follow_up_reminders(due.isoformat()) == 1
    assert mail.outbox[-1].to == [coordinator.email]
    assert item.signal.reference in mail.outbox[-1].subject
    assert item.signal.person.surname not in mail.outbox[-1].body
    assert send_follow_up_reminders(due.isoformat()) == 0
    assert outsider.email not in [m.to[0] for m in mail.outbox]


def test_a_follow_up_stays_on_the_work_list_until_it_is_recorded(
    settings, item, members, coordinator, outsider
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    decision = decide(item, members, Outcome.CASUSOVERLEG)
    follow_up = decision.follow_ups.get()
    assert list(follow_ups_due(coordinator, follow_up.due_on - datetime.timedelta(days=1))) == []
    later = follow_up.due_on + datetime.timedelta(days=40)
    assert list(follow_ups_due(coordinator, later)) == [follow_up]
    assert list(follow_ups_due(outsider, later)) == []
    with pytest.raises(RuleViolation):
        record_follow_up(coordinator, follow_up, checked="", result="Loopt.")
    next_on = today() + datetime.timedelta(days=90)
    record_follow_up(coordinator, follow_up, checked="Casusoverleg gesproken.",
                     result="Plan van aanpak loopt.", next_on=next_on)
    follow_up.refresh_from_db()
    assert follow_up.recorded_by == coordinator and follow_up.recorded_at is not None
    # The recorded one leaves the list; the next date is a new follow-up of the same kind.
    assert [(f.kind, f.due_on) for f in follow_ups_due(coordinator, next_on)] == [
        (FollowUpKind.REVIEW, next_on)]
    with pytest.raises(RuleViolation):
        record_follow_up(coordinator, follow_up, checked="Nogmaals.", result="Nogmaals.")


def test_only_the_procesregisseur_of_the_weegploeg_records_a_follow_up(
    settings, item, members, outsider
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    follow_up = decide(item, members, Outcome.CASUSOVERLEG).follow_ups.get()
    for user in (members["gemeente"], outsider):
        with pytest.raises(RuleViolation):
            record_follow_up(user, follow_up, checked="Nagegaan.", result="Goed.")
    assert FollowUp.objects.get(pk=follow_up.pk).is_open


# -- 5. onward referral tracked --------------------------------------------------------------


def test_the_check_of_a_referral_records_whether_and_by_whom_it_was_taken_up(
    settings, item, members, coordinator
):
    settings.REVIEW_MONTHS_NO_CASUSOVERLEG = []
    prepare_decision(coordinator, item, referral=Referral.CARE,
                     follow_up_on=today() + datetime.timedelta(days=30),
                     invited_parties=item.invited_parties)
    check = decide(item, members, Outcome.NO_CASUSOVERLEG).follow_ups.get()
    with pytest.raises(RuleViolation, match="opgepakt"):
        record_follow_up(coordinator, check, checked="Gebeld met wijkteam.", result="Bekend.")
    with pytest.raises(RuleViolation, match="Noem wie"):
        record_follow_up(coordinator, check, checked="Gebeld met wijkteam.", result="Bekend.",
                         referral_result=ReferralResult.TAKEN_UP)
    record_follow_up(coordinator, check, checked="Gebeld met wijkteam.", result="Bekend.",
                     referral_result=ReferralResult.TAKEN_UP, taken_up_by="Wijkteam Noord")
    check.refresh_from_db()
    assert (check.referral_result, check.taken_up_by) == (ReferralResult.TAKEN_UP,
                                                          "Wijkteam Noord")


# -- 2. re-weighing --------------------------------------------------------------------------


def new_round(coordinator, weegploeg, signal) -> AgendaItem:
    session = plan_session(coordinator, weegploeg, timezone.now() + datetime.timedelta(days=2),
                           location="Stadhuis")
    item = add_to_agenda(coordinator, session, signal)
    return prepare_decision(coordinator, item, invited_parties=["zorg_ggz"],
                            joint_reasoning="Nieuwe weging.")


def started_earlier(signal, days):
    """Move the running clock back as if the first decision were `days` old (the decision
    itself is immutable and stamped by the database)."""
    signal.refresh_from_db()
    signal.retention_started_on -= datetime.timedelta(days=days)
    signal.deletion_due = deletion_date(rule(signal.retention_basis), signal.retention_started_on)
    Signal.objects.filter(pk=signal.pk).update(retention_started_on=signal.retention_started_on,
                                               deletion_due=signal.deletion_due)
    return signal.deletion_due


def test_a_reweighing_ends_in_another_outcome_with_its_own_votes_and_decision(
    item, members, coordinator, weegploeg, client, login
):
    first = decide(item, members, Outcome.CASUSOVERLEG)
    signal = item.signal
    earlier_due = started_earlier(signal, 200)
    with pytest.raises(RuleViolation, match="reden"):
        reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.REVIEW, reason=" ")
    reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.NEW_INFORMATION,
                        reason="Politie meldt dat de zorgen zijn afgenomen.")
    signal.refresh_from_db()
    assert signal.status == SignalStatus.IN_PREPARATION
    second_item = new_round(coordinator, weegploeg, signal)
    assert second_item.round == item.round + 1
    second = decide(second_item, members, Outcome.NO_CASUSOVERLEG)
    assert second.outcome != first.outcome
    assert Vote.objects.filter(item=second_item).count() == 3
    # The earlier decision stays as history: not corrected, still there.
    first.refresh_from_db()
    assert first.is_current and first.outcome == Outcome.CASUSOVERLEG
    assert second.reweighing.earlier_decision == first
    # Retention: the new decision's rule (1 year) would end sooner than the running
    # casusoverleg clock, which instead restarts from the new decision (after the last
    # processing).
    signal.refresh_from_db()
    restarted = deletion_date(rule(RetentionBasis.CASUSOVERLEG),
                              timezone.localdate(second.taken_at))
    assert signal.deletion_due == restarted > earlier_due
    assert signal.retention_basis == RetentionBasis.CASUSOVERLEG
    # The record of the new decision names the earlier one.
    facts = record_facts(second)
    assert facts.reweighing.earlier_decision == first
    # So does its page.
    login(coordinator)
    page = client.get(reverse("weegploeg:decision", args=[second.pk])).content.decode()
    assert reverse("weegploeg:decision", args=[first.pk]) in page


def test_the_record_of_a_reweighing_decision_names_the_earlier_decision_and_the_reason(
    settings, item, members, coordinator, weegploeg
):
    settings.REVIEW_MONTHS_NO_CASUSOVERLEG = [12]
    first = decide(item, members, Outcome.CASUSOVERLEG)
    reopen_for_weighing(coordinator, item.signal, reason_kind=ReweighingReason.MOVED,
                        reason="Verhuisd binnen de gemeente; nieuwe school meldt rust.")
    second = decide(new_round(coordinator, weegploeg, item.signal), members,
                    Outcome.NO_CASUSOVERLEG)
    text = pdf_text(create_decision_record(second).file.open("rb").read())
    assert "Opnieuw gewogen" in text
    assert f"besluit {first.pk} van" in text
    assert "Verhuisd binnen de gemeente; nieuwe school meldt rust." in text
    review = second.follow_ups.get()
    assert f"Herbeoordeling {review.due_on.day} " in text


def test_a_reweighing_to_casusoverleg_starts_the_clock_under_its_rule(
    item, members, coordinator, weegploeg
):
    decide(item, members, Outcome.NO_CASUSOVERLEG)
    signal = item.signal
    started_earlier(signal, 100)
    reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.MOVED,
                        reason="Nieuwe signalen na verhuizing binnen de gemeente.")
    second = decide(new_round(coordinator, weegploeg, signal), members, Outcome.CASUSOVERLEG)
    signal.refresh_from_db()
    assert signal.retention_basis == RetentionBasis.CASUSOVERLEG
    assert signal.deletion_due == deletion_date(rule(RetentionBasis.CASUSOVERLEG),
                                                timezone.localdate(second.taken_at))


def test_only_a_decided_case_is_reweighed_and_only_by_its_procesregisseur(
    item, members, coordinator, outsider
):
    signal = item.signal
    with pytest.raises(RuleViolation, match="besloten"):
        reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.REVIEW,
                            reason="Herbeoordeling.")
    decide(item, members, Outcome.CASUSOVERLEG)
    for user in (members["om"], outsider):
        with pytest.raises(RuleViolation):
            reopen_for_weighing(user, signal, reason_kind=ReweighingReason.REVIEW,
                                reason="Herbeoordeling.")
    reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.REVIEW,
                        reason="Herbeoordeling.")
    with pytest.raises(RuleViolation, match="besloten"):
        reopen_for_weighing(coordinator, signal, reason_kind=ReweighingReason.REVIEW,
                            reason="Nogmaals.")


# -- 3. transfer of a decided case -----------------------------------------------------------


def test_a_decided_case_is_transferred_with_its_decisions_records_and_retention_dates(
    item, members, coordinator, other_weegploeg, make_user, client, login,
    django_capture_on_commit_callbacks
):
    decision = decide(item, members, Outcome.CASUSOVERLEG)
    record = create_decision_record(decision)
    export = build_session_export(request_session_export(coordinator, item.session))
    assert default_storage.exists(export.file.name)
    signal = Signal.objects.get(pk=item.signal_id)
    kept = (signal.retention_basis, signal.retention_started_on, signal.deletion_due)
    receiving = make_user(other_weegploeg.gemeente, Role.COORDINATOR)
    with pytest.raises(RuleViolation):
        transfer_signal(members["gemeente"], signal, None, "Verhuisd.",
                        municipality=other_weegploeg.gemeente)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        transfer_signal(coordinator, signal, None, "Betrokkene is verhuisd.",
                        municipality=other_weegploeg.gemeente)
    signal.refresh_from_db()
    assert signal.weegploeg == other_weegploeg
    assert signal.status == SignalStatus.DECIDED
    assert (signal.retention_basis, signal.retention_started_on, signal.deletion_due) == kept
    # The receiving weegploeg has the whole dossier; the sending one only the Transfer row.
    for model, obj in ((AgendaItem, item), (Vote, item.votes.first()), (Decision, decision),
                       (DecisionRecord, record)):
        assert list(model.objects.visible_to(receiving).filter(pk=obj.pk)) == [obj]
        assert not model.objects.visible_to(coordinator).filter(pk=obj.pk).exists()
    assert Assessment.objects.filter(signal=signal).exists()
    assert Transfer.objects.get(signal=signal).from_weegploeg == item.session.weegploeg
    # No ZIP of the sender's session keeps the dossier's records.
    assert not SessionExport.objects.filter(pk=export.pk).exists()
    assert not default_storage.exists(export.file.name)
    login(receiving)
    assert client.get(reverse("weegploeg:decision", args=[decision.pk])).status_code == 200
    login(coordinator)
    assert client.get(reverse("weegploeg:decision", args=[decision.pk])).status_code == 404
    # The receiving procesregisseur gets a message and a work-list entry until taken in.
    assert [m.to for m in mail.outbox] == [[receiving.email]]
    assert signal.reference in mail.outbox[0].subject
    assert list(transfers_in(coordinator)) == []
    transfer = transfers_in(receiving).get()
    acknowledge_transfer(receiving, transfer)
    assert not transfers_in(receiving).exists()
    # Its follow-ups moved along: the receiving side is reminded.
    assert FollowUp.objects.visible_to(receiving).filter(signal=signal).exists()


# -- 4. escalation to the lokale driehoek -----------------------------------------------------


def flagged(settings, item, coordinator):
    settings.ESCALATION_ROUNDS = 1
    close_session(coordinator, item.session)
    item.refresh_from_db()
    assert item.escalate
    return item


def test_the_escalation_and_the_driehoeks_outcome_are_recorded_and_counted(
    settings, item, coordinator, members
):
    item = flagged(settings, item, coordinator)
    assert list(escalations_open(coordinator)) == [item]
    with pytest.raises(RuleViolation):
        record_escalation(members["politie"], item, sent_on=today(), sent_to="Burgemeester")
    escalation = record_escalation(coordinator, item, sent_on=today(),
                                   sent_to="Burgemeester en hoofdofficier")
    with pytest.raises(RuleViolation, match="tussen"):
        record_driehoek_outcome(coordinator, escalation, outcome=DriehoekOutcome.CASUSOVERLEG,
                                outcome_on=today() + datetime.timedelta(days=1),
                                outcome_text="Casusoverleg.")
    record_driehoek_outcome(coordinator, escalation, outcome=DriehoekOutcome.CASUSOVERLEG,
                            outcome_on=today(), outcome_text="Driehoek: casusoverleg starten.")
    assert list(escalations_open(coordinator)) == []
    signal = Signal.objects.get(pk=item.signal_id)
    assert signal.status == SignalStatus.DECIDED
    assert signal.deletion_due == deletion_date(rule(RetentionBasis.CASUSOVERLEG), today())
    # Counted in the statistics: its own figure, and the signal's outcome.
    counts = {t.code: t.signals for t in driehoek_outcomes([signal.weegploeg_id],
                                                           signal.received_on, today())}
    assert counts == {DriehoekOutcome.CASUSOVERLEG: 1, DriehoekOutcome.NO_CASUSOVERLEG: 0,
                      "": 0}
    outcomes = {t.code: t.signals for t in dashboard(coordinator).outcomes}
    assert outcomes[Outcome.CASUSOVERLEG] == 1


def test_a_reminder_when_the_driehoek_outcome_is_missing_after_the_configured_days(
    settings, item, coordinator, outsider
):
    settings.DRIEHOEK_REMINDER_DAYS = 28
    item = flagged(settings, item, coordinator)
    with pytest.raises(RuleViolation, match="tussen"):
        record_escalation(coordinator, item, sent_on=today() - datetime.timedelta(days=1),
                          sent_to="Burgemeester")
    sent_on = today()
    record_escalation(coordinator, item, sent_on=sent_on, sent_to="Burgemeester")
    mail.outbox.clear()
    assert send_driehoek_reminders((sent_on + datetime.timedelta(days=27)).isoformat()) == 0
    assert send_driehoek_reminders((sent_on + datetime.timedelta(days=28)).isoformat()) == 1
    assert mail.outbox[-1].to == [coordinator.email]
    assert item.signal.reference in mail.outbox[-1].subject
    assert send_driehoek_reminders((sent_on + datetime.timedelta(days=40)).isoformat()) == 0


# -- 6. scope, audit, page, subject-access export -------------------------------------------


def test_the_page_after_the_decision_is_scoped_and_only_the_procesregisseur_records(
    settings, item, members, coordinator, outsider, client, login
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    follow_up = decide(item, members, Outcome.CASUSOVERLEG).follow_ups.get()
    url = reverse("weegploeg:after_decision", args=[item.signal_id])
    login(outsider)
    assert client.get(url).status_code == 404
    login(members["om"])
    assert client.get(url).status_code == 200
    assert client.post(url, {"opvolging": "1", "follow_up": follow_up.pk}).status_code == 403
    login(coordinator)
    typed = "Wijkagent gesproken over de situatie thuis."
    response = client.post(url, {"opvolging": "1", "follow_up": follow_up.pk, "checked": typed,
                                 "result": ""})
    assert response.status_code == 200
    assert "Er is iets niet goed ingevuld" in response.content.decode()
    assert typed in response.content.decode()
    response = client.post(url, {"opvolging": "1", "follow_up": follow_up.pk, "checked": typed,
                                 "result": "Geen nieuwe zorgen.", "next_on": ""})
    assert response.status_code == 302
    assert not FollowUp.objects.get(pk=follow_up.pk).is_open


def test_reads_and_writes_after_the_decision_are_audited_without_their_texts(
    settings, item, members, coordinator, client, login
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    follow_up = decide(item, members, Outcome.CASUSOVERLEG).follow_ups.get()
    login(coordinator)
    client.get(reverse("weegploeg:after_decision", args=[item.signal_id]))
    assert AuditEntry.objects.filter(actor=coordinator, action=AuditEntry.Action.ACCESS,
                                     object_pk=str(item.signal_id)).exists()
    secret = "Gesprek met moeder over broer Karel."
    record_follow_up(coordinator, follow_up, checked=secret, result="Geen nieuwe zorgen.")
    entry = AuditEntry.objects.filter(content_type__model="followup",
                                      object_pk=str(follow_up.pk),
                                      action=AuditEntry.Action.UPDATE).get()
    assert entry.weegploeg_id == item.signal.weegploeg_id
    assert secret not in str(entry.changes)


def test_the_subject_access_export_holds_what_happened_after_the_decision(
    settings, item, members, coordinator, auditor
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [6]
    follow_up = decide(item, members, Outcome.CASUSOVERLEG).follow_ups.get()
    record_follow_up(coordinator, follow_up, checked="Casusoverleg nagevraagd.",
                     result="Loopt volgens plan.")
    reopen_for_weighing(coordinator, item.signal, reason_kind=ReweighingReason.REVIEW,
                        reason="Herbeoordeling na zes maanden.")
    data = subject_access_data(auditor, item.signal.person, case_number="AVG-1")
    exported = data["signals"][0]
    assert [f["result"] for f in exported["follow_ups"]] == ["Loopt volgens plan."]
    assert [r["reason"] for r in exported["reweighings"]] == ["Herbeoordeling na zes maanden."]
    assert exported["escalations"] == []


def test_the_work_list_links_each_open_follow_up_escalation_and_transfer(
    settings, item, members, coordinator, weegploeg, other_weegploeg, make_user, meldpunt,
    client, login
):
    settings.REVIEW_MONTHS_CASUSOVERLEG = [0]  # a review due today
    settings.ESCALATION_ROUNDS = 1
    decide(item, members, Outcome.CASUSOVERLEG)
    reference = item.signal.reference
    flagged_signal = register(meldpunt, weegploeg=weegploeg)
    session = plan_session(coordinator, weegploeg,
                           timezone.now() + datetime.timedelta(days=3), location="Stadhuis")
    add_to_agenda(coordinator, session, flagged_signal)
    close_session(coordinator, session)
    moved = register(make_user(other_weegploeg.gemeente, Role.MELDPUNT), weegploeg=other_weegploeg)
    transfer_signal(make_user(other_weegploeg.gemeente, Role.COORDINATOR), moved, None,
                    "Verhuisd.", municipality=weegploeg.gemeente)
    login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert f"Herbeoordeling {reference}" in page
    assert f"Escalatie {flagged_signal.reference} (ronde 1)" in page
    assert f"Overdracht {moved.reference}" in page
    for signal in (item.signal, flagged_signal, moved):
        assert reverse("weegploeg:after_decision", args=[signal.pk]) in page
