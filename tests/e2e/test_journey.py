"""The whole route of a signal through the browser, each person in their own browser context
(issue 18): the meldpunt registers it; the gemeente, politie and OM each record their own
weging from their work list; a member records the joint weging, which starts from those three;
the procesregisseur plans today's session, puts the signal on the agenda, sees what it still
needs and prepares it, sends the agenda, opens the session and records who attended; the three
members vote casusoverleg with the case on one screen; the procesregisseur downloads the
decision record; on the review date the procesregisseur is reminded and records the review,
and has the case weighed again: a new round ends in "geen casusoverleg" (issue 19). Clicks,
fields and refused actions are counted (`tests/e2e/clicks.py`),
printed and written to `artifacts/klikken.txt`; no action may be refused.

Fields are found by their label and buttons by their role and name, as a screen-reader user
finds them: a field that cannot be found that way is an accessibility bug."""

import datetime
import io
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from signals.models import Signal
from tests.criteria.factories import SUBSTANTIATION, scale_value
from tests.e2e.clicks import count_clicks
from weegploeg.follow_up import send_follow_up_reminders
from weegploeg.models import Decision, FollowUpKind, Outcome

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
    browser, live_server, log_in, artifacts, weegploeg, meldpunt, members, coordinator,
    monkeypatch,
):
    clicks = count_clicks(monkeypatch)

    def open_as(user):
        context = browser.new_context(locale="nl-NL", accept_downloads=True)
        context.set_default_timeout(15_000)
        with clicks.paused():
            return log_in(context.new_page(), user)

    def screenshot(page, name):
        page.screenshot(path=artifacts / f"{name}.png", full_page=True)

    def menu(page, name):
        page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name=name).click()

    def expect_message(page, text):
        expect(page.get_by_role("status").filter(has_text=text)).to_be_visible()

    def fill_criteria(page, source_partner=None):
        for number in range(1, 6):
            criterion = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
            judgement = criterion.get_by_role("group", name="Oordeel")
            judgement.get_by_label(scale_value(number, 2).label, exact=True).check()
            criterion.get_by_label("Feitelijke onderbouwing").fill(SUBSTANTIATION)
            field(criterion, "Bron").fill("Mentor, gesprek 12 oktober")
            if source_partner is not None:
                criterion.get_by_label("Bronpartner").select_option(label=source_partner)

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

    # 2. Each core partner records its own weging: the home page lists what waits for the
    # organisation's weging, with a link straight to the form.
    voters = {party: open_as(member) for party, member in members.items()}
    for party, page in voters.items():
        expect(page.get_by_role("heading", name="Wacht op de weging van uw organisatie (1)")
               ).to_be_visible()
        page.get_by_role("link", name=f"Weging vastleggen voor {reference}").click()
        fill_criteria(page)
        page.get_by_role("button", name="Weging vastleggen").click()
        expect_message(page, "De weging is vastgelegd en is volledig.")
        screenshot(page, f"02-weging-{party}")

    # 3. The gemeente member records the joint weging: it starts from the three partner
    # wegingen side by side, pre-filled where they agree; only the conclusion is written.
    page = voters["gemeente"]
    page.get_by_role("link", name=re.compile(r"^Terug naar signaal")).click()
    page.get_by_role("link", name="Gezamenlijke weging vastleggen").click()
    expect(page.get_by_role("heading", name="De wegingen van de partners naast elkaar")
           ).to_be_visible()
    for number in range(1, 6):
        criterion = page.get_by_role("group", name=re.compile(rf"^{number}\. "))
        expect(criterion.get_by_role("group", name="Oordeel").get_by_label(
            scale_value(number, 2).label, exact=True)).to_be_checked()
    page.get_by_label("Conclusie van de weegploeg").fill(CONCLUSION)
    page.get_by_role("button", name="Weging vastleggen").click()
    expect_message(page, "De weging is vastgelegd en is volledig.")
    screenshot(page, "03-gezamenlijke-weging")

    # 4. The procesregisseur plans today's session and puts the signal on its agenda; the
    # agenda shows what the item still needs before anyone votes: the parties to invite.
    regisseur = open_as(coordinator)
    menu(regisseur, "Overleggen")
    starts_at = timezone.localtime().replace(second=0, microsecond=0)
    regisseur.get_by_label("Datum en tijd").fill(starts_at.strftime("%d-%m-%Y %H:%M"))
    regisseur.get_by_label("Plaats").fill("Stadhuis, kamer 2.14")
    regisseur.get_by_role("button", name="Overleg plannen").click()
    expect_message(regisseur, "Het overleg is gepland.")
    choice = regisseur.get_by_label("Signaal").locator("option", has_text=reference)
    expect(choice).to_contain_text("Jan Willem van der Berg")
    regisseur.get_by_label("Signaal").select_option(label=choice.inner_text().strip())
    regisseur.get_by_role("button", name="Op de agenda zetten").click()
    expect_message(regisseur, "Het signaal staat op de agenda.")
    not_ready = regisseur.get_by_role("region", name="Nog niet klaar")
    expect(not_ready).to_contain_text(reference)
    expect(not_ready).to_contain_text("uit te nodigen partijen vastgelegd (door procesregisseur)")
    screenshot(regisseur, "04-agenda-nog-niet-klaar")
    session_url = regisseur.url
    not_ready.get_by_role("link", name=reference).click()
    item_url = regisseur.url
    regisseur.get_by_label("Gezamenlijke motivering").fill(CONCLUSION)
    parties = regisseur.get_by_role("group", name="Uit te nodigen partijen")
    parties.get_by_label("Reclassering").check()
    parties.get_by_label("Zorg / GGZ").check()
    regisseur.get_by_role("button", name="Voorbereiding opslaan").click()
    expect_message(regisseur, "De voorbereiding van het besluit is opgeslagen.")
    # Every outcome can be voted; still open is each partner's statement that it consulted
    # its own systems (rule 13), which each partner makes before its vote.
    expect(regisseur.get_by_text("Elke uitkomst kan worden gestemd")).to_be_visible()
    regisseur.get_by_role("link", name="Terug naar het overleg").click()
    assert regisseur.url == session_url
    expect(regisseur.get_by_role("region", name="Nog niet klaar")).to_contain_text(
        "eigen systemen geraadpleegd")
    regisseur.get_by_role("button", name="Agenda versturen").click()
    expect_message(regisseur, "De agenda (1 punt) is verstuurd.")
    regisseur.get_by_role("button", name="Overleg openen").click()
    expect_message(regisseur, "Het overleg is geopend.")
    attendance = regisseur.get_by_role("group", name="Aanwezig")
    for member in members.values():
        attendance.get_by_label(f"{member.full_name} ({member.partner.name})").check()
    regisseur.get_by_role("button", name="Aanwezigheid vastleggen").click()
    expect_message(regisseur, "De aanwezigheid is vastgelegd.")
    screenshot(regisseur, "05-overleg-geopend")

    # 5. Each core partner votes casusoverleg from the case on one screen; the votes of the
    # others appear without reloading.
    for party, page in voters.items():
        menu(page, "Overzicht")
        page.get_by_role("region", name="Volgend overleg").get_by_role("link").click()
        page.get_by_role("link", name=reference).click()
        assert page.url == item_url
        expect(page.get_by_role("heading", name="De casus")).to_be_visible()
        # Every outcome can be voted; what is still open is each partner's statement that it
        # consulted its own systems (rule 13), which comes first.
        expect(page.get_by_text("Elke uitkomst kan worden gestemd")).to_be_visible()
        page.get_by_role("group", name="Resultaat van de raadpleging van de eigen systemen") \
            .get_by_label("Niets bekend", exact=True).check()
        page.get_by_role("button", name="Integrale weging vastleggen").click()
        expect_message(page, "De integrale weging van uw organisatie is vastgelegd.")
        vote = page.get_by_role("group", name="Uw stem")
        choice = vote.get_by_label("Casusoverleg", exact=True)
        # By keyboard: focus the radio button and select it with the space bar.
        choice.focus()
        page.keyboard.press("Space")
        expect(choice).to_be_checked()
        page.get_by_label("Motivering").fill(MOTIVATION[party])
        page.get_by_role("button", name="Stem uitbrengen").click()
        if page.get_by_role("alert").count():
            clicks.refusal()
        expect_message(page, "Uw stem is vastgelegd.")
        screenshot(page, f"06-stem-{party}")
        if party == "politie":
            # The gemeente's page, open since its vote, shows the politie vote by itself.
            expect(voters["gemeente"].get_by_role("region", name=members["politie"].partner.name)
                   ).to_contain_text("Casusoverleg", timeout=20_000)

    # 6. The unanimous decision shows on the item page; the procesregisseur downloads the
    # decision record.
    last = voters["om"]
    expect_message(last, "De drie stemmen zijn gelijk: het besluit is genomen.")
    expect(last.get_by_role("heading", name="Besluit: Casusoverleg")).to_be_visible()
    for party in members:
        expect(last.get_by_role("region", name=members[party].partner.name)).to_contain_text(
            "Casusoverleg"
        )
    screenshot(last, "07-besluit-op-agendapunt")

    # The session page as it is now: the item is decided, nothing is waiting any more.
    regisseur.reload()
    expect(regisseur.get_by_role("region", name="Nog niet klaar")).to_have_count(0)
    regisseur.get_by_role("link", name=reference).click()
    expect(regisseur.get_by_role("heading", name="Besluit: Casusoverleg")).to_be_visible()
    regisseur.get_by_role("link", name="Besluit en besluitverslag bekijken").click()
    expect(
        regisseur.get_by_role("heading", name=f"Besluit {reference}: Casusoverleg")
    ).to_be_visible()
    expect(regisseur.get_by_text("Reclassering, Zorg / GGZ")).to_be_visible()
    screenshot(regisseur, "08-besluit")
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

    # 7. After the decision (issue 19): on the review date the procesregisseur is reminded
    # (the daily task, run here for that date) and records what was checked on the page
    # "Na het besluit".
    decision = Decision.objects.get(signal=signal)
    review = decision.follow_ups.get(kind=FollowUpKind.REVIEW, due_on=min(
        f.due_on for f in decision.follow_ups.all()))
    mail.outbox.clear()
    assert send_follow_up_reminders(review.due_on) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert reference in mail.outbox[0].subject
    regisseur.goto(live_server.url + reverse("signals:detail", args=[signal.pk]))
    regisseur.get_by_role("link", name="Na het besluit: opvolging, opnieuw wegen, escalatie"
                          ).click()
    field(regisseur, "Welke opvolging").select_option(
        label=f"Herbeoordeling {review.due_on:%d-%m-%Y}")
    regisseur.get_by_label("Wat is nagegaan").fill("Casusoverleg nagevraagd bij de voorzitter.")
    regisseur.get_by_label("Resultaat").fill("Nieuwe informatie van de politie: zorgen afgenomen.")
    regisseur.get_by_role("button", name="Opvolging vastleggen").click()
    expect_message(regisseur, "De opvolging is vastgelegd.")
    screenshot(regisseur, "09-opvolging-vastgelegd")

    # 8. The case is weighed again: back in preparation with a reason, a new round on
    # today's second session, three votes "geen casusoverleg", a new decision next to the
    # earlier one.
    regisseur.get_by_role("group", name="Aanleiding").get_by_label("Nieuwe informatie").check()
    regisseur.get_by_label("Reden om opnieuw te wegen").fill(
        "De politie meldt dat de uitingen zijn gestopt; opnieuw wegen of een casusoverleg "
        "nog nodig is.")
    regisseur.get_by_role("button", name="Opnieuw laten wegen").click()
    expect_message(regisseur, "Het signaal staat weer in de wachtrij")
    menu(regisseur, "Overleggen")
    regisseur.get_by_label("Datum en tijd").fill(starts_at.strftime("%d-%m-%Y %H:%M"))
    regisseur.get_by_label("Plaats").fill("Stadhuis, kamer 2.14")
    regisseur.get_by_role("button", name="Overleg plannen").click()
    expect_message(regisseur, "Het overleg is gepland.")
    choice = regisseur.get_by_label("Signaal").locator("option", has_text=reference)
    regisseur.get_by_label("Signaal").select_option(label=choice.inner_text().strip())
    regisseur.get_by_role("button", name="Op de agenda zetten").click()
    expect_message(regisseur, "Het signaal staat op de agenda.")
    regisseur.get_by_role("region", name="Nog niet klaar").get_by_role(
        "link", name=reference).click()
    second_item_url = regisseur.url
    regisseur.get_by_label("Gezamenlijke motivering").fill(
        "Zorgen afgenomen; een casusoverleg is niet meer nodig.")
    regisseur.get_by_role("group", name="Uit te nodigen partijen").get_by_label(
        "Zorg / GGZ").check()
    regisseur.get_by_role("button", name="Voorbereiding opslaan").click()
    expect_message(regisseur, "De voorbereiding van het besluit is opgeslagen.")
    regisseur.get_by_role("link", name="Terug naar het overleg").click()
    regisseur.get_by_role("button", name="Agenda versturen").click()
    expect_message(regisseur, "De agenda (1 punt) is verstuurd.")
    regisseur.get_by_role("button", name="Overleg openen").click()
    expect_message(regisseur, "Het overleg is geopend.")
    for page in voters.values():
        page.goto(second_item_url)
        # A new round: each partner states its integral weging again (rule 13).
        page.get_by_role("group", name="Resultaat van de raadpleging van de eigen systemen") \
            .get_by_label("Niets bekend", exact=True).check()
        page.get_by_role("button", name="Integrale weging vastleggen").click()
        expect_message(page, "De integrale weging van uw organisatie is vastgelegd.")
        page.get_by_role("group", name="Uw stem").get_by_label(
            "Geen casusoverleg", exact=True).check()
        page.get_by_label("Motivering").fill("De zorgen zijn afgenomen; geen casusoverleg.")
        page.get_by_role("button", name="Stem uitbrengen").click()
        if page.get_by_role("alert").count():
            clicks.refusal()
        expect_message(page, "Uw stem is vastgelegd.")
    expect(voters["om"].get_by_role("heading", name="Besluit: Geen casusoverleg")
           ).to_be_visible()
    screenshot(voters["om"], "10-herweging-besluit")
    second = Decision.objects.exclude(pk=decision.pk).get(signal=signal)
    assert second.outcome == Outcome.NO_CASUSOVERLEG
    assert second.reweighing.earlier_decision == decision
    decision.refresh_from_db()
    assert decision.is_current

    # Issue 18's acceptance: no action refused on the happy path.
    assert clicks.refused == 0
    (artifacts / "klikken.txt").write_text(clicks.summary() + "\n")
    print(f"Reis: {clicks.summary()}")
    for page in [*voters.values(), regisseur]:
        page.context.close()
