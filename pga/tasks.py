"""Background work of the core: the nightly clean-up of sessions and login records; and
what every app's tasks share."""

from celery import shared_task

# Every task of the domain apps: acknowledged after it ran (a worker that dies mid-task
# leads to a re-run, so tasks are idempotent) and stopped when it hangs.
TASK_OPTIONS = {"acks_late": True, "time_limit": 300, "soft_time_limit": 240}


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def clear_expired_login_data():
    """Beat, 03:30 Europe/Amsterdam: expired sessions and old login records go."""
    from pga.services import clear_expired_login_data as clear

    return clear()
