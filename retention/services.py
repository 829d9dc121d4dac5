"""When is this deleted? Retention rules, the retention clock, legal holds and the purge
(docs/design.md §3 rule 8).

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
- **The purge** deletes, in batches of signals and one transaction per batch
  (`purge_signals`), each signal and everything personal attached to it through the
  models, leaves a tombstone (`DeletedSignal`); django-auditlog logs each deletion without
  values, as it logs every other (`pga.audit.register`), so the log keeps who did what
  when and nothing to erase. A batch that fails is redone signal by signal, so one bad
  signal is recorded and the others go. Files go after the
  commit; a run killed before that leaves their names on the tombstones for the next run.
  The run ends by rewriting the tables it deleted from (`rewrite_purged_tables`, VACUUM
  FULL), so that the deleted values are gone from the table files too, not only from the
  visible rows.
  Nothing is purged under a legal hold, or sooner than RETENTION_MIN_AGE_DAYS after its
  clock started, whatever the rules say.
"""

import contextlib
import contextvars
import dataclasses
import datetime
import functools
import logging

from celery import chain
from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, models, transaction
from django.db.models import Count, Exists, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import objects_known, processing
from pga.authz import has_role, weegploegen_of
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from retention.models import (
    MAX_PERIOD,
    ClockAnchor,
    DeletedSignal,
    LegalHold,
    PeriodUnit,
    PurgeFailure,
    PurgeRun,
    PurgeTrigger,
    RetentionBasis,
    RetentionRule,
    SubjectRequest,
)
from signals.models import OPEN_STATUSES, Person, Signal, SignalStatus
from weegploeg.models import AgendaItem, Decision, Outcome, SessionExport

logger = logging.getLogger(__name__)

# What an anonymised AVG request holds instead of its texts.
ANONYMISED = "[verwijderd]"

CLOSED_STATUSES = (SignalStatus.DECIDED, SignalStatus.WITHDRAWN)

# Where an outcome meets the retention rules (docs/design.md, rule 8): a decision's outcome
# or the withdrawal → the rule that sets its clock. Nadere duiding starts no clock.
RETENTION_BASIS = {
    Outcome.CASUSOVERLEG: RetentionBasis.CASUSOVERLEG,
    Outcome.NO_CASUSOVERLEG: RetentionBasis.NO_CASUSOVERLEG,
    SignalStatus.WITHDRAWN: RetentionBasis.WITHDRAWN,
}


# -- the clock ------------------------------------------------------------------------------


def add_period(start: datetime.date, period: int, unit: str) -> datetime.date:
    """`start` plus the period in calendar terms: 1 year after 29 February is 28 February."""
    if unit == PeriodUnit.DAYS:
        return start + datetime.timedelta(days=period)
    if unit == PeriodUnit.YEARS:
        return start + relativedelta(years=period)
    return start + relativedelta(months=period)


def deletion_date(rule: RetentionRule, started_on: datetime.date) -> datetime.date:
    return add_period(started_on, rule.period, rule.unit)


def start_clock(signal: Signal, outcome: str, at: datetime.datetime) -> None:
    """Subscribed to `signals.lifecycle.outcome_reached`: start the signal's clock under the
    rule for `outcome`, in the caller's transaction. Reaching the same outcome again (a
    corrected decision) restarts the clock only under a rule that runs "after the last
    processing"; a clock never moves back."""
    basis = RETENTION_BASIS.get(outcome)
    if basis is not None:  # else nadere duiding: the signal is back in the queue, no clock
        _run_clock(signal, basis, at)


