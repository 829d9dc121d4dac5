"""Background work of the core: the nightly clean-up of sessions and login records."""

from celery import shared_task


@shared_task(acks_late=True, time_limit=600, soft_time_limit=540)
def clear_expired_login_data():
    """Beat, 03:30 Europe/Amsterdam: expired sessions and old login records go."""
    from pga.services import clear_expired_login_data as clear

    return clear()
