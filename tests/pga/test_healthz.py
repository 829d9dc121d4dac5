"""/healthz: what the load balancer and the compose healthcheck ask. It answers without a
login, over plain HTTP, and says 503 when the database or Redis does not answer."""

import os
import socket
import threading
from urllib.parse import urlsplit

import pytest
from django.db import OperationalError, connection

HEALTHZ = "/healthz"
REAL_REDIS_URL = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
CLOSED_PORT_REDIS_URL = "redis://127.0.0.1:1/0"


def _listens(url: str) -> bool:
    parts = urlsplit(url)
    try:
        with socket.create_connection((parts.hostname, parts.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def test_healthz_answers_without_login_when_tasks_run_eagerly(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"database": "ok", "redis": "eager", "status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_not_redirected_to_https(client, db, settings):
    # The compose healthcheck asks over plain HTTP inside the container.
    settings.REDIS_URL = ""
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(HEALTHZ).status_code == 200
    assert client.get("/account/login/").status_code == 301


def test_healthz_is_not_bothered_by_the_two_factor_requirement(client, db, settings):
    settings.REDIS_URL = ""
    settings.TWO_FACTOR_REQUIRED = True
    assert client.get(HEALTHZ).status_code == 200


@pytest.mark.skipif(not _listens(REAL_REDIS_URL), reason=f"geen Redis op {REAL_REDIS_URL}")
def test_healthz_reports_redis_ok_when_redis_answers(client, db, settings):
    settings.REDIS_URL = REAL_REDIS_URL
    response = client.get(HEALTHZ)
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "redis": "ok", "status": "ok"}


def test_healthz_is_503_when_redis_is_unreachable(client, db, settings):
    settings.REDIS_URL = CLOSED_PORT_REDIS_URL
    response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "ok", "redis": "error", "status": "error"}


def test_healthz_is_503_when_the_database_query_fails(client, db, settings):
    settings.REDIS_URL = ""

    def database_down(execute, sql, params, many, context):
        if sql.strip().upper() == "SELECT 1":
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_down):
        response = client.get(HEALTHZ)
    assert response.status_code == 503
    assert response.json() == {"database": "error", "redis": "eager", "status": "error"}
    # The failure was the health query's only: the connection still works afterwards.
    assert client.get(HEALTHZ).status_code == 200


def test_healthz_answers_in_time_when_redis_accepts_but_does_not_answer(client, db, settings):
    """A hanging Redis must make healthz say 503, not hang the request (and the compose
    healthcheck, which gives up after 10 seconds)."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    settings.REDIS_URL = f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
    responses = []

    def ask():
        try:
            responses.append(client.get(HEALTHZ))
        finally:
            connection.close()  # this thread's own connection, or the test database stays busy

    request = threading.Thread(target=ask)
    try:
        request.start()
        request.join(timeout=10)
        finished = not request.is_alive()
    finally:
        # Closing the listening socket resets the pending connection and frees the thread.
        silent.close()
        request.join(timeout=10)
    assert finished, "healthz hing langer dan 10 seconden"
    assert responses[0].status_code == 503
    assert responses[0].json()["redis"] == "error"
