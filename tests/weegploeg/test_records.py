"""Rule 6: every decision produces a PDF/A decision record, stored with its SHA-256 and never
overwritten; the session export and the hand-over to the casusoverleg (issue 5).

Decisions are taken through the real flow (three votes); the record is made by the task that
`cast_vote` schedules on commit, run here by `django_capture_on_commit_callbacks`.
"""

import datetime
import hashlib
import io
import json
import zipfile
from pathlib import Path

import pytest
from django.db import IntegrityError
from pypdf import PdfReader

from criteria.assessments import record_joint_assessment
from pga.pdf import FONT_DIR, BundledFontsFetcher, ResourceRefused
from pga.services import RuleViolation
from signals.models import Signal
from tests.criteria.factories import judgements
from tests.signals.factories import register
from tests.weegploeg.factories import vote
from weegploeg.handover import handover_json, handover_ready, handover_zip
from weegploeg.models import DecisionRecord, ExportStatus, Outcome, Referral
from weegploeg.records import create_decision_record, create_record_version, request_record_version
from weegploeg.services import add_to_agenda, correct_decision, prepare_decision
from weegploeg.session_exports import build_session_export, request_session_export

HEADER = "Vertrouwelijk — bevat bijzondere persoonsgegevens"
MOTIVATIONS = {
    "gemeente": "Zorgen vanuit school en wijkteam over toenemende isolatie.",
    "politie": "Politiecontacten bevestigen contact met een extremistisch netwerk.",
    "om": "Geen lopend strafrechtelijk onderzoek; gezamenlijke aanpak nodig.",
}
REPORTER = {
    "reporter_name": "Petra Meldster",
    "reporter_organisation": "Voorbeeldcollege Noord",
    "reporter_contact": "p.meldster@voorbeeldcollege.example",
}



@pytest.fixture
def signal(meldpunt, weegploeg):
    """A signal with a known reporter (who must not reach the casusoverleg)."""
    return register(meldpunt, weegploeg=weegploeg, **REPORTER)


def decide(item, members, outcome=Outcome.CASUSOVERLEG):
    decision = None
    for partner, motivation in MOTIVATIONS.items():
        decision = vote(members[partner], item, outcome, motivation)
    return decision


@pytest.fixture
def decision(item, members, django_capture_on_commit_callbacks):
    """A casusoverleg decision; its record is made on commit, as in production."""
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(item, members)
    return decision


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def record_text(record: DecisionRecord) -> str:
    with record.file.open("rb") as handle:
        return pdf_text(handle.read())


def test_decision_record_is_made_when_the_decision_is_taken(decision, members):
    record = DecisionRecord.objects.get(decision=decision)
    assert record.version == 1
    text = record_text(record)
    assert decision.signal.reference in text
    assert HEADER in text
    assert "pagina 1 van" in text
    for partner, motivation in MOTIVATIONS.items():
        assert members[partner].partner.name in text
        assert members[partner].full_name in text
        assert motivation in text
    assert "Casusoverleg" in text
    assert "Jan Jansen" in text
    assert "17 mei 2004" in text


def test_decision_record_is_pdf_a_with_embedded_fonts(decision):
    record = DecisionRecord.objects.get(decision=decision)
    with record.file.open("rb") as handle:
        reader = PdfReader(handle)
        xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data()
        assert b"pdfaid:part" in xmp
        assert b"pdfaid:conformance" in xmp
        assert b"xmp:CreateDate" in xmp and "/CreationDate" in reader.metadata
        fonts = [
            font.get_object()
            for page in reader.pages
            for font in page["/Resources"]["/Font"].values()
        ]
        assert fonts
        for font in fonts:
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            assert "Weegploeg-Sans" in descriptor["/FontName"]
            assert "/FontFile2" in descriptor


def test_stored_sha256_is_the_hash_of_the_stored_file(decision):
    record = DecisionRecord.objects.get(decision=decision)
    with record.file.open("rb") as handle:
        content = handle.read()
    assert record.sha256 == hashlib.sha256(content).hexdigest()
    assert record.size == len(content)


def test_record_file_name_holds_no_personal_data(decision):
    record = DecisionRecord.objects.get(decision=decision)
    assert record.file.name.startswith(f"besluitverslagen/{decision.pk}/v1-")
    for personal in ("Jansen", "Jan", decision.signal.reference):
        assert personal not in record.file.name


def test_record_is_made_once_per_decision(decision, _private_storage):
    first = DecisionRecord.objects.get(decision=decision)
    files = stored_files(_private_storage)
    again = create_decision_record(decision)
    assert again.pk == first.pk
    assert decision.records.count() == 1
    assert stored_files(_private_storage) == files


