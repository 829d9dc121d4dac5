"""The person's rights: the functioneel beheerder or the FG finds the person (audited, with
purpose, without the query in clear text) and exports everything held about them with who
accessed it when, the reporter's identity withheld by default; rectification and erasure
requests are recorded with their handling."""

import io
import json

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from pga.audit import acting_as
from pga.models import AuditEntry
from pga.services import RuleViolation
from retention.models import SubjectRequest
from retention.purge import purge_due
from rights.services import handle_request, record_request, search_persons
from tests.factories import legal_ground
from tests.retention.factories import due_day, withdrawn_signal
from tests.rights.exports import export_and_download
from tests.signals.factories import person_fields, register

REPORTER = "Petra Meldster"
PURPOSE = {"purpose": "inzageverzoek", "case_number": "AVG-2026-0042"}


@pytest.fixture
def signal(meldpunt, weegploeg):
    with acting_as(meldpunt):
        return register(meldpunt, weegploeg=weegploeg, reporter_name=REPORTER,
                        reporter_contact="p.meldster@school.example",
                        person=person_fields(bsn="111222333", municipality=weegploeg.gemeente))


def search(client, **fields):
    return client.post(reverse("rights:subject_search"), {**PURPOSE, **fields})


def test_the_search_is_audited_with_purpose_never_the_query_nor_a_hash_of_it(
    signal, auditor, login
):
    client = login(auditor)
    response = search(client, name="Jansen")
    assert response.status_code == 200
    assert "Jan Jansen" in response.content.decode()
    entry = AuditEntry.objects.filter(actor=auditor, action=AuditEntry.Action.ACCESS,
                                      content_type__model="person").latest("pk")
    assert entry.purpose == "rechten_betrokkene"
    assert entry.additional_data["doel"] == "inzageverzoek"
    assert entry.additional_data["kenmerk"] == "AVG-2026-0042"
    assert entry.additional_data["zoekopdracht"] == "naam"
    # Only what was done: a keyed hash of the query would outlive the person (issue 15).
    assert set(entry.additional_data) == {"zoekopdracht", "doel", "kenmerk"}
    assert "jansen" not in json.dumps(entry.additional_data).casefold()


def test_a_search_needs_purpose_and_case_number(signal, beheerder):
    with pytest.raises(RuleViolation, match="doel"):
        search_persons(beheerder, purpose="", case_number="X", bsn="111222333")
    with pytest.raises(RuleViolation, match="kenmerk"):
        search_persons(beheerder, purpose="inzageverzoek", case_number=" ", bsn="111222333")
    found = search_persons(beheerder, bsn="111222333", **PURPOSE)
    assert [p.pk for p in found] == [signal.person_id]


def test_the_person_page_needs_a_stated_purpose(signal, auditor, login):
    client = login(auditor)
    url = reverse("rights:subject_person", args=[signal.person_id])
    assert client.get(url).status_code == 302
    search(client, bsn="111222333")
    response = client.get(url)
    assert response.status_code == 200
    assert signal.reference in response.content.decode()


def test_the_export_withholds_the_reporter_unless_included(
    signal, members, auditor, login, django_capture_on_commit_callbacks
):
    with acting_as(members["om"]):
        from pga.audit import record_access

        record_access(members["om"], signal)
    client = login(auditor)
    search(client, bsn="111222333")
    capture = django_capture_on_commit_callbacks
    data = json.loads(export_and_download(client, signal.person_id, "json", capture).content)
    assert data["person"]["bsn"] == "111222333"
    exported = data["signals"][0]
    assert exported["description"] == signal.description
    assert exported["reporter"]["withheld"] is True
    assert REPORTER not in json.dumps(data)
    assert "p.meldster" not in json.dumps(data)
    # Who processed the data when: the registration and the OM member's read.
    log = data["access_log"]
    assert any(e["by"] == meldpunt_name(signal) and e["action"] == "aangemaakt" for e in log)
    assert any(e["by"] == members["om"].full_name and e["action"] == "ingezien" for e in log)

    included = json.loads(export_and_download(client, signal.person_id, "json", capture,
                                              melder=True).content)
    assert included["signals"][0]["reporter"]["name"] == REPORTER
    exports = AuditEntry.objects.filter(actor=auditor, content_type__model="person",
                                        additional_data__export="json")
    assert [e.additional_data["melder_opgenomen"] for e in exports.order_by("pk")] == [
        False, True]


def meldpunt_name(signal):
    return signal.registered_by.full_name


