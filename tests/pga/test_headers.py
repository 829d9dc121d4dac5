"""Security headers and cookie settings on every response (issue 7, item 6)."""

from django.conf import settings
from django.urls import reverse

from pga.models import Role


def test_pages_carry_csp_without_inline_scripts_and_the_other_security_headers(
    client, login, weegploeg, make_user
):
    login(make_user(weegploeg.gemeente, Role.MEMBER))
    response = client.get(reverse("home"))
    csp = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert "'unsafe-inline'" not in directives["script-src"]
    assert "'unsafe-eval'" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_login_page_has_the_same_headers(client, db):
    response = client.get(reverse("two_factor:login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_hsts_is_sent_over_https_in_production(client, db, settings):
    settings.SECURE_HSTS_SECONDS = 63072000
    response = client.get(reverse("two_factor:login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=63072000")


def test_production_cookies_are_secure_and_http_only():
    assert settings.SESSION_COOKIE_HTTPONLY
    assert settings.CSRF_COOKIE_HTTPONLY
    # Secure cookies follow DEBUG: on in production (DEBUG=false), as `check --deploy` demands
    # (tests/pga/test_deployment.py runs it with production values).
    assert (not settings.DEBUG) == settings.SESSION_COOKIE_SECURE
    assert (not settings.DEBUG) == settings.CSRF_COOKIE_SECURE
