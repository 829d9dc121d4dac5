"""A task for the worker-crash test only (loaded by the test's worker with `--include`):
idempotent, slow enough to kill the worker while it runs."""

import pathlib
import time

from celery import shared_task


@shared_task(acks_late=True, time_limit=120, soft_time_limit=100)
def slow_marker(directory):
    folder = pathlib.Path(directory)
    with (folder / "started").open("a") as started:
        started.write("x")
    time.sleep(4)
    done = folder / "done"
    if not done.exists():  # idempotent: a re-run does not do the work twice
        done.write_text("klaar")
    return True
