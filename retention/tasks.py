"""Background work of retention: the nightly purge (one idempotent task per signal) and the
reminders for postponed notifications. Acknowledged late with time limits, so a worker
that dies mid-task leads to a correct re-run."""

import datetime

from celery import shared_task

from weegploeg.tasks import TASK_OPTIONS


@shared_task(acks_late=True, time_limit=1800, soft_time_limit=1740)
def purge_expired_signals():
    """Beat, 02:00 Europe/Amsterdam: select what is due and hand out one task per signal."""
    from retention.services import nightly_purge

    report = nightly_purge()
    return {"run": report.run.pk if report.run else None, "selected": len(report.selected),
            "skipped_for_hold": report.skipped_for_hold}


@shared_task(**TASK_OPTIONS)
def purge_signal_task(signal_id, run_id=None, today=None):
    """Purge one signal; a no-op when it is already gone or no longer due."""
    from retention.services import purge_signal_safely

    day = datetime.date.fromisoformat(today) if today else None
    tombstone = purge_signal_safely(signal_id, run_id, day)
    return tombstone.pk if tombstone else None


@shared_task(**TASK_OPTIONS)
def send_notification_recheck_reminders(today=None):
    """Daily: remind coordinators of postponed notifications due for re-check."""
    from retention.notifications import send_recheck_reminders

    return send_recheck_reminders(datetime.date.fromisoformat(today) if today else None)
