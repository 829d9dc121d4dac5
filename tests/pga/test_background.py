"""Handing work to Celery (`pga.background.enqueue`): a task that fails is a failed task, not
an unreachable broker. It runs once and its failure is logged as what it is; only a send
that fails counts as an unreachable broker, and only then does work that may not wait run
in-process."""

import logging

import pytest
from celery import shared_task

from pga.background import enqueue
from pga.celery import app

RUNS = []


@shared_task(name="tests.pga.test_background.failing_task")
def failing_task(label):
    RUNS.append(label)
    raise RuntimeError("de taak zelf faalt")


@shared_task(name="tests.pga.test_background.working_task")
def working_task(label):
    RUNS.append(label)
    return label


@pytest.fixture(autouse=True)
def _runs():
    RUNS.clear()
    yield RUNS
    RUNS.clear()


@pytest.fixture
def broker_down(monkeypatch):
    """Celery not eager, and every send refused as by a Redis that does not answer."""
    def refused(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    for task in (failing_task, working_task):
        monkeypatch.setattr(task, "apply_async", refused)
    eager, app.conf.task_always_eager = app.conf.task_always_eager, False
    yield
    app.conf.task_always_eager = eager


def test_a_failing_task_runs_once_and_is_not_taken_for_an_unreachable_broker(
    db, caplog, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        enqueue(failing_task, "alert", run_inline_if_unreachable=True)
    assert RUNS == ["alert"]
    assert "Broker onbereikbaar" not in caplog.text
    assert "Achtergrondtaak tests.pga.test_background.failing_task mislukt" in caplog.text


def test_a_task_that_succeeds_in_eager_mode_runs_once(db, caplog,
                                                     django_capture_on_commit_callbacks):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        enqueue(working_task, "record", run_inline_if_unreachable=True)
    assert RUNS == ["record"]
    assert "Broker onbereikbaar" not in caplog.text


def test_with_the_broker_unreachable_work_that_may_not_wait_runs_in_process_once(
    db, caplog, broker_down, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        enqueue(working_task, "alert", run_inline_if_unreachable=True)
        enqueue(working_task, "record")
    assert RUNS == ["alert"]
    assert caplog.text.count("Broker onbereikbaar") == 2


def test_with_the_broker_unreachable_a_failing_inline_run_is_logged_not_raised(
    db, caplog, broker_down, django_capture_on_commit_callbacks
):
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        enqueue(failing_task, "alert", run_inline_if_unreachable=True)
    assert RUNS == ["alert"]
    assert "Broker onbereikbaar" in caplog.text
    assert "Achtergrondtaak tests.pga.test_background.failing_task mislukt" in caplog.text