def _run_clock(signal: Signal, basis: str, at: datetime.datetime) -> None:
    rule = RetentionRule.objects.filter(basis=basis).first()
    if rule is None:
        # The rules are seeded and cannot be deleted; without one the signal shows up in the
        # overview as "closed without deletion date".
        logger.error("Geen bewaartermijn voor %s; signaal %s heeft geen vernietigingsdatum",
                     basis, signal.pk)
        return
    started_on = timezone.localdate(at)
    if signal.retention_basis == basis and signal.retention_started_on:
        if rule.anchor != ClockAnchor.LAST_PROCESSING:
            return
        started_on = max(started_on, signal.retention_started_on)
    signal.retention_basis = basis
    signal.retention_started_on = started_on
    signal.deletion_due = deletion_date(rule, started_on)
    signal.save(update_fields=["retention_basis", "retention_started_on", "deletion_due"])


def record_processing(signal: Signal, at: datetime.datetime) -> None:
    """A later processing for the casus (e.g. the notification of the person): restarts
    the clock when the signal's rule runs "after the last processing"."""
    if signal.retention_basis:
        _run_clock(signal, signal.retention_basis, at)


# -- rules ----------------------------------------------------------------------------------


def _require_admin(user):
    if not has_role(user, Role.ADMIN):
        raise RuleViolation(_("Alleen de functioneel beheerder doet dit."))


@transaction.atomic
def update_rule(user, rule: RetentionRule, *, period: int, unit: str, anchor: str,
                legal_source: str) -> RetentionRule:
    """The functioneel beheerder sets a period to the local convenant and the law. It
    applies to clocks that start from now on (audited, like every change)."""
    _require_admin(user)
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
    _require_admin(user)
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


# -- legal holds ----------------------------------------------------------------------------


def active_holds():
    return LegalHold.objects.filter(ended_at__isnull=True)


def expired_holds(today: datetime.date):
    """Holds past their date that still block: to be ended or extended."""
    return active_holds().filter(until__lt=today)


def find_signal(user, reference: str) -> Signal | None:
    """A signal by reference, among those of the weegploegen of the user's partner: another
    weegploeg's signal does not exist here either (docs/design.md §4.2)."""
    return Signal.objects.filter(
        weegploeg__in=weegploegen_of(user), reference__iexact=(reference or "").strip()
    ).first()


@transaction.atomic
def place_hold(user, *, reason: str, until: datetime.date, signal: Signal | None = None,
               person: Person | None = None) -> LegalHold:
    """A legal hold blocks the purge of a signal, or of all signals of a person, until it
    is ended. The signal or person row is locked, so a purge running at the same moment
    either finishes first or sees the hold."""
    _require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van de blokkade."), field="reason")
    if until is None or until < timezone.localdate():
        raise RuleViolation(_("De einddatum ligt in de toekomst."), field="until")
    if (signal is None) == (person is None):
        raise RuleViolation(_("Kies een signaal of een betrokkene."), field="reference")
    with processing(ProcessingActivity.RETENTION):
        if signal is not None:
            signal = Signal.objects.select_for_update().filter(pk=signal.pk).first()
        else:
            person = Person.objects.select_for_update().filter(pk=person.pk).first()
        if signal is None and person is None:
            raise RuleViolation(_("Dit signaal of deze betrokkene bestaat niet (meer)."),
                                field="reference")
        return LegalHold.objects.create(
            signal=signal, person=person, reason=reason, until=until, placed_by=user
        )


@transaction.atomic
def end_hold(user, hold: LegalHold, reason: str) -> LegalHold:
    """End a hold; from the next run the purge may delete what it covered, if due."""
    _require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van het beëindigen."), field="end_reason")
    with processing(ProcessingActivity.RETENTION):
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.ended_at is not None:
            raise RuleViolation(_("Deze blokkade is al beëindigd."))
        hold.ended_at, hold.ended_by, hold.end_reason = timezone.now(), user, reason
        hold.save()
    return hold


# -- what is due ----------------------------------------------------------------------------


def _on_hold():
    holds = active_holds()
    return (Exists(holds.filter(signal_id=OuterRef("pk")))
            | Exists(holds.filter(person_id=OuterRef("person_id"))))


