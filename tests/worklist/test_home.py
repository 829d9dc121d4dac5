"""Issue 18: the home page is a work list per role, each list read through its model's scope
— another weegploeg's work never shows."""

import datetime

from django.urls import reverse
from django.utils import timezone

from criteria.assessments import record_partner_assessment
from pga.models import AuditEntry
from tests.criteria.factories import judgements
from weegploeg.models import InformationRequest
from weegploeg.services import add_to_agenda


def home(client, login, user):
    login(user)
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def test_member_sees_signals_waiting_for_the_weging_of_their_organisation(
    client, login, signal, members
):
    record_partner_assessment(members["gemeente"], signal, judgements())
    politie = home(client, login, members["politie"])
    assert "Wacht op de weging van uw organisatie (1)" in politie
    assert signal.reference in politie
    assert reverse("criteria:partner_assessment", args=[signal.pk]) in politie
    gemeente = home(client, login, members["gemeente"])
    assert "Wacht op de weging van uw organisatie (0)" in gemeente


def test_member_sees_the_next_meeting_and_requests_to_their_organisation(
    client, login, session, signal, members, coordinator
):
    InformationRequest.objects.create(
        signal=signal, question="Wat weet de wijkagent?", assigned_partner=members["om"].partner,
        deadline=timezone.localdate() + datetime.timedelta(days=5), created_by=coordinator,
    )
    page = home(client, login, members["om"])
    assert "Volgend overleg" in page
    assert reverse("weegploeg:session", args=[session.pk]) in page
    assert "Informatieverzoeken aan uw organisatie" in page
    assert signal.reference in page


def test_coordinator_sees_items_not_ready_with_what_is_missing(
    client, login, coordinator, session, signal
):
    add_to_agenda(coordinator, session, signal)
    page = home(client, login, coordinator)
    assert "Agendapunten die nog niet klaar zijn" in page
    assert "volledige gezamenlijke weging (door weegploeglid of procesregisseur)" in page


def test_meldpunt_sees_own_registrations_and_the_read_is_audited(client, login, meldpunt,
                                                                   signal):
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    page = home(client, login, meldpunt)
    assert "Mijn registraties" in page and signal.reference in page
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == before + 1
    assert "Wacht op de weging" not in page


def test_another_weegploegs_work_never_shows(client, login, signal, outsider):
    page = home(client, login, outsider)
    assert signal.reference not in page
