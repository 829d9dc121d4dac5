"""Browser journeys: Playwright's sync API driving Debian's Chromium (`apt-get install
chromium`), never a browser downloaded by `playwright install`. Users log in through the real
login page, with a password and a TOTP token computed from their device."""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections
from django.test import override_settings
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import TEST_PASSWORD

ARTIFACTS = Path(__file__).parent / "artifacts"

# Headless Chromium on a closed network: without the background-networking flags it keeps
# trying to reach Google's services (updates, sync, QUIC probes) and floods the network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING_BROWSER = (
    "Chromium ontbreekt voor de browsertests: installeer het Debian-pakket "
    "(`apt-get install chromium`); `playwright install` wordt niet gebruikt."
)


def chromium_executable() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


@pytest.fixture
def chromium_path():
    """Skip without Chromium, except in CI, where a missing browser fails the run: there
    `.ci/run` installs it, and a silently skipped journey would hide that it never ran."""
    path = chromium_executable()
    if path is None:
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_BROWSER, pytrace=False)
        pytest.skip(MISSING_BROWSER)
    return path


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.e2e_failed = report.failed
    return report


@pytest.fixture
def browser(request, chromium_path, monkeypatch, artifacts):
    """A headless Chromium for one test. Function-scoped: while Playwright's sync API is
    active, an asyncio loop counts as running in this thread, and Django refuses ORM calls
    from it ("You cannot call this from an async context"). The journey's own queries (set-up
    and checks) are ordinary synchronous code, so the check is lifted for this test only —
    not for the rest of the suite."""
    from playwright.sync_api import sync_playwright

    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
            if getattr(request.node, "e2e_failed", False):
                _screenshot_open_pages(chromium, artifacts)
        finally:
            chromium.close()
            # While Playwright's loop runs, Django keeps database connections per asyncio
            # context, so the test's own queries had a connection of their own. Close it
            # while that context is current, or it outlives the test database.
            connections.close_all()


def _screenshot_open_pages(chromium, folder):
    """On failure, what each person's browser showed at that moment."""
    for number, context in enumerate(chromium.contexts, start=1):
        for index, page in enumerate(context.pages, start=1):
            page.screenshot(path=folder / f"fout-context{number}-{index}.png", full_page=True)
            (folder / f"fout-context{number}-{index}.html").write_text(page.content())


@pytest.fixture
def artifacts():
    """Screenshots and the downloaded record of the last run (git-ignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.iterdir():
        if old.is_file():
            old.unlink()
    return ARTIFACTS


@pytest.fixture(scope="session")
def _plain_http_server():
    """The live server speaks plain HTTP. The suite's autouse `_test_settings` fixture turns
    SECURE_SSL_REDIRECT off per test, but that is too late for the live server: Django's
    SecurityMiddleware reads the setting once, when the server thread builds its handler, so
    every page would redirect to https:// (ERR_SSL_PROTOCOL_ERROR). Turned off here before
    the server starts, for as long as it runs."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def live_server(_plain_http_server, live_server):
    return live_server


@pytest.fixture
def log_in(live_server):
    """log_in(page, user): through the login page, password then the TOTP token of the
    user's authenticator (a device created here, as after enrolment)."""
    from playwright.sync_api import expect

    def do_log_in(page, user):
        # django-two-factor-auth asks for a token from the device named "default".
        device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
        page.goto(f"{live_server.url}/account/login/")
        page.get_by_label("E-mailadres").fill(user.email)
        password = page.get_by_label("Wachtwoord")
        password.fill(TEST_PASSWORD)
        password.press("Enter")  # the keyboard submits the form
        token = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
        page.get_by_label("Token").fill(f"{token:0{device.digits}d}")
        page.get_by_role("button", name="Bevestigen").click()
        expect(page.get_by_role("heading", name=f"Welkom, {user.full_name}")).to_be_visible()
        return page

    return do_log_in
