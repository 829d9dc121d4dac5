"""The purge (docs/design.md §3 rule 8; docs/adr/0004, 4–6): deletes, in batches of signals
and one transaction per batch (`purge_signals`), each due signal and everything personal
attached to it through the models, and leaves a tombstone (`DeletedSignal`); django-auditlog
logs each deletion without values, as it logs every other (`pga.audit.register`), so the
log keeps who did what when and nothing to erase. A batch that fails is redone signal by
signal, so one bad signal is recorded and the others go. Files go after the commit, and the
run ends by rewriting the tables it deleted from (`retention.erasure`).
Nothing is purged under a legal hold, or sooner than RETENTION_MIN_AGE_DAYS after its
clock started, whatever the rules say (`retention.selectors.purgeable_signals`).
"""

import dataclasses
import datetime
import functools
import logging

from celery import chain
from django.conf import settings
from django.db import router, transaction
from django.db.models import Count, Exists, OuterRef
from django.db.models.signals import post_save
from django.utils import timezone

from pga.audit import entries_together, objects_known, processing
from pga.models import ProcessingActivity
from retention.clock import closed_without_clock
from retention.erasure import (
    complete_file_removals,
    noting_files,
    remove_pending_files,
    rewrite_purged_tables,
)
from retention.holds import expired_holds, on_hold
from retention.models import (
    DeletedSignal,
    LegalHold,
    PurgeFailure,
    PurgeRun,
    PurgeTrigger,
    SubjectRequest,
)
from retention.selectors import due_signals, purgeable_signals
from retention.tasks import purge_signals_task, rewrite_purged_tables_task
from signals.models import Person, Signal
from weegploeg.models import AgendaItem, Decision, Session, SessionExport

logger = logging.getLogger(__name__)


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
        skipped_for_hold=due.filter(on_hold()).count(),
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
    "bewaartermijn", its weegploeg, no personal values: `pga.audit.register`); the entries
    of the batch go into the log together at its end (`pga.audit.entries_together`). Files
    are removed after the commit.

    Returns the tombstones; a signal already gone, no longer due, under a hold, or locked
    by another transaction (a hold being placed, the same batch running twice) is left
    alone, and the next run sees it again."""
    today = today or timezone.localdate()
    with transaction.atomic(), processing(ProcessingActivity.RETENTION), \
            entries_together(), noting_files() as files:
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
        sessions = list(Session.objects.filter(items__signal__in=purged_ids).distinct())
        LegalHold.objects.filter(signal__in=purged_ids).delete()  # ended holds
        with objects_known(*signals, *sessions):
            Signal.objects.filter(pk__in=purged_ids).delete()
        SessionExport.objects.filter(session__in=sessions).delete()
        persons = list(Person.objects.filter(pk__in=person_ids)
                       .filter(~Exists(Signal.objects.filter(person_id=OuterRef("pk")))))
        if persons:
            _anonymise_requests(persons)
            LegalHold.objects.filter(person__in=persons).delete()
            Person.objects.filter(pk__in=[person.pk for person in persons]).delete()
        tombstones = DeletedSignal.objects.bulk_create([
            DeletedSignal(signal_id=pk, purge_run_id=run_id,
                          pending_files=_files_of(pk, files, purged_ids), **facts[pk])
            for pk in purged_ids
        ])
        # `bulk_create` sends no signals; announce each tombstone as saved, so that
        # django-auditlog logs its creation as it logs every other.
        for tombstone in tombstones:
            post_save.send(sender=DeletedSignal, instance=tombstone, created=True,
                           update_fields=None, raw=False,
                           using=router.db_for_write(DeletedSignal))
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


# What an anonymised AVG request holds instead of its texts.
ANONYMISED = "[verwijderd]"


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
