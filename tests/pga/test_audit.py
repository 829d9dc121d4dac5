"""Audit plumbing: writes carry actor, partner and purpose; reads are recorded; the auditor's
screen filters, pages and exports, and the export is itself recorded."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import reverse

from pga.audit import acting_as, client_ip, record_access
from pga.models import AuditEntry, Partner, ProcessingActivity, Role, User
from tests.factories import PartnerFactory


def test_model_write_through_a_request_is_audited_with_actor_and_partner(
    client, login, beheerder, make_user
):
    colleague = make_user(beheerder.partner, Role.MEMBER)
    colleague.full_name = "Naam Oud"
    colleague.save()
    login(beheerder)
    response = client.post(
        reverse("beheer:pga_user_change", args=[colleague.pk]),
        {"email": colleague.email, "full_name": "Naam Nieuw", "is_active": "on",
         "roles": [Role.MEMBER]},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(User),
        object_pk=str(colleague.pk),
        action=AuditEntry.Action.UPDATE,
        actor=beheerder,
        changes__has_key="full_name",
    )
    assert entry.partner == beheerder.partner
    assert entry.purpose == ProcessingActivity.MANAGEMENT
    assert entry.changes["full_name"] == ["Naam Oud", "Naam Nieuw"]


def test_record_access_writes_an_access_entry_with_actor_partner_and_purpose(auditor):
    partner = PartnerFactory()
    entry = record_access(auditor, partner, purpose=ProcessingActivity.SUPERVISION)
    entry.refresh_from_db()
    assert entry.action == AuditEntry.Action.ACCESS
    assert entry.actor == auditor
    assert entry.partner == auditor.partner
    assert entry.purpose == ProcessingActivity.SUPERVISION
    assert entry.object_pk == str(partner.pk)


def test_record_access_for_a_search_names_the_model_not_the_query(auditor):
    entry = record_access(auditor, model=Partner, detail={"zoekopdracht": "naam"})
    assert entry.object_pk == ""
    assert entry.content_type == ContentType.objects.get_for_model(Partner)
    assert entry.additional_data == {"zoekopdracht": "naam"}


def test_writes_in_a_task_are_attributed_with_acting_as(beheerder):
    with acting_as(beheerder, ProcessingActivity.RETENTION):
        partner = PartnerFactory()
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Partner), object_pk=str(partner.pk)
    )
    assert entry.actor == beheerder
    assert entry.purpose == ProcessingActivity.RETENTION


def test_the_actor_of_a_request_does_not_stick_to_later_writes(client, login, beheerder):
    login(beheerder)
    client.get(reverse("home"))
    partner = PartnerFactory()
    entry = AuditEntry.objects.get(
        content_type=ContentType.objects.get_for_model(Partner), object_pk=str(partner.pk)
    )
    assert entry.actor is None


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),
        (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"),
        (1, "", "10.0.0.1"),
        (2, "6.6.6.6, 192.0.2.7, 10.0.0.9", "192.0.2.7"),
    ],
)
def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies(
    settings, proxies, forwarded, expected
):
    settings.TRUSTED_PROXY_COUNT = proxies
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


def test_only_the_auditor_reads_the_audit_log(client, login, weegploeg, make_user):
    login(make_user(weegploeg.politie, Role.MEMBER, Role.COORDINATOR, Role.ADMIN))
    assert client.get(reverse("audit:log")).status_code == 403
    assert client.get(reverse("audit:export")).status_code == 403


def test_auditor_screen_filters_by_user_and_action_and_pages(client, login, auditor, beheerder):
    with acting_as(beheerder):
        for n in range(60):
            PartnerFactory(name=f"Gefilterde partner {n}")
    login(auditor)
    url = reverse("audit:log")
    partner_type = ContentType.objects.get_for_model(Partner).pk
    filters = {
        "actor": beheerder.pk, "action": AuditEntry.Action.CREATE, "content_type": partner_type
    }
    response = client.get(url, filters)
    assert response.status_code == 200
    page = response.context["page"]
    assert page.paginator.count == 60
    assert len(page.object_list) == 50
    assert all(entry.actor == beheerder for entry in page.object_list)
    second = client.get(url, {**filters, "pagina": 2})
    assert len(second.context["page"].object_list) == 10


def test_auditor_finds_an_object_number_under_every_type_or_under_the_chosen_one(
    client, login, auditor, beheerder
):
    from pga.models import User

    with acting_as(beheerder):
        partner = PartnerFactory(name="Partner met nummer")
    number = str(partner.pk)
    AuditEntry.objects.create(
        content_type=ContentType.objects.get_for_model(User), object_pk=number,
        object_repr="gebruiker", action=AuditEntry.Action.ACCESS,
        purpose=ProcessingActivity.MANAGEMENT, partner=auditor.partner)  # the FG's scope
    login(auditor)
    url = reverse("audit:log")
    found = client.get(url, {"object_pk": number}).context["page"].object_list
    assert {e.object_pk for e in found} == {number}
    assert {(e.content_type.model_class(), e.action) for e in found} >= {
        (Partner, AuditEntry.Action.CREATE), (User, AuditEntry.Action.ACCESS)}
    partner_type = ContentType.objects.get_for_model(Partner).pk
    chosen = client.get(url, {"object_pk": number, "content_type": partner_type})
    assert {e.content_type.model_class() for e in chosen.context["page"].object_list} == {
        Partner}


def test_auditor_filter_with_bad_dates_gives_a_dutch_error(client, login, auditor):
    login(auditor)
    response = client.get(
        reverse("audit:log"), {"date_from": "2026-05-01", "date_to": "2026-04-01"}
    )
    assert response.status_code == 200
    assert "De einddatum ligt vóór de begindatum." in response.content.decode()
    response = client.get(reverse("audit:log"), {"date_from": "gisteren"})
    assert "Voer een geldige datum in." in response.content.decode()


def test_reading_the_audit_log_is_itself_recorded(client, login, auditor):
    login(auditor)
    client.get(reverse("audit:log"))
    assert AuditEntry.objects.filter(
        actor=auditor,
        action=AuditEntry.Action.ACCESS,
        purpose=ProcessingActivity.SUPERVISION,
        content_type=ContentType.objects.get_for_model(AuditEntry),
    ).exists()


def test_csv_export_holds_the_filtered_entries_and_is_audited(client, login, auditor, beheerder):
    with acting_as(beheerder):
        PartnerFactory(name="In de export")
    login(auditor)
    response = client.get(reverse("audit:export"), {"actor": beheerder.pk})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    body = b"".join(response.streaming_content).decode()
    assert "In de export" in body
    assert body.splitlines()[0].startswith("tijdstip,gebruiker,partner")
    export = AuditEntry.objects.get(actor=auditor, additional_data__export="csv")
    assert export.additional_data["filters"] == ["actor"]


def test_auditor_filters_by_person_across_their_signals(client, login, auditor, meldpunt,
                                                        weegploeg, members):
    from tests.signals.factories import person_fields, register

    first = register(meldpunt, weegploeg=weegploeg)
    other = register(meldpunt, weegploeg=weegploeg, person=person_fields(surname="Anders"))
    login(members["om"])
    client.get(f"/signalen/{first.pk}/")
    client.get(f"/signalen/{other.pk}/")
    login(auditor)
    response = client.get(reverse("audit:log"), {"person": first.person_id})
    entries = list(response.context["page"].object_list)
    assert any(e.action == AuditEntry.Action.ACCESS and e.object_pk == str(first.pk)
               for e in entries)
    assert all(e.object_pk != str(other.pk) for e in entries)
    assert any(e.object_pk == str(first.person_id) for e in entries)