def due_signals(today: datetime.date):
    """Signals whose deletion date has come and whose clock started at least
    RETENTION_MIN_AGE_DAYS ago (a guard against a mistaken rule), held or not."""
    oldest_start = today - datetime.timedelta(days=settings.RETENTION_MIN_AGE_DAYS)
    return Signal.objects.filter(deletion_due__lte=today, retention_started_on__lte=oldest_start)


def purgeable_signals(today: datetime.date):
    """What the purge deletes: due and under no legal hold (signal or person), oldest
    deletion date first."""
    return due_signals(today).filter(~_on_hold()).order_by("deletion_due", "pk")


def deletions_due_per_month(user, today: datetime.date, months: int = 12) -> list[dict]:
    """Signals of the user's weegploegen with a deletion date by month, up to `months`
    ahead: overdue ones (held, or not yet run) in the first row, later ones in the last."""
    first = today.replace(day=1)
    horizon = add_period(first, months, PeriodUnit.MONTHS)
    rows = (
        Signal.objects.filter(deletion_due__isnull=False, weegploeg__in=weegploegen_of(user))
        .annotate(month=TruncMonth("deletion_due"), on_hold=_on_hold())
        .values("month")
        .annotate(count=Count("pk"), held=Count("pk", filter=models.Q(on_hold=True)))
        .order_by("month")
    )
    overdue = {"label": _("eerder (achterstallig)"), "count": 0, "held": 0}
    later = {"label": _("later"), "count": 0, "held": 0}
    per_month = {}
    for row in rows:
        month = row["month"]
        target = overdue if month < first else later if month >= horizon else None
        if target is None:
            per_month[month] = {"month": month, "count": row["count"], "held": row["held"]}
        else:
            target["count"] += row["count"]
            target["held"] += row["held"]
    result = [overdue] if overdue["count"] else []
    month = first
    while month < horizon:
        result.append(per_month.get(month, {"month": month, "count": 0, "held": 0}))
        month = add_period(month, 1, PeriodUnit.MONTHS)
    if later["count"]:
        result.append(later)
    return result


def runs_with_results(user=None):
    """Purge runs with the number purged and failed (tombstones and failures of the run):
    for `user`, only those of their weegploegen (the run itself is one nightly job for the
    installation); without a user, for the command line, all of them."""
    if user is None:
        return PurgeRun.objects.annotate(
            purged=Count("tombstones", distinct=True), failed=Count("failures", distinct=True)
        )
    return PurgeRun.objects.annotate(
        purged=Coalesce(Subquery(
            DeletedSignal.objects.visible_to(user).filter(purge_run=OuterRef("pk"))
            .values("purge_run").annotate(n=Count("pk")).values("n")), 0),
        failed=Coalesce(Subquery(
            PurgeFailure.objects.visible_to(user).filter(run=OuterRef("pk"))
            .values("run").annotate(n=Count("pk")).values("n")), 0),
    )


