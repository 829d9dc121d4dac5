"""Handing work to Celery so that a user's action never depends on the broker.

A task is sent after the transaction commits. When the broker (Redis) cannot be reached, the
action still succeeds: work that may wait is picked up later by a periodic sweep (e.g.
decision records, `weegploeg.tasks.generate_missing_records`); work that may not wait — an
e-mail alert — runs in-process instead.

In the embedded run there is no worker: Celery runs tasks eagerly. With
EAGER_TASKS_IN_THREADS (on by default there) such a task runs in a thread of the web process
after the commit, not in the request: the deciding vote or a session export answers at once,
and the page says the record or the export is being made, as with a worker.
"""

import logging
import threading

from django.conf import settings
from django.db import close_old_connections, connections, transaction

logger = logging.getLogger(__name__)


def _run(task, args):
    """Run the task here, once. Its failure is the task's own, logged as such; the action
    that asked for it has been committed and stands (the sweep or the user makes it again)."""
    try:
        task.apply(args=args, throw=True)
    except Exception:  # noqa: BLE001 - logged; see above
        logger.exception("Achtergrondtaak %s mislukt", task.name)


def _run_in_thread(task, args):
    close_old_connections()
    try:
        _run(task, args)
    finally:
        connections.close_all()  # the thread's own connections


def enqueue(task, *args, run_inline_if_unreachable=False):
    """Send `task(*args)` after commit, tolerating an unreachable broker. Eagerly (no
    broker) the task runs once, in a thread or inline; with a broker, only a send that
    fails counts as an unreachable broker, and then work that may not wait runs here."""

    def send():
        if task.app.conf.task_always_eager:
            if settings.EAGER_TASKS_IN_THREADS:
                threading.Thread(target=_run_in_thread, args=(task, args),
                                 name=f"achtergrond-{task.name}", daemon=True).start()
            else:
                _run(task, args)
            return
        try:
            task.apply_async(args=args, retry=False)
        except Exception:  # noqa: BLE001 - kombu/redis raise several kinds; all mean "not now"
            logger.warning("Broker onbereikbaar; taak %s niet verstuurd", task.name)
            if run_inline_if_unreachable:
                _run(task, args)

    transaction.on_commit(send)
