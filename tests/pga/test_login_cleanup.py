"""Nightly clean-up (issue 15): expired sessions and old django-axes rows go; a lock-out
stays until the functioneel beheerder lifts it."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.utils import timezone

from pga.services import clear_expired_login_data
from pga.tasks import clear_expired_login_data as task

pytestmark = pytest.mark.django_db


def attempt(username, days_ago, failures):
    at = timezone.now() - datetime.timedelta(days=days_ago)
    row = AccessAttempt.objects.create(username=username, ip_address="10.0.0.1",
                                       user_agent="test", failures_since_start=failures,
                                       get_data="", post_data="")
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=at)
    return row


def log(model, username, days_ago):
    row = model.objects.create(username=username, ip_address="10.0.0.1", user_agent="test")
    model.objects.filter(pk=row.pk).update(
        attempt_time=timezone.now() - datetime.timedelta(days=days_ago))
    return row


def test_expired_sessions_and_old_login_records_are_removed_and_lockouts_kept():
    live, expired = SessionStore(), SessionStore()
    live.create()
    expired.set_expiry(-1)
    expired.create()
    days = settings.LOGIN_RECORDS_DAYS
    old_attempt = attempt("oud@gemeente.nl", days + 1, 2)
    recent_attempt = attempt("recent@gemeente.nl", 1, 2)
    lockout = attempt("geblokkeerd@gemeente.nl", days + 100, settings.AXES_FAILURE_LIMIT)
    old_log, recent_log = log(AccessLog, "a@gemeente.nl", days + 1), log(AccessLog, "b", 1)
    old_failure = log(AccessFailureLog, "c@gemeente.nl", days + 1)
    recent_failure = log(AccessFailureLog, "d@gemeente.nl", 1)

    result = task.delay().get()

    assert result["sessions"] == 1
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert set(AccessAttempt.objects.values_list("pk", flat=True)) == {recent_attempt.pk,
                                                                        lockout.pk}
    assert not AccessAttempt.objects.filter(pk=old_attempt.pk).exists()
    assert list(AccessLog.objects.values_list("pk", flat=True)) == [recent_log.pk]
    assert not AccessLog.objects.filter(pk=old_log.pk).exists()
    assert list(AccessFailureLog.objects.values_list("pk", flat=True)) == [recent_failure.pk]
    assert not AccessFailureLog.objects.filter(pk=old_failure.pk).exists()
    assert clear_expired_login_data()["attempts"] == 0  # idempotent


def test_the_clean_up_is_in_the_beat_schedule():
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "pga.tasks.clear_expired_login_data" in tasks
