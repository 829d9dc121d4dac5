"""The inzage export in the background (issue 16 point 5): the request is audited and answers
at once; a Celery task builds the file; the requester's page shows its state and refreshes
itself without JavaScript; the file can be downloaded once by the requester only (audited),
and is gone after the download, after SUBJECT_EXPORT_KEEP_HOURS, and with the person's
data. The PDF shows Dutch dates in local time (issue 22 point 3)."""

import datetime
import io
import json
import re

import pytest
from django.core.files.storage import default_storage
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pga.audit import acting_as
from pga.models import AuditEntry, Role
from retention.purge import purge_due
from rights import services
from rights.models import SubjectAccessExport
from tests.retention.factories import due_day, withdrawn_signal
from tests.rights.exports import ask_for_export, download
from tests.signals.factories import person_fields, register
from weegploeg.models import ExportStatus

MONTHS = ["januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december"]
PURPOSE = {"purpose": "inzageverzoek", "case_number": "AVG-2026-0042"}


@pytest.fixture
def signal(meldpunt, weegploeg):
    with acting_as(meldpunt):
        return register(meldpunt, weegploeg=weegploeg,
                        person=person_fields(bsn="111222333", municipality=weegploeg.gemeente))


@pytest.fixture
def officer(signal, beheerder, login):
    """The beheerder's client, with the purpose and case number stated at the search."""
    client = login(beheerder)
    client.post(reverse("rights:subject_search"), {**PURPOSE, "bsn": "111222333"})
    return client


@pytest.fixture
def rendered(monkeypatch):
    """Counts the PDF renderings of the inzage export."""
    calls = []
    render = services.render_pdf

    def counted(*args, **kwargs):
        calls.append(args[0])
        return render(*args, **kwargs)

    monkeypatch.setattr(services, "render_pdf", counted)
    return calls


def status_page(client, export):
    return client.get(reverse("rights:subject_export_status",
                              args=[export.person_id, export.pk])).content.decode()


