"""Rule 6 with the real services (docs/design.md §4.4): the decision record is
made by a real Celery worker that takes the task from Redis, not in-process.

Needs REDIS_URL (CI sets redis://127.0.0.1:6379/0). Without it the test is skipped, except
under CI=true, where a missing Redis must not pass unnoticed. The worker listens on a queue of
its own, so it never takes tasks of other test runs on the same Redis, and it uses this
test's database (the test database, made transactional so the worker sees the rows; the
suite's conftest restores the seeded rows after the flush).
"""

import hashlib
import io
import os
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings as django_settings
from django.db import connection
from pypdf import PdfReader

from pga.celery import app
from tests.weegploeg.factories import vote
from weegploeg.models import DecisionRecord, Outcome

WORKER_READY_SECONDS = 60
RECORD_SECONDS = 60
MOTIVATION = "Feiten wijzen op geweldsbereidheid; bespreken in casusoverleg."


@pytest.fixture
def redis_url():
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI") == "true":
            pytest.fail("REDIS_URL ontbreekt in CI: de test met een echte Celery-worker moet "
                        "daar draaien (zie .ci/run).")
        pytest.skip("REDIS_URL is niet gezet: deze test start een echte Celery-worker tegen "
                    "Redis (bijvoorbeeld REDIS_URL=redis://127.0.0.1:6379/0).")
    return url


@pytest.fixture
def worker_storage(_private_storage):
    """One private directory for the worker (which writes) and this test (which reads)."""
    return _private_storage


def _test_database_url() -> str:
    """The URL of the database this test uses (pytest-django's test database)."""
    db = connection.settings_dict
    host = db["HOST"] or "127.0.0.1"
    user = quote(db["USER"] or "", safe="")
    password = quote(db["PASSWORD"] or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@" if user else ""
    location = quote(host, safe="") if host.startswith("/") else host
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{auth}{location}{port}/{quote(db['NAME'], safe='')}"


def _celery_command() -> str:
    beside_python = Path(sys.executable).with_name("celery")
    return str(beside_python) if beside_python.exists() else shutil.which("celery") or "celery"


def _log_text(log: Path) -> str:
    return log.read_text(errors="replace") if log.exists() else ""


def _log_tail(log: Path) -> str:
    return _log_text(log)[-4000:] or "(geen uitvoer)"


def _wait_until(check, seconds, worker, log, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        if worker.poll() is not None:
            pytest.fail(f"De worker stopte (code {worker.returncode}) voor {what}:\n"
                        f"{_log_tail(log)}")
        time.sleep(0.5)
    pytest.fail(f"Geen {what} binnen {seconds} s:\n{_log_tail(log)}")


@pytest.mark.real_worker
@pytest.mark.django_db(transaction=True)
def test_real_worker_makes_the_decision_record_from_redis(
    redis_url, worker_storage, tmp_path, members, coordinator, meldpunt,
    weegploeg, session,
):
    from criteria.assessments import record_joint_assessment
    from tests.criteria.factories import judgements
    from tests.signals.factories import register
    from weegploeg.services import add_to_agenda, prepare_decision

    assert not app.conf.task_always_eager, "met REDIS_URL gaan taken naar Redis"
    assert redis_url == django_settings.CELERY_BROKER_URL

    signal = register(meldpunt, weegploeg=weegploeg)
    record_joint_assessment(members["om"], signal, judgements(), "Bespreken.")
    item = prepare_decision(
        coordinator, add_to_agenda(coordinator, session, signal), invited_parties=["lse"]
    )

    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    log = tmp_path / "worker.log"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "pga.settings",
        "DATABASE_URL": _test_database_url(),
        "REDIS_URL": redis_url,
        "PRIVATE_STORAGE_ROOT": str(worker_storage),
    }
    command = [
        _celery_command(), "-A", "pga", "worker", "--pool", "solo", "--queues", queue,
        "--hostname", f"{queue}@%h", "--without-gossip", "--without-mingle",
        "--without-heartbeat", "--loglevel", "INFO",
    ]
    with log.open("wb") as output:
        worker = subprocess.Popen(
            command, cwd=django_settings.BASE_DIR, env=env, stdout=output,
            stderr=subprocess.STDOUT,
        )
    default_queue = app.conf.task_default_queue
    app.conf.task_default_queue = queue  # this test's tasks go to this worker only
    try:
        _wait_until(lambda: " ready." in _log_text(log), WORKER_READY_SECONDS, worker, log,
                    "gestarte worker")
        decision = None
        for partner in ("gemeente", "politie", "om"):
            decision = vote(members[partner], item, Outcome.CASUSOVERLEG, MOTIVATION)
        assert decision is not None
        # Sent to Redis on commit, not run here: no record until the worker has made it.
        record = _wait_until(
            lambda: DecisionRecord.objects.filter(decision=decision).first(),
            RECORD_SECONDS, worker, log, "besluitverslag van de worker",
        )
    finally:
        app.conf.task_default_queue = default_queue
        worker.terminate()
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait(timeout=10)

    assert record.version == 1
    with record.file.open("rb") as handle:
        content = handle.read()
    assert hashlib.sha256(content).hexdigest() == record.sha256
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert signal.reference in text
    assert "weegploeg.tasks.generate_decision_record[" in _log_text(log)