def stale(signals, today: datetime.date | None = None):
    """The signals of `signals` waiting for a decision too long: still in the queue,
    received more than STALE_SIGNAL_DAYS days before `today`. The one definition, for the
    coordinator's list and the statistics."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.STALE_SIGNAL_DAYS)
    return signals.filter(status__in=OPEN_STATUSES, received_on__lt=cutoff)


def stale_signals(user, today: datetime.date | None = None):
    """The stale signals (`stale`) that the user sees as weegploeg."""
    return (
        stale(Signal.objects.visible_to(user, "signals.view_dossier"), today)
        .select_related("weegploeg")
        .order_by("received_on", "pk")
    )


# -- the purge -----------------------------------------------------------------------------


@dataclasses.dataclass
class PurgeReport:
    """What a run found and did: counts and references only."""

    today: datetime.date
    due: int
    skipped_for_hold: int
    selected: list  # (signal id, reference)
    expired_holds: int
    without_deletion_date: int
    pending_files: int
    run: PurgeRun | None = None
    files_completed: int = 0


def survey(today: datetime.date, limit: int | None = None) -> PurgeReport:
    """What a purge on `today` would do, changing nothing (the dry run)."""
    limit = settings.RETENTION_MAX_PER_RUN if limit is None else limit
    due = due_signals(today)
    return PurgeReport(
        today=today,
        due=due.count(),
        skipped_for_hold=due.filter(_on_hold()).count(),
        selected=list(purgeable_signals(today).values_list("pk", "reference")[:limit]),
        expired_holds=expired_holds(today).count(),
        without_deletion_date=closed_without_clock().count(),
        pending_files=DeletedSignal.objects.exclude(pending_files=[]).count(),
    )


# Signals per task and transaction of a run: the statements that find and delete what hangs
# off the signals serve the whole batch, and a batch stays short enough to be redone signal
# by signal when it fails, or as a whole when a worker dies halfway.
PURGE_BATCH_SIZE = 200


def purge_due(now: datetime.datetime | None = None, *, dry_run: bool = False,
              limit: int | None = None, trigger: str = PurgeTrigger.NIGHTLY,
              synchronous: bool = False, rewrite: bool = True) -> PurgeReport:
    """Purge what is due on `now`'s date and not on hold, at most `limit` signals
    (RETENTION_MAX_PER_RUN by default), in batches of PURGE_BATCH_SIZE: one task per batch
    (`purge_signals_task`, chained one after the other: their transactions queue for the
    audit chain's head row anyway), or in this process when `synchronous`; files left by an
    earlier, interrupted run are removed first. When something was purged, the run ends by
    rewriting the tables it deleted from (`rewrite_purged_tables`; `rewrite=False` leaves
    that to a later run). A dry run only reports. Safe to run twice: a purged signal is gone
    from the selection, and a task re-run purges only what is still there and due."""
    now = now or timezone.now()
    report = survey(timezone.localdate(now), limit)
    if dry_run:
        return report
    run = PurgeRun.objects.create(
        trigger=trigger, due=report.due, selected=len(report.selected),
        skipped_for_hold=report.skipped_for_hold, expired_holds=report.expired_holds,
        without_deletion_date=report.without_deletion_date,
    )
    report.run = run
    report.files_completed = complete_file_removals()
    from retention.tasks import purge_signals_task, rewrite_purged_tables_task

    signal_ids = [signal_id for signal_id, _reference in report.selected]
    batches = [signal_ids[start:start + PURGE_BATCH_SIZE]
               for start in range(0, len(signal_ids), PURGE_BATCH_SIZE)]
    run.files_completed = report.files_completed
    run.finished_at = timezone.now()
    run.save(update_fields=["files_completed", "finished_at"])
    if synchronous:
        for batch in batches:
            purge_signals_safely(batch, run.pk, report.today)
        if rewrite:
            rewrite_purged_tables(run.pk)
    elif batches:
        steps = [purge_signals_task.si(batch, run.pk, report.today.isoformat())
                 for batch in batches]
        if rewrite:
            steps.append(rewrite_purged_tables_task.si(run.pk))
        chain(*steps).delay()
    return report


# Tables the purge deletes from (or empties a text in) that are not reached by the cascade
# from a signal or a person.
PURGE_ROOTS = (Signal, Person, SubjectRequest, SessionExport, LegalHold)


def purged_tables() -> list[str]:
    """The tables that held what the purge deletes: the roots and every model reached from
    them by a cascading or nulling foreign key (so a model added later is included)."""
    seen, todo = set(), list(PURGE_ROOTS)
    while todo:
        model = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        todo.extend(rel.related_model for rel in model._meta.related_objects
                    if rel.on_delete in (models.CASCADE, models.SET_NULL))
    return sorted({model._meta.db_table for model in seen if model._meta.managed})


# How long the rewrite waits for transactions older than it to end (seconds, one check each).
REWRITE_WAIT_SECONDS = 600


def rewrite_purged_tables(run_id: int | None = None) -> list[str]:
    """Physical erasure (docs/adr/0004, 6a): a deleted row stays in the table's files (and
    its indexes) until the table is rewritten. After a run that purged something, rewrite
    the tables it deleted from with VACUUM FULL (which takes each table's exclusive lock in
    turn, at night).

    VACUUM FULL copies a deleted row along as long as a transaction that began before the
    delete still runs — in any database of the server, because every snapshot reaches back
    to the oldest running transaction. So it first waits (up to REWRITE_WAIT_SECONDS) until
    every transaction older than itself has ended; if one still runs then, it rewrites
    anyway and says so in the log. VACUUM cannot run inside a transaction; called inside one
    (a test), it does nothing and the next run rewrites. Returns the tables rewritten."""
    import time

    if run_id is not None and not DeletedSignal.objects.filter(purge_run_id=run_id).exists():
        return []
    if not transaction.get_autocommit():
        logger.warning("Herschrijven van de tabellen na vernietiging overgeslagen: "
                       "binnen een transactie")
        return []
    tables = purged_tables()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_xact_id()::text")
        (horizon,) = cursor.fetchone()
        for _attempt in range(REWRITE_WAIT_SECONDS):
            cursor.execute("SELECT pg_snapshot_xmin(pg_current_snapshot()) > %s::xid8",
                           [horizon])
            if cursor.fetchone()[0]:
                break
            time.sleep(1)
        else:
            logger.warning("Een transactie van vóór de vernietiging liep na %s s nog; de "
                           "tabellen worden toch herschreven, maar kunnen de verwijderde "
                           "rijen nog bevatten tot de volgende run", REWRITE_WAIT_SECONDS)
        for table in tables:
            cursor.execute(f"VACUUM (FULL, ANALYZE) {connection.ops.quote_name(table)}")
    logger.info("Na vernietiging %s tabellen herschreven", len(tables))
    return tables


def nightly_purge(now: datetime.datetime | None = None) -> PurgeReport:
    """The beat job (02:00 Europe/Amsterdam). With RETENTION_PURGE_ENABLED off it deletes
    nothing but still records a run with what was due, so a switched-off purge shows."""
    if settings.RETENTION_PURGE_ENABLED:
        return purge_due(now, trigger=PurgeTrigger.NIGHTLY)
    report = survey(timezone.localdate(now or timezone.now()))
    report.run = PurgeRun.objects.create(
        trigger=PurgeTrigger.NIGHTLY, enabled=False, due=report.due,
        skipped_for_hold=report.skipped_for_hold, expired_holds=report.expired_holds,
        without_deletion_date=report.without_deletion_date, finished_at=timezone.now(),
    )
    logger.warning("Nachtelijke vernietiging uitgeschakeld (RETENTION_PURGE_ENABLED); "
                   "%s signalen te vernietigen", report.due)
    return report


def purge_signals_safely(signal_ids, run_id: int | None = None,
                         today: datetime.date | None = None) -> list[DeletedSignal]:
    """`purge_signals`, with a failure recorded on the run instead of stopping it. A batch
    that fails is redone one signal at a time, so that the signal at fault is isolated —
    recorded on the run with the class name of the error only (a message may quote personal
    data), and left due to be tried again next time — and the others are purged."""
    signal_ids = list(signal_ids)
    try:
        return purge_signals(signal_ids, run_id=run_id, today=today)
    except Exception as error:
        if len(signal_ids) > 1:
            logger.warning("Vernietiging van %s signalen samen mislukt (%s); nu één voor één",
                           len(signal_ids), type(error).__name__)
            return [tombstone for signal_id in signal_ids
                    for tombstone in purge_signals_safely([signal_id], run_id, today)]
        signal_id = signal_ids[0]
        logger.error("Vernietiging van signaal %s mislukt: %s", signal_id, type(error).__name__)
        if run_id is not None:
            reference = Signal.objects.filter(pk=signal_id).values_list(
                "reference", flat=True).first() or ""
            PurgeFailure.objects.create(run_id=run_id, signal_id=signal_id, reference=reference,
                                        error=type(error).__name__)
        return []


def purge_signal(signal_id: int, *, run_id: int | None = None,
                 today: datetime.date | None = None) -> DeletedSignal | None:
    """`purge_signals` for one signal: its tombstone, or None when there was nothing (left)
    to do."""
    tombstones = purge_signals([signal_id], run_id=run_id, today=today)
    return tombstones[0] if tombstones else None


def purge_signals(signal_ids, *, run_id: int | None = None,
                  today: datetime.date | None = None) -> list[DeletedSignal]:
    """Rule 8 (docs/design.md §3; the periods are the `RetentionRule` rows): delete due signals
    and everything personal attached to them, in one transaction — contributions,
    attachments, assessments with their judgements and observations, agenda items, votes
    and their motivations, decisions and their texts, decision records, information
    requests, notification, ended holds, the timeline, transfers, permission rows (all that
    cascades from a signal, so a model added later goes too), the session exports that hold
    their records, and each person of whom no other signal remains (their AVG requests
    stay, anonymised). Leaves a tombstone per signal. Every deletion goes through the
    models (`QuerySet.delete`), so django-auditlog logs each deleted object (purpose
    "bewaartermijn", its weegploeg, no personal values: `pga.audit.register`). Files are
    removed after the commit.

    Returns the tombstones; a signal already gone, no longer due, under a hold, or locked
    by another transaction (a hold being placed, the same batch running twice) is left
    alone, and the next run sees it again."""
    today = today or timezone.localdate()
    with transaction.atomic(), processing(ProcessingActivity.RETENTION), \
            _noting_files() as files:
        # Lock the signals, then their persons, each in pk order: two batches never wait
        # for each other in a circle. A signal locked elsewhere is skipped, for the next
        # run. A person's lock is waited for (a hold being placed on them, a signal
        # registered for them), and the check below then sees what that transaction did;
        # one that starts now waits for us.
        locked = dict(Signal.objects.select_for_update(skip_locked=True)
                      .filter(pk__in=signal_ids).order_by("pk")
                      .values_list("pk", "person_id"))
        if not locked:
            return []
        list(Person.objects.select_for_update().filter(pk__in=set(locked.values()))
             .order_by("pk").values_list("pk", flat=True))
        # Checked again under the locks, in a statement of its own (so it sees what was
        # committed while it waited): a hold placed or a date recomputed since the selection
        # wins.
        signals = list(purgeable_signals(today).filter(pk__in=list(locked)))
        if not signals:
            return []
        purged_ids = [signal.pk for signal in signals]
        person_ids = {signal.person_id for signal in signals}
        facts = _tombstone_facts(signals)
        sessions = list(AgendaItem.objects.filter(signal__in=purged_ids)
                        .values_list("session_id", flat=True))
        LegalHold.objects.filter(signal__in=purged_ids).delete()  # ended holds
        with objects_known(*signals):
            Signal.objects.filter(pk__in=purged_ids).delete()
        SessionExport.objects.filter(session_id__in=sessions).delete()
        persons = list(Person.objects.filter(pk__in=person_ids)
                       .filter(~Exists(Signal.objects.filter(person_id=OuterRef("pk")))))
        if persons:
            _anonymise_requests(persons)
            LegalHold.objects.filter(person__in=persons).delete()
            Person.objects.filter(pk__in=[person.pk for person in persons]).delete()
        tombstones = [
            DeletedSignal.objects.create(signal_id=pk, purge_run_id=run_id,
                                         pending_files=_files_of(pk, files, purged_ids),
                                         **facts[pk])
            for pk in purged_ids
        ]
        for tombstone in tombstones:
            if tombstone.pending_files:
                transaction.on_commit(functools.partial(remove_pending_files, tombstone.pk),
                                      robust=True)
    return tombstones


def _tombstone_facts(signals: list[Signal]) -> dict[int, dict]:
    """What each signal's tombstone keeps: no person data, no texts."""
    ids = [signal.pk for signal in signals]
    decisions = {}
    for decision in (Decision.objects.filter(signal__in=ids, corrects__isnull=True)
                     .order_by("taken_at", "pk")):
        decisions[decision.signal_id] = decision  # the last one of each signal
    rounds = dict(AgendaItem.objects.filter(signal__in=ids).order_by().values("signal")
                  .annotate(count=Count("pk")).values_list("signal", "count"))
    facts = {}
    for signal in signals:
        decision = decisions.get(signal.pk)
        facts[signal.pk] = {
            "reference": signal.reference,
            "weegploeg_id": signal.weegploeg_id,
            "received_on": signal.received_on,
            "registered_on": timezone.localdate(signal.registered_at),
            "decided_on": timezone.localdate(decision.taken_at) if decision else None,
            "withdrawn_on": (timezone.localdate(signal.withdrawn_at) if signal.withdrawn_at
                             else None),
            "outcome": signal.retention_basis or (decision.outcome if decision else ""),
            "status": signal.status,
            "phenomenon": signal.phenomenon,
            "source_category": signal.source_category,
            "is_repeat": signal.is_repeat,
            "voting_rounds": rounds.get(signal.pk, 0),
            "deletion_due": signal.deletion_due,
        }
    return facts


