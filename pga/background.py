"""Handing work to Celery so that a user's action never depends on the broker.

A task is sent after the transaction commits. When the broker (Redis) cannot be reached, the
action still succeeds: work that may wait is picked up later by a periodic sweep (e.g.
decision records, `weegploeg.tasks.generate_missing_records`); work that may not wait — an
e-mail alert — runs in-process instead.
"""

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def enqueue(task, *args, run_inline_if_unreachable=False):
    """Send `task(*args)` after commit, tolerating an unreachable broker."""

    def send():
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # noqa: BLE001 - kombu/redis raise several kinds; all mean "not now"
            logger.warning("Broker onbereikbaar; taak %s niet verstuurd", task.name)
            if run_inline_if_unreachable:
                task.apply(args=args)

    transaction.on_commit(send)
