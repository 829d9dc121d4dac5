"""Faults against the real services (issue 7, item 5): Redis down, a worker killed mid-task,
a database connection lost mid-vote."""

import os
import signal as os_signal
import subprocess
import sys
import time

import pytest
from django.core import mail
from django.db import OperationalError, connection
from django.urls import reverse

from pga.celery import app
from signals.models import Signal
from tests.weegploeg.factories import state_consulted, vote
from weegploeg.models import Decision, ItemStatus, Outcome, Vote

MOTIVATION = "Feiten wijzen op geweldsbereidheid."
DEAD_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down():
    """Celery pointed at a port where no Redis listens, not eager: as when Redis is down."""
    saved = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = DEAD_REDIS
    app.conf.task_always_eager = False
    _forget_connections()
    yield
    app.conf.broker_url, app.conf.task_always_eager = saved
    _forget_connections()


def _forget_connections():
    """Let Celery connect anew to the broker URL now configured: drop the app's AMQP helper
    (a cached property), which holds the producer pool that tasks are sent through."""
    del app.amqp


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_registering_assessing_and_voting_work_and_the_pdf_comes_later(
    client, login, meldpunt, weegploeg, members, coordinator, redis_down
):
    from criteria.assessments import record_joint_assessment
    from tests.criteria.factories import judgements
    from weegploeg.services import add_to_agenda, plan_session, prepare_decision

    login(meldpunt)
    response = client.post(reverse("signals:register"), {
        "betrokkene-first_names": "Sara", "betrokkene-surname": "Visser",
        "betrokkene-date_of_birth": "2004-01-02",
        "betrokkene-municipality": weegploeg.gemeente.pk,
        "signaal-received_on": "2026-11-02", "signaal-source_category": "burger",
        "signaal-description": "Dreigde op sociale media met geweld.",
        "signaal-behaviour_from": "2026-10-30", "signaal-phenomenon": "other",
        "signaal-acute_danger": "on",
    })
    assert response.status_code == 302
    signal = Signal.objects.get()
    # The acute-danger alert cannot wait for Redis: it was sent in-process.
    assert any(signal.reference in message.subject for message in mail.outbox)
    record_joint_assessment(members["om"], signal, judgements(), "Conclusie van de weegploeg.")
    session = plan_session(coordinator, weegploeg, signal.registered_at, online=True)
    item = prepare_decision(coordinator, add_to_agenda(coordinator, session, signal),
                            invited_parties=["zorg_ggz"])
    state_consulted(item, *(member.partner for member in members.values()))
    for member in members.values():
        login(member)
        response = client.post(reverse("weegploeg:item", args=[item.pk]),
                               {"stem": "1", "outcome": "casusoverleg", "motivation": MOTIVATION})
        assert response.status_code == 302
    decision = Decision.objects.get()
    assert not decision.records.exists()
    page = client.get(reverse("weegploeg:decision", args=[decision.pk])).content.decode()
    assert "wordt gemaakt" in page
    # Redis is back: the periodic sweep makes the record.
    app.conf.task_always_eager = True
    from weegploeg.tasks import generate_missing_records

    assert generate_missing_records.apply().get() == 1
    assert decision.records.count() == 1
    page = client.get(reverse("weegploeg:decision", args=[decision.pk])).content.decode()
    assert "wordt gemaakt" not in page


@pytest.mark.django_db(transaction=True)
def test_database_connection_lost_mid_vote_leaves_no_partial_decision(item, members,
                                                                       monkeypatch):
    from weegploeg import services

    vote(members["gemeente"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    vote(members["politie"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    take_decision = services._take_decision

    def connection_dies_halfway(user, the_item, votes):
        decision = take_decision(user, the_item, votes)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(pg_backend_pid())")
        return decision

    monkeypatch.setattr(services, "_take_decision", connection_dies_halfway)
    with pytest.raises(OperationalError):
        vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION)
    connection.close()
    assert not Decision.objects.exists()
    assert Vote.objects.filter(item=item).count() == 2
    item.refresh_from_db()
    assert item.status == ItemStatus.OPEN
    monkeypatch.setattr(services, "_take_decision", take_decision)
    assert vote(members["om"], item, Outcome.CASUSOVERLEG, MOTIVATION) is not None


def _start_worker(queue, tmp_path, name):
    script = (
        "from pga.celery import app;"
        "app.conf.broker_transport_options = {'visibility_timeout': 3};"
        f"app.worker_main(['worker', '--pool', 'solo', '-Q', '{queue}', '-n', '{name}@%h',"
        " '--include', 'tests.faults.slow_tasks', '--without-heartbeat', '--without-gossip',"
        " '--without-mingle', '-l', 'warning'])"
    )
    env = {**os.environ, "REDIS_URL": os.environ["REDIS_URL"]}
    log = (tmp_path / f"{name}.log").open("w")
    return subprocess.Popen([sys.executable, "-c", script], env=env, stdout=log,
                            stderr=subprocess.STDOUT, cwd=str(os.getcwd()))


def _wait_for(path, seconds):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if path.exists():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.real_worker
def test_worker_killed_mid_task_leads_to_a_correct_rerun(tmp_path):
    if not os.environ.get("REDIS_URL"):
        if os.environ.get("CI") == "true":
            pytest.fail("REDIS_URL is niet gezet; CI hoort tegen echte Redis te testen.")
        pytest.skip("Zet REDIS_URL om tegen een echte Redis te testen.")
    from tests.faults.slow_tasks import slow_marker

    queue = f"fault-test-{os.getpid()}-{time.time_ns()}"
    app.conf.task_always_eager = False
    first = _start_worker(queue, tmp_path, "eerste")
    second = None
    try:
        slow_marker.apply_async(args=(str(tmp_path),), queue=queue)
        assert _wait_for(tmp_path / "started", 60), "de eerste worker begon niet"
        first.send_signal(os_signal.SIGKILL)
        first.wait(10)
        assert not (tmp_path / "done").exists()
        time.sleep(4)  # past the visibility timeout: the unacknowledged task is redelivered
        second = _start_worker(queue, tmp_path, "tweede")
        assert _wait_for(tmp_path / "done", 90), (tmp_path / "tweede.log").read_text()
        assert (tmp_path / "started").read_text() == "xx"  # run twice, work done once
    finally:
        for worker in (first, second):
            if worker is not None and worker.poll() is None:
                worker.terminate()
                worker.wait(10)
