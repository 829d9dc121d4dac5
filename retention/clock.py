"""When is this deleted? The retention clock and the rules that set it (docs/design.md §3
rule 8; docs/adr/0004).

- **The clock.** A signal's clock starts when it reaches an outcome (`signals.lifecycle`):
  a decision "casusoverleg" or "geen casusoverleg", or its withdrawal ("nadere duiding"
  starts none). `start_clock` stores the rule's basis, the start date and the deletion date
  on the signal, so the nightly selection is an indexed date comparison.
- **"After the last processing"** (the casusoverleg default, after the 2017 model
  covenant): the clock restarts on each later processing *for the casus* that the system
  sees — a correction of the decision and the recording or update of the person's
  notification. Reading the dossier, an inzageverzoek, a legal hold or a request of the
  person are not processing for the casus and do not extend retention. Each signal keeps
  its own clock: a new signal about the same person does not extend an earlier one.
- **Rule changes** apply to clocks that start afterwards. Existing deletion dates change
  only through `recompute_deletion_dates`, an explicit and audited action of the
  functioneel beheerder.
"""

import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.authz import check_role
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from retention.models import (
    MAX_PERIOD,
    ClockAnchor,
    PeriodUnit,
    RetentionBasis,
    RetentionRule,
)
from signals.models import Signal, SignalStatus
from weegploeg.models import Outcome

logger = logging.getLogger(__name__)


CLOSED_STATUSES = (SignalStatus.DECIDED, SignalStatus.WITHDRAWN)


# Where an outcome meets the retention rules (docs/design.md, rule 8): a decision's outcome
# or the withdrawal → the rule that sets its clock. Nadere duiding starts no clock.
RETENTION_BASIS = {
    Outcome.CASUSOVERLEG: RetentionBasis.CASUSOVERLEG,
    Outcome.NO_CASUSOVERLEG: RetentionBasis.NO_CASUSOVERLEG,
    SignalStatus.WITHDRAWN: RetentionBasis.WITHDRAWN,
}


def add_period(start: datetime.date, period: int, unit: str) -> datetime.date:
    """`start` plus the period in calendar terms: 1 year after 29 February is 28 February."""
    if unit == PeriodUnit.DAYS:
        return start + datetime.timedelta(days=period)
    if unit == PeriodUnit.YEARS:
        return start + relativedelta(years=period)
    return start + relativedelta(months=period)


def deletion_date(rule: RetentionRule, started_on: datetime.date) -> datetime.date:
    return add_period(started_on, rule.period, rule.unit)


def start_clock(signal: Signal, outcome: str, at: datetime.datetime, *,
                new_weighing: bool = False) -> None:
    """Subscribed to `signals.lifecycle.outcome_reached`: start the signal's clock under the
    rule for `outcome`, in the caller's transaction. Reaching the same outcome again (a
    corrected decision) restarts the clock only under a rule that runs "after the last
    processing"; a clock never moves back. The decision of a re-weighing (`new_weighing`) is
    a new decision: `restart_clock`."""
    basis = RETENTION_BASIS.get(outcome)
    if basis is None:  # nadere duiding: the signal is back in the queue, no clock
        return
    if new_weighing:
        restart_clock(signal, basis, at)
    else:
        _run_clock(signal, basis, at)


def restart_clock(signal: Signal, basis: str, at: datetime.datetime) -> None:
    """A re-weighing ends in a new decision (docs/design.md rule 12): the clock starts again
    from that decision under the rule of its outcome — unless that would bring the deletion
    date forward: the earlier decision stays in the dossier as history, so the running
    clock stays and the new decision counts as a later processing (`record_processing`)."""
    rule = _rule(signal, basis)
    if rule is None:
        return
    started_on = timezone.localdate(at)
    if signal.deletion_due and deletion_date(rule, started_on) < signal.deletion_due:
        record_processing(signal, at)
        return
    _set_clock(signal, rule, started_on)


def _rule(signal: Signal, basis: str) -> RetentionRule | None:
    rule = RetentionRule.objects.filter(basis=basis).first()
    if rule is None:
        # The rules are seeded and cannot be deleted; without one the signal shows up in the
        # overview as "closed without deletion date".
        logger.error("Geen bewaartermijn voor %s; signaal %s heeft geen vernietigingsdatum",
                     basis, signal.pk)
    return rule


