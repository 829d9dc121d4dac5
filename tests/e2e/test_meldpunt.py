"""The public meldpunt form in the browser, without JavaScript: a professional reports with a
file attached, sees only a receipt number; the meldpunt of the gemeente then finds the
referral and accepts it as a signal, the file with it. Fields are found by their label within
their fieldset, as a screen reader finds them. Every page of the public form and of the
intake passes axe-core (WCAG 2.1 AA, `tests.e2e.axe`) at desktop and phone width."""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from referrals.models import Submission, SubmissionStatus
from signals.models import Signal
from tests.e2e.axe import WIDTHS, axe_context, check_page

pytestmark = pytest.mark.e2e

OBSERVATION = "Toont in de klas filmpjes die aanslagen verheerlijken en zoekt medestanders."
REPORT = b"Gespreksverslag van de mentor, 3 maart.\n"


def field(scope, label):
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \(verplicht\))?$"))


def fill_referral(page):
    """Fill the public form as a mentor would."""
    seen = page.get_by_role("group", name="Wat heeft u waargenomen?")
    field(seen, "Wat heeft u waargenomen").fill(OBSERVATION)
    since = timezone.localdate() - datetime.timedelta(days=3)
    field(seen, "Datum (vanaf)").fill(since.strftime("%d-%m-%Y"))
    whom = page.get_by_role("group", name="Over wie gaat het?")
    field(whom, "Voornamen").fill("Sam")
    field(whom, "Achternaam").fill("Voorbeeldleerling")
    reporter = page.get_by_role("group", name="Wie meldt?")
    field(reporter, "Uw naam").fill("Petra Mentor")
    field(reporter, "Organisatie").fill("Het Voorbeeldcollege")
    field(reporter, "Functie").fill("Mentor")
    field(reporter, "Sector").select_option(label="Onderwijs")
    field(reporter, "E-mailadres").fill("mentor@school.example.nl")
    return seen


def test_professional_refers_without_javascript_and_the_meldpunt_accepts(
    browser, live_server, log_in, artifacts, weegploeg, meldpunt
):
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(f"{live_server.url}/melden/{weegploeg.gemeente.code}/")
    expect(page.get_by_role("heading", name="Is er acuut gevaar? Bel 112.")).to_be_visible()

    # Sent empty: the error summary, nothing stored.
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", name="Er is iets niet goed ingevuld")).to_be_visible()
    assert not Submission.objects.exists()

    seen = fill_referral(page)
    field(seen, "Bijlagen").set_input_files(files=[
        {"name": "verslag.txt", "mimeType": "text/plain", "buffer": REPORT}])
    page.get_by_role("button", name="Melding versturen").click()

    expect(page.get_by_role("heading", name="Melding verstuurd")).to_be_visible()
    submission = Submission.objects.get()
    assert submission.attachments.get().original_name == "verslag.txt"
    expect(page.get_by_text(submission.receipt_number)).to_be_visible()
    assert "Voorbeeldleerling" not in page.content() and OBSERVATION not in page.content()
    page.screenshot(path=artifacts / "meldpunt-ontvangstnummer.png", full_page=True)

    # The meldpunt of the gemeente accepts it as a signal.
    desk = browser.new_context(locale="nl-NL")
    desk.set_default_timeout(15_000)
    page = log_in(desk.new_page(), meldpunt)
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Meldpunt").click()
    page.get_by_role("link", name=submission.receipt_number).click()
    expect(page.get_by_text(OBSERVATION)).to_be_visible()
    expect(page.get_by_role("link", name="verslag.txt")).to_be_visible()
    accept = page.get_by_role("group", name="Accepteren als signaal")
    field(accept, "Fenomeen").select_option(label="Jihadisme")
    accept.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_role("status").filter(has_text="geaccepteerd als signaal")).to_be_visible()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED
    signal = Signal.objects.get()
    assert signal.description == OBSERVATION
    assert signal.attachments.get().original_name == "verslag.txt"


@pytest.mark.parametrize("width", WIDTHS)
def test_meldpunt_pages_pass_axe_at_desktop_and_phone_width(
    browser, live_server, log_in, weegploeg, meldpunt, settings, width
):
    """The public form (empty, with errors, sent, refused by the rate limit) and the intake
    (list, a referral, the standard text): no serious or critical axe-core finding; on a
    phone no horizontal scrolling."""
    page = axe_context(browser, width).new_page()
    url = f"{live_server.url}/melden/{weegploeg.gemeente.code}/"
    page.goto(url)
    check_page(page, "meldpuntformulier")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", name="Er is iets niet goed ingevuld")).to_be_visible()
    check_page(page, "meldpuntformulier met foutmeldingen")
    fill_referral(page)
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", name="Melding verstuurd")).to_be_visible()
    check_page(page, "ontvangstnummer")
    # One referral more than the limit allows: the refusal page.
    settings.RATELIMIT_ENABLE = True
    settings.REFERRAL_RATE_PER_ADDRESS = "0/h"
    page.goto(url)
    fill_referral(page)
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("heading", name="Te veel meldingen")).to_be_visible()
    check_page(page, "te veel meldingen")

    desk = log_in(axe_context(browser, width).new_page(), meldpunt)
    desk.goto(f"{live_server.url}/meldpunt/")
    check_page(desk, "meldpunt: binnengekomen meldingen")
    desk.get_by_role("link", name=Submission.objects.get().receipt_number).click()
    expect(desk.get_by_text(OBSERVATION)).to_be_visible()
    check_page(desk, "melding")
    desk.get_by_role("button", name="Afwijzen").click()  # no reason: the error summary
    expect(desk.get_by_role("heading", name="Er is iets niet goed ingevuld")).to_be_visible()
    check_page(desk, "melding met foutmelding")
    desk.goto(f"{live_server.url}/meldpunt/standaardtekst/")
    check_page(desk, "standaardtekst")