def test_the_pdf_export_holds_the_data_without_the_reporter(
    signal, beheerder, login, django_capture_on_commit_callbacks
):
    client = login(beheerder)
    search(client, bsn="111222333")
    response = export_and_download(client, signal.person_id, "pdf",
                                   django_capture_on_commit_callbacks)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Jansen" in text
    assert signal.reference in text
    assert REPORTER not in text
    assert "niet opgenomen" in text


def test_rectification_and_erasure_requests_are_recorded_with_their_handling(
    signal, beheerder, login
):
    client = login(beheerder)
    search(client, bsn="111222333")
    url = reverse("rights:subject_person", args=[signal.person_id])
    response = client.post(url, {"kind": "rectificatie", "case_number": "AVG-7",
                                 "received_on": timezone.localdate().isoformat(),
                                 "request_text": "Geboortedatum klopt niet."})
    assert response.status_code == 302
    request = SubjectRequest.objects.get()
    assert (request.kind, request.status, request.recorded_by) == ("rectificatie", "open",
                                                                    beheerder)
    with pytest.raises(RuleViolation, match="afhandeling"):
        handle_request(beheerder, request, status="toegewezen", handling=" ")
    response = client.post(reverse("rights:subject_request",
                                   args=[signal.person_id, request.pk]),
                           {f"verzoek-{request.pk}-status": "toegewezen",
                            f"verzoek-{request.pk}-handling": "Gecorrigeerd in het dossier."})
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.status, request.handled_by) == ("toegewezen", beheerder)
    assert request.handled_on == timezone.localdate()


def test_requests_stay_without_their_texts_when_the_person_is_purged(
    meldpunt, weegploeg, coordinator, beheerder
):
    signal = withdrawn_signal(meldpunt, weegploeg, coordinator)
    request = record_request(beheerder, signal.person, kind="verwijdering", case_number="AVG-9",
                             received_on=timezone.localdate(),
                             request_text="Verwijder alles over Jan Jansen.")
    handle_request(beheerder, request, status="toegewezen", handling="Jansen: termijn loopt.")
    purge_due(due_day(signal, 30), synchronous=True)
    request.refresh_from_db()
    assert request.person is None
    assert "Jansen" not in request.request_text + request.handling
    assert (request.kind, request.status, request.case_number) == ("verwijdering",
                                                                    "toegewezen", "AVG-9")


def test_only_the_beheerder_and_the_fg_handle_the_persons_rights(signal, coordinator, members):
    for user in (coordinator, members["om"]):
        with pytest.raises(RuleViolation):
            search_persons(user, bsn="111222333", **PURPOSE)
        with pytest.raises(RuleViolation):
            record_request(user, signal.person, kind="inzage", case_number="X",
                           received_on=timezone.localdate())


def test_the_officer_of_another_weegploeg_finds_nobody_of_this_one(
    signal, weegploeg, other_weegploeg, make_user, login
):
    from pga.models import Role

    stranger = make_user(other_weegploeg.gemeente, Role.AUDITOR)
    client = login(stranger)
    response = search(client, bsn="111222333")
    assert "Jan Jansen" not in response.content.decode()
    assert client.get(reverse("rights:subject_person",
                              args=[signal.person_id])).status_code == 404
    assert client.post(reverse("rights:subject_export", args=[signal.person_id]),
                       {"export_format": "json"}).status_code == 404
    with pytest.raises(RuleViolation, match="weegploeg"):
        record_request(stranger, signal.person, kind="inzage", case_number="X",
                       received_on=timezone.localdate())


def test_shielded_information_stays_with_its_partner_in_the_export(
    signal, members, weegploeg, make_user, login, django_capture_on_commit_callbacks
):
    from pga.models import Role
    from signals.services import add_contribution

    add_contribution(members["politie"], signal, {
        "source": "BVH", "information_date": timezone.localdate(),
        "content": "Lopend opsporingsonderzoek naar wapenbezit.", "visibility": "own_partner",
        "legal_ground": legal_ground()})
    exports = {}
    for partner in ("gemeente", "politie"):
        officer = make_user(getattr(weegploeg, partner), Role.AUDITOR)
        from django.test import Client

        client = login(officer, Client())
        search(client, bsn="111222333")
        exports[partner] = export_and_download(client, signal.person_id, "json",
                                               django_capture_on_commit_callbacks
                                               ).content.decode()
    assert "wapenbezit" not in exports["gemeente"]
    shielded = json.loads(exports["gemeente"])["signals"][0]["contributions"][0]
    assert shielded["shielded"] is True
    assert shielded["partner"] == weegploeg.politie.name
    # The partner that shielded it answers for its own information.
    assert "wapenbezit" in exports["politie"]