def _run_clock(signal: Signal, basis: str, at: datetime.datetime) -> None:
    rule = _rule(signal, basis)
    if rule is None:
        return
    started_on = timezone.localdate(at)
    if signal.retention_basis == basis and signal.retention_started_on:
        if rule.anchor != ClockAnchor.LAST_PROCESSING:
            return
        started_on = max(started_on, signal.retention_started_on)
    _set_clock(signal, rule, started_on)


def _set_clock(signal: Signal, rule: RetentionRule, started_on: datetime.date) -> None:
    signal.retention_basis = rule.basis
    signal.retention_started_on = started_on
    signal.deletion_due = deletion_date(rule, started_on)
    signal.save(update_fields=["retention_basis", "retention_started_on", "deletion_due"])


def record_processing(signal: Signal, at: datetime.datetime) -> None:
    """A later processing for the casus (e.g. the notification of the person): restarts
    the clock when the signal's rule runs "after the last processing"."""
    if signal.retention_basis:
        _run_clock(signal, signal.retention_basis, at)


def require_admin(user):
    """Rules, recomputations and legal holds are the functioneel beheerder's."""
    check_role(user, Role.ADMIN, refusal=_("Alleen de functioneel beheerder doet dit."))


@transaction.atomic
def update_rule(user, rule: RetentionRule, *, period: int, unit: str, anchor: str,
                legal_source: str) -> RetentionRule:
    """The functioneel beheerder sets a period to the local convenant and the law. It
    applies to clocks that start from now on (audited, like every change)."""
    require_admin(user)
    legal_source = (legal_source or "").strip()
    if not legal_source:
        raise RuleViolation(_("Noem de wettelijke grondslag of het convenant."),
                            field="legal_source")
    if unit not in MAX_PERIOD or not 1 <= period <= MAX_PERIOD[unit]:
        raise RuleViolation(_("Een bewaartermijn is minstens 1 dag en ten hoogste 100 jaar."),
                            field="period")
    with processing(ProcessingActivity.RETENTION):
        rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        rule.period, rule.unit, rule.anchor = period, unit, anchor
        rule.legal_source = legal_source
        rule.updated_by = user
        rule.save()
    return rule


def closed_without_clock():
    """Signals that have left the queue by a decision or withdrawal but have no deletion
    date (e.g. closed before the retention rules existed): the purge would never see them,
    so the overview and every run report count them."""
    return Signal.objects.filter(status__in=CLOSED_STATUSES, deletion_due__isnull=True)


def _closing_outcome(signal: Signal):
    """(outcome, at) by which a closed signal left the queue."""
    if signal.status == SignalStatus.WITHDRAWN:
        return SignalStatus.WITHDRAWN, signal.withdrawn_at
    decision = signal.decisions.filter(corrects__isnull=True).order_by("-taken_at", "-pk").first()
    return (decision.outcome, decision.taken_at) if decision else (None, None)


@transaction.atomic
def recompute_deletion_dates(user, rule: RetentionRule) -> int:
    """Apply the rule as it is now to the clocks already running under it, and start the
    clock of closed signals that have none. Explicit, by the functioneel beheerder; every
    changed signal and the rule itself (`recomputed_at`/`_by`) are audited. Returns the
    number of signals whose deletion date changed or was set."""
    require_admin(user)
    changed = 0
    with processing(ProcessingActivity.RETENTION):
        rule = RetentionRule.objects.select_for_update().get(pk=rule.pk)
        running = Signal.objects.select_for_update().filter(
            retention_basis=rule.basis, retention_started_on__isnull=False
        )
        for signal in running.iterator(chunk_size=500):
            due = deletion_date(rule, signal.retention_started_on)
            if due != signal.deletion_due:
                signal.deletion_due = due
                signal.save(update_fields=["deletion_due"])
                changed += 1
        for signal in closed_without_clock().select_for_update().iterator(chunk_size=500):
            outcome, at = _closing_outcome(signal)
            if RETENTION_BASIS.get(outcome) == rule.basis and at is not None:
                start_clock(signal, outcome, at)
                changed += 1
        rule.recomputed_at = timezone.now()
        rule.recomputed_by = user
        rule.save(update_fields=["recomputed_at", "recomputed_by"])
    return changed
