"""Re-weighing of a decided case (docs/design.md §3 rule 12): weighing is a continuing
process. The procesregisseur puts a decided case back in preparation with a written reason
(new information, a review date, a move); it then goes on an agenda as its next round, with
its own votes and decision. The earlier decision stays as history, the new decision's record
names it, and the retention clock restarts from the new decision (`retention.clock.
restart_clock`)."""

from django.db import transaction
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals.access import can
from signals.models import EventKind, Signal, SignalStatus
from signals.services import record_event, sync_signal_permissions
from weegploeg.models import Decision, Outcome, Reweighing, ReweighingReason
from weegploeg.roles import require_coordinator

# The outcomes that close a case; a re-weighing ends with one of them.
CLOSING_OUTCOMES = (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG)


def latest_closing_decision(signal: Signal) -> Decision | None:
    """The current (not corrected) decision that closed the case last."""
    return (Decision.objects.filter(signal=signal, correction__isnull=True,
                                    outcome__in=CLOSING_OUTCOMES)
            .order_by("-taken_at", "-pk").first())


@transaction.atomic
def reopen_for_weighing(user, signal: Signal, *, reason_kind: str, reason: str) -> Reweighing:
    """Put a decided case back in preparation for a new weighing, with the reason. Only the
    procesregisseur of the signal's weegploeg, only one re-weighing at a time."""
    with processing(ProcessingActivity.DECISION):
        signal = Signal.objects.select_for_update().select_related("weegploeg").get(pk=signal.pk)
        require_coordinator(user, signal.weegploeg)
        if not can(user, "signals.view_dossier", signal):
            raise RuleViolation(_("Alleen de procesregisseur van deze weegploeg doet dit."))
        earlier = latest_closing_decision(signal)
        if signal.status != SignalStatus.DECIDED or earlier is None:
            raise RuleViolation(_("Alleen een besloten signaal kan opnieuw worden gewogen."))
        if reason_kind not in ReweighingReason.values:
            raise RuleViolation(_("Kies de aanleiding."), field="reason_kind")
        reason = (reason or "").strip()
        if not reason:
            raise RuleViolation(_("Geef de reden om opnieuw te wegen."), field="reason")
        reweighing = Reweighing.objects.create(
            signal=signal, earlier_decision=earlier, reason_kind=reason_kind, reason=reason,
            requested_by=user,
        )
        signal.status = SignalStatus.IN_PREPARATION
        signal.save(update_fields=["status", "updated_at"])
        record_event(user, signal, EventKind.STATUS,
                     _("Opnieuw te wegen (%(reason)s)")
                     % {"reason": ReweighingReason(reason_kind).label.lower()})
        sync_signal_permissions(signal)
    return reweighing


def conclude_reweighing(decision: Decision) -> bool:
    """In the transaction of a new decision: when it closes a case under re-weighing, link
    the two (the record of the new decision names the earlier one). Returns whether it did."""
    if decision.outcome not in CLOSING_OUTCOMES or decision.corrects_id is not None:
        return False
    reweighing = (Reweighing.objects.select_for_update()
                  .filter(signal_id=decision.signal_id, decision__isnull=True).first())
    if reweighing is None:
        return False
    reweighing.decision = decision
    reweighing.save(update_fields=["decision"])
    return True


def reweighing_of(decision: Decision) -> Reweighing | None:
    """The re-weighing a decision (or its correction) ended, with the earlier decision."""
    first = decision
    while first.corrects_id is not None:
        first = first.corrects
    return (Reweighing.objects.filter(decision=first)
            .select_related("earlier_decision", "earlier_decision__item__session").first())