def pdf_text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_the_request_renders_nothing_and_a_task_builds_the_export(
    signal, officer, rendered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as scheduled:
        response = officer.post(reverse("rights:subject_export", args=[signal.person_id]),
                                {"export_format": "pdf"})
    export = SubjectAccessExport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("rights:subject_export_status",
                                           args=[signal.person_id, export.pk])
    assert rendered == []  # no PDF in the request
    assert (export.status, export.file.name) == (ExportStatus.PENDING, "")
    assert len(scheduled) == 1

    scheduled[0]()  # the commit: the task runs
    export.refresh_from_db()
    assert rendered == ["rights/subject_access.html"]
    assert export.status == ExportStatus.DONE
    assert default_storage.exists(export.file.name)
    # The stored name holds ids only.
    assert re.fullmatch(rf"inzage/{export.pk}/[0-9a-f]{{32}}\.pdf", export.file.name)


def test_the_page_shows_the_state_and_refreshes_itself_while_the_export_is_made(
    signal, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as scheduled:
        officer.post(reverse("rights:subject_export", args=[signal.person_id]),
                     {"export_format": "pdf"})
    export = SubjectAccessExport.objects.get()
    download_url = reverse("rights:subject_export_download", args=[signal.person_id, export.pk])

    waiting = status_page(officer, export)
    assert "wordt gemaakt" in waiting
    assert '<meta http-equiv="refresh" content="3">' in waiting
    assert "Vernieuwen" in waiting
    assert download_url not in waiting
    assert signal.person.surname not in waiting  # no personal data on this page

    scheduled[0]()
    ready = status_page(officer, export)
    assert download_url in ready
    assert "http-equiv" not in ready
    person_page = officer.get(reverse("rights:subject_person", args=[signal.person_id]))
    assert download_url in person_page.content.decode()

    download(officer, export, django_capture_on_commit_callbacks)
    done = status_page(officer, export)
    assert "gedownload op" in done
    assert download_url not in done


def test_a_failed_export_says_so(signal, officer, monkeypatch,
                                 django_capture_on_commit_callbacks):
    def broken(data):
        raise RuntimeError("kapot")

    monkeypatch.setitem(services.RENDERERS, "pdf", broken)
    with pytest.raises(RuntimeError), django_capture_on_commit_callbacks(execute=True):
        officer.post(reverse("rights:subject_export", args=[signal.person_id]),
                     {"export_format": "pdf"})
    export = SubjectAccessExport.objects.get()
    assert export.status == ExportStatus.FAILED
    assert "mislukt" in status_page(officer, export)
    assert export.file.name == ""


def test_only_the_requester_reaches_the_export(
    signal, officer, auditor, other_weegploeg, make_user, login,
    django_capture_on_commit_callbacks
):
    ask_for_export(officer, signal.person_id, "json", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    urls = [reverse("rights:subject_export_status", args=[signal.person_id, export.pk]),
            reverse("rights:subject_export_download", args=[signal.person_id, export.pk])]
    stranger = make_user(other_weegploeg.gemeente, Role.ADMIN)
    # The FG of the same partner, and the beheerder of another weegploeg: it does not exist.
    for user in (auditor, stranger):
        client = login(user, Client())
        for url in urls:
            assert client.get(url).status_code == 404, (user, url)
    assert officer.get(urls[0]).status_code == 200
    export.refresh_from_db()
    assert export.downloaded_at is None


def test_the_file_is_gone_after_the_download(signal, officer,
                                             django_capture_on_commit_callbacks):
    ask_for_export(officer, signal.person_id, "json", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    name = export.file.name
    response = download(officer, export, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert json.loads(response.content)["person"]["bsn"] == "111222333"
    assert f"inzage-betrokkene-{signal.person_id}-{export.pk}.json" in (
        response["Content-Disposition"])
    assert not default_storage.exists(name)
    export.refresh_from_db()
    assert export.file.name == "" and export.file_removed_at is not None

    again = download(officer, export, django_capture_on_commit_callbacks)
    assert again.status_code == 302  # back to its page, which says it was downloaded


def test_a_file_nobody_downloads_is_gone_after_the_term(
    signal, officer, settings, django_capture_on_commit_callbacks
):
    settings.SUBJECT_EXPORT_KEEP_HOURS = 24
    ask_for_export(officer, signal.person_id, "pdf", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    now = timezone.now()
    assert services.remove_expired_subject_exports(now + datetime.timedelta(hours=23)) == 0
    assert default_storage.exists(export.file.name)
    assert services.remove_expired_subject_exports(now + datetime.timedelta(hours=25)) == 1
    assert not default_storage.exists(export.file.name)
    assert "verlopen" in status_page(officer, export)
    assert download(officer, export, django_capture_on_commit_callbacks).status_code == 302


def test_the_export_goes_with_the_persons_data_when_purged(
    meldpunt, weegploeg, coordinator, beheerder, django_capture_on_commit_callbacks
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_subject_export(beheerder, signal.person, export_format="pdf",
                                                 **PURPOSE)
    export.refresh_from_db()
    name = export.file.name
    assert default_storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        purge_due(due_day(signal, 30), synchronous=True)
    assert not SubjectAccessExport.objects.exists()
    assert not default_storage.exists(name)


def test_the_export_goes_when_one_of_the_persons_signals_is_purged(
    meldpunt, weegploeg, coordinator, beheerder, django_capture_on_commit_callbacks
):
    """The person stays (another signal is still kept), but the export shows the purged
    signal's data: it goes too."""
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator, bsn="111222333")
    kept = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        bsn="111222333", municipality=weegploeg.gemeente))
    assert kept.person_id == signal.person_id
    with django_capture_on_commit_callbacks(execute=True):
        export = services.request_subject_export(beheerder, signal.person, export_format="json",
                                                 **PURPOSE)
    export.refresh_from_db()
    name = export.file.name
    with django_capture_on_commit_callbacks(execute=True):
        purge_due(due_day(signal, 30), synchronous=True)
    kept.person.refresh_from_db()
    assert not SubjectAccessExport.objects.exists()
    assert not default_storage.exists(name)


def test_the_request_and_the_download_are_audited_without_personal_data(
    signal, officer, beheerder, django_capture_on_commit_callbacks
):
    last = AuditEntry.objects.latest("pk").pk
    ask_for_export(officer, signal.person_id, "pdf", django_capture_on_commit_callbacks,
                   melder=True)
    export = SubjectAccessExport.objects.get()
    download(officer, export, django_capture_on_commit_callbacks)
    reads = AuditEntry.objects.filter(pk__gt=last, action=AuditEntry.Action.ACCESS,
                                      content_type__model="person").order_by("pk")
    request, downloaded = [e for e in reads if "export" in e.additional_data or
                           "download" in e.additional_data]
    assert request.additional_data == {"export": "pdf", "doel": "inzageverzoek",
                                       "kenmerk": "AVG-2026-0042", "melder_opgenomen": True}
    assert downloaded.additional_data == {"download": "pdf", "inzage-export": export.pk,
                                          "doel": "inzageverzoek", "kenmerk": "AVG-2026-0042",
                                          "melder_opgenomen": True}
    for entry in (request, downloaded):
        assert (entry.actor, entry.object_pk) == (beheerder, str(signal.person_id))
        assert entry.purpose == "rechten_betrokkene"
        assert "Jansen" not in json.dumps(entry.additional_data) + entry.object_repr
    # The export's own row is written to the log as any domain object (auditlog).
    assert AuditEntry.objects.filter(pk__gt=last, action=AuditEntry.Action.CREATE,
                                     content_type__model="subjectaccessexport").exists()


def test_the_pdf_shows_dutch_dates_in_local_time(
    signal, officer, django_capture_on_commit_callbacks
):
    from freezegun import freeze_time

    # 22:30 UTC on 1 July is 00:30 on 2 July in Amsterdam (summer time).
    with freeze_time("2026-07-01 22:30:00"):
        ask_for_export(officer, signal.person_id, "pdf", django_capture_on_commit_callbacks)
    export = SubjectAccessExport.objects.get()
    text = pdf_text(download(officer, export, django_capture_on_commit_callbacks).content)
    assert "2 juli 2026, 00:30" in text
    # Every date in Dutch words: no ISO date or timestamp, no UTC offset.
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), text
    assert "+00:00" not in text and "UTC" not in text
    received = signal.received_on
    assert f"{received.day} {MONTHS[received.month - 1]} {received.year}" in text


def test_the_json_keeps_iso_8601(signal, officer, django_capture_on_commit_callbacks):
    ask_for_export(officer, signal.person_id, "json", django_capture_on_commit_callbacks)
    data = json.loads(download(officer, SubjectAccessExport.objects.get(),
                               django_capture_on_commit_callbacks).content)
    assert data["signals"][0]["received_on"] == signal.received_on.isoformat()
    assert datetime.datetime.fromisoformat(data["created_at"]).utcoffset() is not None


def test_an_export_needs_a_stated_purpose_and_a_format(signal, beheerder, login):
    client = login(beheerder)
    url = reverse("rights:subject_export", args=[signal.person_id])
    assert client.post(url, {"export_format": "pdf"})["Location"] == reverse(
        "rights:subject_search")
    client.post(reverse("rights:subject_search"), {**PURPOSE, "bsn": "111222333"})
    assert client.post(url, {"export_format": "exe"})["Location"] == reverse(
        "rights:subject_person", args=[signal.person_id])
    assert client.get(url).status_code == 405
    assert not SubjectAccessExport.objects.exists()