def test_regenerating_makes_a_new_version_and_keeps_the_old_file(
    decision, coordinator, django_capture_on_commit_callbacks
):
    first = DecisionRecord.objects.get(decision=decision)
    with django_capture_on_commit_callbacks(execute=True):
        assert request_record_version(coordinator, decision) == 2
    second = decision.records.get(version=2)
    assert second.file.name != first.file.name
    first.refresh_from_db()
    with first.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == first.sha256
    assert "versie 2" in record_text(second)
    assert create_decision_record(decision).pk == second.pk


def test_only_the_coordinator_regenerates_a_record(decision, members, outsider):
    for user in (members["politie"], outsider):
        with pytest.raises(RuleViolation):
            request_record_version(user, decision)
    assert decision.records.count() == 1


def test_the_coordinator_asks_for_a_new_version_and_is_not_kept_waiting(
    decision, coordinator, login, monkeypatch
):
    """The page answers before the version is rendered: it is made after the commit, by a
    worker or (embedded) a thread; here the on-commit work is not run at all."""
    from django.urls import reverse

    from weegploeg import records

    def not_in_the_request(*args, **kwargs):
        raise AssertionError("het verslag wordt in het verzoek zelf gemaakt")

    monkeypatch.setattr(records, "render_decision_record", not_in_the_request)
    response = login(coordinator).post(reverse("weegploeg:decision", args=[decision.pk]),
                                       {"opnieuw_maken": "1"}, follow=True)
    assert response.status_code == 200
    assert "Versie 2 van het besluitverslag wordt gemaakt" in response.content.decode()


def test_a_version_asked_for_twice_is_made_once(decision, coordinator,
                                                 django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        versions = {request_record_version(coordinator, decision) for _twice in range(2)}
    assert versions == {2}
    assert create_record_version(decision, 2).pk == decision.records.get(version=2).pk
    assert decision.records.count() == 2


def test_failed_insert_leaves_no_record_file(item, members, monkeypatch, _private_storage):
    decision = decide(item, members)  # on-commit callbacks not run: no record yet

    def refuse(**fields):
        raise IntegrityError("record_version_once")

    monkeypatch.setattr(DecisionRecord.objects, "create", refuse)
    with pytest.raises(IntegrityError):
        create_decision_record(decision)
    assert stored_files(_private_storage) == []


def test_record_fetcher_serves_only_the_bundled_fonts():
    fetcher = BundledFontsFetcher()
    font = fetcher.fetch((FONT_DIR / "DejaVuSans.ttf").as_uri())
    assert font.read(4) == b"\x00\x01\x00\x00"
    font.close()
    for url in (
        "http://example.org/x.png",
        "https://example.org/font.ttf",
        "file:///etc/passwd",
        (FONT_DIR / ".." / ".." / "pga" / "settings.py").as_uri(),
        FONT_DIR.as_uri() + "/..%2F..%2Fpga%2Fsettings.py",
        (FONT_DIR / "LICENSE-DejaVu.txt").as_uri(),
        "data:text/css,body{}",
        "file://evil.example/share/font.ttf",
    ):
        with pytest.raises(ResourceRefused):
            fetcher.fetch(url)


def test_record_referring_to_an_outside_resource_is_not_rendered(
    decision, settings, tmp_path, monkeypatch
):
    from weegploeg import record_content

    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "buiten.html").write_text(
        '<html><body><img src="http://example.org/x.png">'
        '<img src="file:///etc/passwd"></body></html>'
    )
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path / "templates"]}]
    monkeypatch.setattr(record_content, "TEMPLATE", "buiten.html")
    with pytest.raises(ResourceRefused, match="example.org"):
        record_content.render_decision_record(decision)


def test_record_shows_the_assessment_per_criterion_and_its_conclusion(decision):
    text = record_text(DecisionRecord.objects.get(decision=decision))
    assessment = decision.signal.assessments.get()
    for criterion, judgement in assessment.judgement_rows():
        assert criterion.title in text
        assert judgement.scale_value.label in text
    assert "Op 12 oktober in de klas gezegd" in text
    assert "Zorgen over geweldsbereidheid; bespreken." in text
    assert "De weegploeg ziet reden voor een casusoverleg." in text
    assert "Zorg / GGZ" in text and "Reclassering" in text
    # The criteria are no points total (rule 3).
    assert "totaal" not in text.lower() and "score" not in text.lower()


def test_record_of_geen_casusoverleg_shows_referral_and_follow_up(
    item, members, coordinator, django_capture_on_commit_callbacks
):
    prepare_decision(
        coordinator, item, joint_reasoning="Geen aanleiding; wel zorg via het wijkteam.",
        referral=Referral.ZVH, follow_up_on=datetime.date(2027, 3, 1),
    )
    with django_capture_on_commit_callbacks(execute=True):
        decision = decide(item, members, Outcome.NO_CASUSOVERLEG)
    text = record_text(decision.records.get())
    assert "Geen casusoverleg" in text
    assert "Zorg- en Veiligheidshuis-route" in text
    assert "1 maart 2027" in text