def _files_of(signal_id: int, files: list[tuple], signal_ids: list[int]) -> list[str]:
    """The files to note on a signal's tombstone: those of objects that name it; those of
    objects that name no signal of the batch (a decision record, a session export) go on the
    first, and are removed with it, after the commit or by the next run."""
    return [name for owner, name in files
            if owner == signal_id or signal_id == signal_ids[0] and owner not in signal_ids]


# The stored files of what the running purge deletes (`_noting_files`), as (signal id or
# None, name), noted by `note_deleted_files`, a post_delete receiver of every model with a
# FileField (connected in `RetentionConfig.ready`).
_deleted_files = contextvars.ContextVar("retention_deleted_files", default=None)


@contextlib.contextmanager
def _noting_files():
    files: list[tuple] = []
    token = _deleted_files.set(files)
    try:
        yield files
    finally:
        _deleted_files.reset(token)


def note_deleted_files(sender, instance, **kwargs) -> None:
    """During a purge: note the stored files of a deleted object, to remove after the
    commit (docs/adr/0004, 7)."""
    files = _deleted_files.get()
    if files is not None:
        owner = getattr(instance, "signal_id", None)
        files.extend((owner, name) for name in
                     (getattr(instance, f).name for f in file_fields(sender)) if name)


def file_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


