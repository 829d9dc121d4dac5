"""The whole route of a signal through the browser, each person in their own browser context:
the meldpunt registers it, a weegploeg member records the joint weging, the procesregisseur
plans a session, puts the signal on the agenda and prepares the decision, the gemeente,
politie and OM each vote casusoverleg, and the procesregisseur downloads the decision record.

Fields are found by their label and buttons by their role and name, as a screen-reader user
finds them: a field that cannot be found that way is an accessibility bug."""

import datetime
import io
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from signals.models import Signal
from tests.criteria.factories import SUBSTANTIATION, scale_value

pytestmark = pytest.mark.e2e

CONCLUSION = (
    "Uitingen over geweld en toenemend isolement; de weegploeg acht een casusoverleg nodig."
)
MOTIVATION = {
    "gemeente": "Zorgen over isolement; school en jeugdwerk moeten aan tafel.",
    "politie": "Recente uitingen over geweld, bevestigd door de wijkagent.",
    "om": "Geen strafrechtelijk traject; een casusoverleg is passend.",
}


def field(scope, label):
    """The field labelled exactly `label`, whether or not it is marked "(verplicht)"."""
    return scope.get_by_label(re.compile(rf"^{re.escape(label)}( \(verplicht\))?$"))


def test_signal_goes_from_registration_to_a_casusoverleg_decision_with_its_record(
    browser, live_server, log_in, artifacts, weegploeg, meldpunt, members, coordinator
):
    def open_as(user):
        context = browser.new_context(locale="nl-NL", accept_downloads=True)
        context.set_default_timeout(15_000)
        return log_in(context.new_page(), user)

    def screenshot(page, name):
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)

    def menu(page, name):
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name).click()

    def expect_message(page, text):
        expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()

    # 1. The meldpunt registers the signal with the person's full identity.
    page = open_as(meldpunt)
    menu(page, "Nieuw signaal")
    person = page.get_by_role("group", name="Betrokkene")
    person.get_by_label("Voornamen").fill("Jan Willem")
    person.get_by_label("Tussenvoegsel").fill("van der")
    person.get_by_label("Achternaam").fill("Berg")
    person.get_by_label("Geboortedatum").fill("14-03-2006")
    person.get_by_label("BSN").fill("111222333")
    person.get_by_label("Adres").fill("Kerkstraat 1")
    person.get_by_label("Postcode").fill("1234 AB")
    person.get_by_label("Woongemeente").select_option(label=weegploeg.gemeente.name)
    signal_fields = page.get_by_role("group", name="Signaal", exact=True)
    today = timezone.localdate()
    signal_fields.get_by_label("Datum ontvangst").fill(today.strftime("%d-%m-%Y"))
    field(signal_fields, "Bron").select_option(label="Professional")
    signal_fields.get_by_label("Sector van de professional").select_option(label="Onderwijs")
    signal_fields.get_by_label("Naam melder").fill("M. de Vries")
    signal_fields.get_by_label("Organisatie melder").fill("Het Stedelijk College")
    signal_fields.get_by_label("Feitelijke beschrijving").fill(
        "Heeft op 12 oktober in de klas gezegd dat geweld tegen ongelovigen gerechtvaardigd is."
    )
    signal_fields.get_by_label("Datum gedrag (vanaf)").fill(
        (today - datetime.timedelta(days=7)).strftime("%d-%m-%Y")
    )
    signal_fields.get_by_label("Fenomeen").select_option(label="Jihadisme")
    page.get_by_role("button", name="Signaal registreren").click()
    expect_message(page, "is geregistreerd")
    signal = Signal.objects.select_related("person").get(registered_by=meldpunt)
    reference = signal.reference
    assert signal.weegploeg_id == weegploeg.pk
    assert signal.person.has_identity
    expect(page.get_by_role("heading", name=f"Signaal {reference}")).to_be_visible()
    screenshot(page, "01-signaal-geregistreerd")
    page.context.close()

    # 2a. A weegploeg member records the complete joint weging on the five criteria.
    voters = {party: open_as(member) for party, member in members.items()}
    page = voters["gemeente"]
    menu(page, "Wachtrij")
    page.get_by_role("link", name=reference).click()
    page.get_by_role("link", name="Gezamenlijke weging vastleggen").click()
    for number in range(1, 6):
        criterion = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        judgement = criterion.get_by_role("group", name="Oordeel")
        judgement.get_by_label(scale_value(number, 2).label, exact=True).check()
        criterion.get_by_label("Feitelijke onderbouwing").fill(SUBSTANTIATION)
        field(criterion, "Bron").fill("Mentor, gesprek 12 oktober")
        criterion.get_by_label("Bronpartner").select_option(label=weegploeg.gemeente.name)
    page.get_by_label("Conclusie van de weegploeg").fill(CONCLUSION)
    page.get_by_role("button", name="Weging vastleggen").click()
    expect_message(page, "De weging is vastgelegd en is volledig.")
    screenshot(page, "02-gezamenlijke-weging")

    # 2b. The procesregisseur plans a session, puts the signal on its agenda, sends the
    # agenda, opens the session and prepares the decision.
    regisseur = open_as(coordinator)
    menu(regisseur, "Overleggen")
    starts_at = timezone.localtime() + datetime.timedelta(days=1)
    regisseur.get_by_label("Datum en tijd").fill(starts_at.strftime("%d-%m-%Y 10:00"))
    regisseur.get_by_label("Plaats").fill("Stadhuis, kamer 2.14")
    regisseur.get_by_role("button", name="Overleg plannen").click()
    expect_message(regisseur, "Het overleg is gepland.")
    candidate = regisseur.get_by_label("Signaal").locator("option", has_text=reference)
    regisseur.get_by_label("Signaal").select_option(label=candidate.inner_text().strip())
    regisseur.get_by_role("button", name="Op de agenda zetten").click()
    expect_message(regisseur, "Het signaal staat op de agenda.")
    regisseur.get_by_role("button", name="Agenda versturen").click()
    expect_message(regisseur, "De agenda (1 punt) is verstuurd.")
    regisseur.get_by_role("button", name="Overleg openen").click()
    expect_message(regisseur, "Het overleg is geopend.")
    screenshot(regisseur, "03-overleg-met-agenda")
    session_url = regisseur.url
    regisseur.get_by_role("link", name=reference).click()
    item_url = regisseur.url
    regisseur.get_by_label("Gezamenlijke motivering").fill(CONCLUSION)
    parties = regisseur.get_by_role("group", name="Uit te nodigen partijen")
    parties.get_by_label("Reclassering").check()
    parties.get_by_label("Zorg / GGZ").check()
    regisseur.get_by_role("button", name="Voorbereiding opslaan").click()
    expect_message(regisseur, "De voorbereiding van het besluit is opgeslagen.")
    screenshot(regisseur, "04-besluit-voorbereid")

    # 3. Each core partner votes casusoverleg, each in their own browser.
    for party, page in voters.items():
        page.goto(session_url)
        page.get_by_role("link", name=reference).click()
        assert page.url == item_url
        vote = page.get_by_role("group", name="Uw stem")
        choice = vote.get_by_label("Casusoverleg", exact=True)
        # By keyboard: focus the radio button and select it with the space bar.
        choice.focus()
        page.keyboard.press("Space")
        expect(choice).to_be_checked()
        page.get_by_label("Motivering").fill(MOTIVATION[party])
        page.get_by_role("button", name="Stem uitbrengen").click()
        expect_message(page, "Uw stem is vastgelegd.")
        screenshot(page, f"05-stem-{party}")

    # 4. The unanimous decision shows on the item page; the procesregisseur downloads the
    # decision record.
    last = voters["om"]
    expect_message(last, "De drie stemmen zijn gelijk: het besluit is genomen.")
    expect(last.get_by_role("heading", name="Besluit: Casusoverleg")).to_be_visible()
    for party in members:
        expect(last.get_by_role("region", name=members[party].partner.name)).to_contain_text(
            "Casusoverleg"
        )
    screenshot(last, "06-besluit-op-agendapunt")

    regisseur.goto(item_url)
    expect(regisseur.get_by_role("heading", name="Besluit: Casusoverleg")).to_be_visible()
    regisseur.get_by_role("link", name="Besluit en besluitverslag bekijken").click()
    expect(
        regisseur.get_by_role("heading", name=f"Besluit {reference}: Casusoverleg")
    ).to_be_visible()
    expect(regisseur.get_by_text("Reclassering, Zorg / GGZ")).to_be_visible()
    screenshot(regisseur, "07-besluit")
    with regisseur.expect_download() as download_info:
        regisseur.get_by_role("link", name=re.compile(r"^Besluitverslag \(PDF\/A\)")).click()
    download = download_info.value
    assert download.suggested_filename.endswith(".pdf")
    pdf_path = artifacts / "besluitverslag.pdf"
    download.save_as(pdf_path)
    content = pdf_path.read_bytes()
    assert content.startswith(b"%PDF")
    text = "".join(sheet.extract_text() for sheet in PdfReader(io.BytesIO(content)).pages)
    assert reference in text

    for page in [*voters.values(), regisseur]:
        page.context.close()
