"""Login policy: every page needs a login, two-factor when required, lockout after five
failed attempts, sessions that end."""

import datetime
import re

import pytest
from django.conf import settings
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from pga.models import Role

# Pages that answer without a login, each a decision: the login itself, the health check for
# the load balancer, the admin's own login (which sends one on to the real login), and the
# published referentiekader (the model covenant requires it to be public; no personal data).
PUBLIC_URL_NAMES = {
    "two_factor:login",
    "healthz",
    "beheer:login",
    "criteria:public_framework",
    "criteria:framework_version",
    # The meldpunt's public form (issue 21): write-only, it shows nothing back.
    "referrals:public_form",
    # The site's icon, which browsers fetch before anyone logs in (issue 22).
    "favicon",
}
SAMPLE_VALUES = ["1", "x", "pga", "partner", "json"]
LOGIN_PATH = "/account/login/"


def _patterns(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from _patterns(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            yield namespace + (pattern.name or "<naamloos>"), prefix + str(pattern.pattern), pattern


def _sample_path(route, pattern):
    """A concrete path that resolves to `pattern`, with sample values for its parameters."""
    route = route.replace("^", "").replace("$", "").replace("\\Z", "").replace("\\.", ".")
    for sample in SAMPLE_VALUES:

        def fill(match, sample=sample):
            # A regex group takes the first sample it accepts; a converter takes `sample`.
            group = match.group("regex")
            if group is None:
                return sample
            return next((v for v in [sample, *SAMPLE_VALUES] if re.fullmatch(group, v)), sample)

        path = "/" + re.sub(r"<(?:\w+:)?\w+>|\(\?P<\w+>(?P<regex>[^)]*)\)", fill, route)
        try:
            match = resolve(path)
        except Exception:  # noqa: BLE001, S112 - try the next sample
            continue
        if match.func == pattern.callback or getattr(match.func, "__wrapped__", None):
            return path
    raise AssertionError(f"geen voorbeeldpad gevonden voor {route}")


def all_url_patterns():
    return list(_patterns(get_resolver().url_patterns))


def test_every_url_except_public_ones_requires_login(client, db):
    """A URL added without a decision is not public: it must send an anonymous visitor to
    the login page. Public URLs must be listed in PUBLIC_URL_NAMES."""
    checked = 0
    for name, route, pattern in all_url_patterns():
        path = _sample_path(route, pattern)
        response = client.get(path, follow=True)
        if name in PUBLIC_URL_NAMES:
            assert response.status_code != 500, name
            continue
        assert response.redirect_chain, (name, path, response.status_code)
        final = response.redirect_chain[-1][0]
        assert final.startswith(LOGIN_PATH), (name, path, final)
        assert response.status_code == 200, (name, path)
        checked += 1
    assert checked > 20


def test_public_url_names_all_exist():
    names = {name for name, _route, _pattern in all_url_patterns()}
    assert names >= PUBLIC_URL_NAMES


def _post_login(client, email, password):
    return client.post(
        LOGIN_PATH,
        {"login_view-current_step": "auth", "auth-username": email, "auth-password": password},
    )


def test_account_is_locked_after_five_failed_attempts(client, weegploeg, make_user):
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    for _attempt in range(5):
        response = _post_login(client, user.email, "fout-wachtwoord")
    response = _post_login(client, user.email, "Een-lang-testwachtwoord-42")
    assert response.status_code == 429
    assert "geblokkeerd" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_wrong_password_gives_dutch_error_and_no_500(client, weegploeg, make_user):
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    response = _post_login(client, user.email, "fout")
    assert response.status_code == 200
    assert "Voer een juist e-mailadres en wachtwoord in" in response.content.decode()


def test_login_with_totp_token_completes_two_factor(client, weegploeg, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = True
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    response = _post_login(client, user.email, "Een-lang-testwachtwoord-42")
    assert response.status_code == 200
    assert 'name="token-otp_token"' in response.content.decode()
    token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    response = client.post(
        LOGIN_PATH, {"login_view-current_step": "token", "token-otp_token": f"{token:06d}"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_wrong_totp_token_is_refused(client, weegploeg, make_user):
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    _post_login(client, user.email, "Een-lang-testwachtwoord-42")
    response = client.post(
        LOGIN_PATH, {"login_view-current_step": "token", "token-otp_token": "000000"}
    )
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_user_without_device_must_set_up_two_factor_first(client, weegploeg, make_user, settings):
    settings.TWO_FACTOR_REQUIRED = True
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    _post_login(client, user.email, "Een-lang-testwachtwoord-42")
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("two_factor:setup")


def test_without_two_factor_requirement_the_login_page_says_so(client, db, settings):
    settings.TWO_FACTOR_REQUIRED = False
    assert "TWO_FACTOR_REQUIRED=false" in client.get(LOGIN_PATH).content.decode()
    settings.TWO_FACTOR_REQUIRED = True
    assert "TWO_FACTOR_REQUIRED=false" not in client.get(LOGIN_PATH).content.decode()


def test_password_login_without_two_factor_when_not_required(
    client, weegploeg, make_user, settings
):
    settings.TWO_FACTOR_REQUIRED = False
    user = make_user(weegploeg.gemeente, Role.MEMBER)
    response = _post_login(client, user.email, "Een-lang-testwachtwoord-42")
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_sessions_expire_after_fifteen_idle_minutes_and_at_browser_close():
    assert settings.SESSION_COOKIE_AGE == 15 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_a_session_in_use_lives_on_and_ends_after_fifteen_idle_minutes(
    client, login, weegploeg, make_user
):
    from django.contrib.sessions.models import Session
    from freezegun import freeze_time

    user = make_user(weegploeg.gemeente, Role.MEMBER)
    with freeze_time("2026-11-02 09:00:00") as clock:
        login(user)
        home = reverse("home")
        assert client.get(home).status_code == 200
        for _ in range(4):  # in use: each request within 15 minutes of the one before
            clock.tick(datetime.timedelta(minutes=14))
            assert client.get(home).status_code == 200
        clock.tick(datetime.timedelta(minutes=15, seconds=1))
        response = client.get(home)
        assert response.status_code == 302
        assert reverse("two_factor:login") in response.url
        assert not Session.objects.filter(session_key=client.cookies["sessionid"].value,
                                          expire_date__gt=timezone.now()).exists()


def test_the_session_row_is_written_at_most_once_a_minute(client, login, weegploeg, make_user):
    from django.contrib.sessions.models import Session
    from freezegun import freeze_time

    user = make_user(weegploeg.gemeente, Role.MEMBER)
    with freeze_time("2026-11-02 09:00:00") as clock:
        login(user)
        client.get(reverse("home"))
        key = client.cookies["sessionid"].value
        written = Session.objects.get(session_key=key).expire_date
        clock.tick(datetime.timedelta(seconds=30))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date == written
        clock.tick(datetime.timedelta(seconds=31))
        client.get(reverse("home"))
        assert Session.objects.get(session_key=key).expire_date > written


@pytest.mark.parametrize("password", ["kort", "12345678901234", "password1234"])
def test_weak_passwords_are_refused_by_the_validators(password, db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(password)