def _anonymise_requests(persons: list[Person]) -> None:
    """The persons' AVG requests stay as a record that they were made and handled, without
    their texts and without the link to the person (the audit log names the changed fields,
    never their values)."""
    requests = list(SubjectRequest.objects.select_for_update().filter(person__in=persons))
    for request in requests:
        request.person = None
        request.request_text = ANONYMISED if request.request_text else ""
        request.handling = ANONYMISED if request.handling else ""
        request.save()


def remove_pending_files(tombstone_id: int) -> int:
    """Remove the stored files of a purged signal (idempotent: a file already gone is fine)
    and clear the list on the tombstone."""
    with transaction.atomic(), processing(ProcessingActivity.RETENTION):
        tombstone = DeletedSignal.objects.select_for_update().filter(pk=tombstone_id).first()
        if tombstone is None or not tombstone.pending_files:
            return 0
        for name in tombstone.pending_files:
            default_storage.delete(name)
        removed = len(tombstone.pending_files)
        tombstone.pending_files = []
        tombstone.save(update_fields=["pending_files"])
    return removed


def complete_file_removals() -> int:
    """Finish what an interrupted run left: files of purged signals still in storage."""
    pending = DeletedSignal.objects.exclude(pending_files=[]).values_list("pk", flat=True)
    return sum(1 for pk in list(pending) if remove_pending_files(pk))
