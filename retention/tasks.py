"""Background work of retention: the nightly purge (one idempotent task per batch of
signals, `retention.purge.PURGE_BATCH_SIZE`, each batch in one transaction) and the
reminders for postponed notifications. Acknowledged late with time limits, so a worker
that dies mid-task leads to a correct re-run."""

import datetime

from celery import shared_task

from pga.tasks import TASK_OPTIONS


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def purge_expired_signals():
    """Beat, 02:00 Europe/Amsterdam: select what is due and hand out one task per batch."""
    from retention.purge import nightly_purge

    report = nightly_purge()
    return {"run": report.run.pk if report.run else None, "selected": len(report.selected),
            "skipped_for_hold": report.skipped_for_hold}


@shared_task(**TASK_OPTIONS)
def purge_signals_task(signal_ids, run_id=None, today=None):
    """Purge a batch of signals in one transaction. Idempotent: a re-run (acks_late, after a
    worker died) purges only what is still there and due; a failing signal is recorded on
    the run and the others are purged."""
    from retention.purge import purge_signals_safely

    day = datetime.date.fromisoformat(today) if today else None
    return [tombstone.pk for tombstone in purge_signals_safely(signal_ids, run_id, day)]


@shared_task(acks_late=True, time_limit=3600, soft_time_limit=3540)
def rewrite_purged_tables_task(run_id=None):
    """The end of a nightly purge: rewrite the tables it deleted from (VACUUM FULL)."""
    from retention.erasure import rewrite_purged_tables

    return rewrite_purged_tables(run_id)


@shared_task(**TASK_OPTIONS)
def send_notification_recheck_reminders(today=None):
    """Daily: remind coordinators of postponed notifications due for re-check."""
    from retention.notifications import send_recheck_reminders

    return send_recheck_reminders(datetime.date.fromisoformat(today) if today else None)
