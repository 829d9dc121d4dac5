"""Who sees a signal (docs/design.md §3 rules 1, 2, 10; §4.2 authorisation)."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from pga.models import AuditEntry, Role
from signals.models import Signal, SignalStatus
from signals.services import add_contribution, transfer_signal, withdraw_signal
from tests.factories import legal_ground
from tests.signals.factories import person_fields, register, search_queue

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


def pdf(name="verslag.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def test_politie_member_of_other_weegploeg_gets_404_on_signal_and_attachment(
    client, login, meldpunt, weegploeg, outsider
):
    signal = register(meldpunt, weegploeg=weegploeg, attachments=[(pdf(), "application/pdf")])
    attachment = signal.attachments.get()
    login(outsider)
    for url in [
        reverse("signals:detail", args=[signal.pk]),
        reverse("signals:attachment", args=[signal.pk, attachment.pk]),
        reverse("signals:edit", args=[signal.pk]),
        reverse("signals:identity", args=[signal.pk]),
        reverse("signals:contribute", args=[signal.pk]),
        reverse("signals:withdraw", args=[signal.pk]),
        reverse("signals:transfer", args=[signal.pk]),
        reverse("signals:attachment_add", args=[signal.pk]),
    ]:
        assert client.get(url).status_code == 404, url


def test_other_weegploeg_never_sees_the_signal_in_queue_search_or_counts(
    client, login, meldpunt, weegploeg, outsider
):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(outsider)
    for params in [{}, {"q": signal.reference}, {"q": "Jansen"}, {"status": "registered"}]:
        response = (search_queue(client, **params) if "q" in params
                    else client.get(reverse("signals:queue"), params))
        assert response.status_code == 200
        assert response.context["page"].paginator.count == 0
        assert reverse("signals:detail", args=[signal.pk]) not in response.content.decode()


def test_all_three_partners_of_the_weegploeg_see_a_signal_the_meldpunt_registered(
    meldpunt, weegploeg, members
):
    signal = register(meldpunt, weegploeg=weegploeg)
    for member in members.values():
        assert list(Signal.objects.visible_to(member, "signals.view_dossier")) == [signal]


def test_registering_meldpunt_sees_its_own_registration(client, login, meldpunt, weegploeg):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(meldpunt)
    response = client.get(reverse("signals:mine"))
    assert signal.reference in response.content.decode()
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 200


def test_meldpunt_of_another_partner_does_not_see_the_registration(
    client, login, meldpunt, weegploeg, other_weegploeg, make_user
):
    signal = register(meldpunt, weegploeg=weegploeg)
    stranger = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    login(stranger)
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404


def test_signal_about_a_resident_of_another_weegploeg_goes_there(
    meldpunt, other_weegploeg, make_user
):
    signal = register(meldpunt, person=person_fields(municipality=other_weegploeg.gemeente))
    assert signal.weegploeg == other_weegploeg
    there = make_user(other_weegploeg.om, Role.MEMBER)
    assert list(Signal.objects.visible_to(there, "signals.view_dossier")) == [signal]
    # The registrar from outside that weegploeg keeps only the receipt: not the registration,
    # and so not the person record it landed on.
    assert not Signal.objects.visible_to(meldpunt).exists()


def test_roles_without_intake_cannot_register(client, login, weegploeg, make_user):
    login(make_user(weegploeg.gemeente, Role.AUDITOR, Role.ADMIN))
    assert client.get(reverse("signals:register")).status_code == 403
    assert client.get(reverse("signals:queue")).status_code == 403


def test_meldpunt_has_no_weegploeg_queue(client, login, meldpunt):
    login(meldpunt)
    assert client.get(reverse("signals:queue")).status_code == 403


def test_transfer_moves_access_to_the_new_weegploeg(
    meldpunt, weegploeg, other_weegploeg, members, coordinator, make_user, client, login
):
    signal = register(meldpunt, weegploeg=weegploeg)
    transfer_signal(
        coordinator, signal, None, "Betrokkene is verhuisd.", municipality=other_weegploeg.gemeente
    )
    receiving = make_user(other_weegploeg.politie, Role.MEMBER)
    assert list(Signal.objects.visible_to(receiving, "signals.view_dossier")) == [signal]
    for member in members.values():
        assert not Signal.objects.visible_to(member).exists()
    assert not Signal.objects.visible_to(meldpunt).exists()
    # The sending side keeps a reference only.
    login(members["politie"])
    response = client.get(reverse("signals:queue"), {"status": SignalStatus.TRANSFERRED})
    assert signal.reference in response.content.decode()
    assert client.get(reverse("signals:detail", args=[signal.pk])).status_code == 404


def test_transfer_is_only_for_coordinators(client, login, meldpunt, weegploeg, members,
                                           other_weegploeg):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(members["om"])
    response = client.post(
        reverse("signals:transfer", args=[signal.pk]),
        {"to_weegploeg": other_weegploeg.pk, "reason": "verhuisd"},
    )
    assert response.status_code == 403
    signal.refresh_from_db()
    assert signal.weegploeg == weegploeg


def test_withdrawal_needs_a_reason_and_shows_it_to_all_three_partners(
    client, login, meldpunt, weegploeg, members, coordinator
):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(coordinator)
    url = reverse("signals:withdraw", args=[signal.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Dit veld is verplicht." in response.content.decode()
    signal.refresh_from_db()
    assert signal.status == SignalStatus.REGISTERED
    response = client.post(url, {"reason": "Dubbel geregistreerd; zie eerder signaal."})
    assert response.status_code == 302
    signal.refresh_from_db()
    assert signal.status == SignalStatus.WITHDRAWN
    for member in members.values():
        login(member)
        page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
        assert "Dubbel geregistreerd; zie eerder signaal." in page


def test_withdrawn_signal_takes_no_more_contributions(meldpunt, weegploeg, members, coordinator):
    import pytest

    from pga.services import RuleViolation

    signal = register(meldpunt, weegploeg=weegploeg)
    withdraw_signal(coordinator, signal, "Onterecht geregistreerd signaal.")
    with pytest.raises(RuleViolation):
        add_contribution(members["politie"], signal, {
            "source": "BVH", "information_date": signal.received_on, "content": "x",
            "visibility": "weegploeg",
            "legal_ground": legal_ground(),
        })


def test_shielded_contribution_hides_its_content_from_the_other_partners(
    client, login, meldpunt, weegploeg, members
):
    signal = register(meldpunt, weegploeg=weegploeg)
    add_contribution(members["politie"], signal, {
        "source": "Lopend opsporingsonderzoek",
        "information_date": signal.received_on,
        "content": "Geheime onderzoeksinformatie XYZ",
        "visibility": "own_partner",
        "legal_ground": legal_ground(),
    })
    login(members["politie"])
    own = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
    assert "Geheime onderzoeksinformatie XYZ" in own
    for other in (members["gemeente"], members["om"]):
        login(other)
        page = client.get(reverse("signals:detail", args=[signal.pk])).content.decode()
        assert "Geheime onderzoeksinformatie XYZ" not in page
        assert "Lopend opsporingsonderzoek" not in page
        assert "heeft afgeschermde informatie" in page


def test_attachment_is_served_as_a_download_and_the_download_is_audited(
    client, login, meldpunt, weegploeg, members
):
    signal = register(meldpunt, weegploeg=weegploeg, attachments=[(pdf(), "application/pdf")])
    attachment = signal.attachments.get()
    login(members["om"])
    response = client.get(reverse("signals:attachment", args=[signal.pk, attachment.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF
    assert AuditEntry.objects.filter(
        action=AuditEntry.Action.ACCESS, actor=members["om"], object_pk=str(attachment.pk)
    ).exists()


def test_signal_page_read_is_audited(client, login, meldpunt, weegploeg, members):
    signal = register(meldpunt, weegploeg=weegploeg)
    login(members["gemeente"])
    client.get(reverse("signals:detail", args=[signal.pk]))
    entry = AuditEntry.objects.get(
        action=AuditEntry.Action.ACCESS, actor=members["gemeente"], object_pk=str(signal.pk)
    )
    assert entry.partner == members["gemeente"].partner
    assert entry.purpose == "signaalregistratie"


def test_person_search_is_audited_without_the_query_in_clear_text(
    client, login, meldpunt, weegploeg, members
):
    register(meldpunt, weegploeg=weegploeg)
    login(members["politie"])
    search_queue(client, "Jansen")
    entry = AuditEntry.objects.get(action=AuditEntry.Action.ACCESS, actor=members["politie"])
    assert "Jansen" not in str(entry.additional_data)
    assert entry.additional_data == {"zoekopdracht": "referentie of naam"}


def test_a_signal_address_that_is_not_a_number_is_not_found(members, signal):
    """The one check of the detail views answers 404, never an error, for any key."""
    import pytest
    from django.http import Http404

    from signals.access import get_visible_signal

    assert get_visible_signal(members["om"], str(signal.pk)) == signal
    for key in ("abc", None, "1; DROP TABLE signals_signal", 10**30):
        with pytest.raises(Http404):
            get_visible_signal(members["om"], key)