def test_record_of_a_correction_says_what_it_corrects(
    decision, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct_decision(
            coordinator, decision, reasoning="Aangevulde motivering.",
            reason="Uit te nodigen partij ontbrak.", invited_parties=["zorg_ggz", "lse"],
        )
    text = record_text(correction.records.get())
    assert f"corrigeert besluit {decision.pk}" in text
    assert "Uit te nodigen partij ontbrak." in text
    assert "Landelijk Steunpunt Extremisme" in text


def test_record_shows_the_deletion_date_or_that_the_retention_rules_decide_it(decision):
    from weegploeg.record_content import render_decision_record

    signal = Signal.objects.get(pk=decision.signal_id)
    for due, shown in (
        (None, "bepaald door de bewaartermijnregels"),
        (datetime.date(2031, 11, 2), "Dit dossier wordt vernietigd op 2 november 2031"),
    ):
        signal.deletion_due = due
        signal.save(update_fields=["deletion_due"])
        assert shown in pdf_text(render_decision_record(decision))


# -- the session export --------------------------------------------------------------------


@pytest.fixture
def second_decision(coordinator, session, members, meldpunt, weegploeg,
                    django_capture_on_commit_callbacks):
    """A second signal on the same session, decided geen casusoverleg (record not yet made)."""
    other = register(meldpunt, weegploeg=weegploeg)
    record_joint_assessment(members["politie"], other, judgements(), "Geen zorgen.")
    item = prepare_decision(coordinator, add_to_agenda(coordinator, session, other))
    return decide(item, members, Outcome.NO_CASUSOVERLEG)


def export_session(coordinator, session, capture):
    with capture(execute=True):
        export = request_session_export(coordinator, session)
    export.refresh_from_db()
    return export


def zip_names(export) -> list[str]:
    with export.file.open("rb") as handle:
        return zipfile.ZipFile(io.BytesIO(handle.read())).namelist()


def test_session_export_holds_one_record_per_decision(
    decision, second_decision, coordinator, django_capture_on_commit_callbacks
):
    export = export_session(coordinator, decision.item.session, django_capture_on_commit_callbacks)
    assert export.status == ExportStatus.DONE
    assert export.total == 2
    assert export.done_count == export.total
    names = zip_names(export)
    assert len(names) == 2 and all(name.endswith(".pdf") for name in names)
    # The missing record of the second decision was made on the way.
    assert second_decision.records.count() == 1
    with export.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == export.sha256
    assert "Jansen" not in export.file.name


def test_session_export_holds_only_the_current_decision_after_a_correction(
    decision, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        correction = correct_decision(
            coordinator, decision, reasoning="Gecorrigeerd.", reason="Schrijffout.",
        )
    export = export_session(coordinator, decision.item.session, django_capture_on_commit_callbacks)
    assert export.total == 1
    [name] = zip_names(export)
    assert f"-besluit-{correction.pk}-" in name


def test_finished_session_export_is_not_rebuilt(
    decision, coordinator, django_capture_on_commit_callbacks
):
    export = export_session(coordinator, decision.item.session, django_capture_on_commit_callbacks)
    again = build_session_export(export)
    assert (again.file.name, again.sha256) == (export.file.name, export.sha256)


def test_only_the_coordinator_requests_a_session_export(decision, members, outsider):
    for user in (members["gemeente"], outsider):
        with pytest.raises(RuleViolation):
            request_session_export(user, decision.item.session)
    assert not decision.item.session.exports.exists()


def test_session_without_decisions_cannot_be_exported(item, coordinator):
    with pytest.raises(RuleViolation, match="geen besluiten"):
        request_session_export(coordinator, item.session)


# -- the hand-over to the casusoverleg ---------------------------------------------------


def test_handover_holds_signal_assessment_decision_and_votes(decision, members):
    data = handover_json(decision)
    assert data["signal"]["reference"] == decision.signal.reference
    assert data["person"]["surname"] == "Jansen"
    assert data["person"]["date_of_birth"] == "2004-05-17"
    assert [c["number"] for c in data["assessment"]["criteria"]] == [1, 2, 3, 4, 5]
    assert data["assessment"]["conclusion"] == "Zorgen over geweldsbereidheid; bespreken."
    assert data["decision"]["outcome"]["code"] == Outcome.CASUSOVERLEG
    assert {p["code"] for p in data["decision"]["invited_parties"]} == {"zorg_ggz", "reclassering"}
    assert {v["partner"] for v in data["votes"]} == {m.partner.name for m in members.values()}
    assert {v["motivation"] for v in data["votes"]} == set(MOTIVATIONS.values())


def test_handover_holds_no_reporter_identity(decision):
    content = handover_zip(decision)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert sorted(archive.namelist()) == ["besluitverslag-v1.pdf", "overdracht.json"]
    data = json.loads(archive.read("overdracht.json"))
    assert data == {**handover_json(decision), "created_at": data["created_at"]}
    text = json.dumps(data, ensure_ascii=False) + pdf_text(archive.read("besluitverslag-v1.pdf"))
    for value in REPORTER.values():
        assert value not in text


def test_the_handover_right_after_the_vote_waits_for_the_record_and_never_renders_it(
    item, members, login, monkeypatch, django_capture_on_commit_callbacks
):
    """Issue 16 point 5: rendering a record takes seconds, so the hand-over request never
    does it. Before the record task has run, the page says the record is being made (and
    asks for it in the background); once it has run, the download is there."""
    from django.urls import reverse

    from weegploeg import records

    decision = decide(item, members)  # its record task is scheduled on commit, not yet run
    rendered = []

    def rendering_in_the_request(*args, **kwargs):
        rendered.append(args)
        raise AssertionError("het besluitverslag werd in het verzoek gemaakt")

    monkeypatch.setattr(records, "render_decision_record", rendering_in_the_request)
    client = login(members["om"])
    url = reverse("weegploeg:handover", args=[decision.pk])
    with django_capture_on_commit_callbacks() as asked:
        response = client.get(url, follow=True)
    assert rendered == []
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    page = response.content.decode()
    assert "Het besluitverslag wordt gemaakt" in page
    assert f'href="{url}"' not in page  # no download link yet
    assert '<meta http-equiv="refresh"' in page
    # Reloading the waiting page asks for nothing more.
    with django_capture_on_commit_callbacks() as asked_again:
        assert "wordt gemaakt" in client.get(f"{url}?wachten=1").content.decode()
    assert asked_again == []
    assert not decision.records.exists()
    # The record task that the hand-over asked for runs (in the background, as a worker would).
    monkeypatch.undo()
    for task in asked:
        task()
    assert decision.records.count() == 1
    page = client.get(f"{url}?wachten=1").content.decode()
    assert f'href="{url}"' in page and '<meta http-equiv="refresh"' not in page
    response = client.get(url)
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == ["besluitverslag-v1.pdf", "overdracht.json"]


def test_handover_of_geen_casusoverleg_decision_is_refused(item, members):
    decision = decide(item, members, Outcome.NO_CASUSOVERLEG)
    with pytest.raises(RuleViolation, match="alleen bij een besluit tot casusoverleg"):
        handover_zip(decision)
    with pytest.raises(RuleViolation, match="alleen bij een besluit tot casusoverleg"):
        handover_ready(decision)
    assert not decision.records.exists()


# -- a stored record that was altered is never served (issue 15) --------------------------


def tamper(record: DecisionRecord) -> bytes:
    path = Path(record.file.path)
    altered = path.read_bytes().replace(b"%PDF", b"%PDF", 1) + b"\n% gewijzigd\n"
    path.write_bytes(altered)
    return altered


def test_a_tampered_record_is_refused_for_download_with_a_message_and_an_audit_entry(
    decision, members, login
):
    from django.urls import reverse

    from pga.models import AuditEntry

    record = decision.records.get()
    altered = tamper(record)
    client = login(members["om"])
    response = client.get(reverse("weegploeg:record", args=[record.pk]))
    assert response.status_code == 302
    assert altered not in response.content
    page = client.get(response["Location"])
    assert "controlesom klopt niet" in page.content.decode()
    refusal = AuditEntry.objects.get(actor=members["om"], object_pk=str(record.pk),
                                     content_type__model="decisionrecord")
    assert refusal.additional_data == {"geweigerd": "controlesom van het bestand klopt niet"}
    assert refusal.weegploeg_id == decision.signal.weegploeg_id


def test_an_intact_record_is_downloaded(decision, members, login):
    from django.urls import reverse

    record = decision.records.get()
    response = login(members["om"]).get(reverse("weegploeg:record", args=[record.pk]))
    assert response.status_code == 200
    assert hashlib.sha256(response.content).hexdigest() == record.sha256


def test_a_tampered_record_stops_the_handover_with_a_message_not_a_500(
    decision, members, login
):
    from django.urls import reverse

    tamper(decision.records.get())
    with pytest.raises(RuleViolation, match="controlesom klopt niet"):
        handover_zip(decision)
    client = login(members["om"])
    response = client.get(reverse("weegploeg:handover", args=[decision.pk]))
    assert response.status_code == 302
    assert "controlesom klopt niet" in client.get(response["Location"]).content.decode()
