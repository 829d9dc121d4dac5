"""Rule 7: the notification of the person is tracked per casusoverleg decision — notified on
a date, by whom and how, or postponed on a legal ground with a re-check date; coordinators
are reminded when a re-check is due."""

import datetime

import pytest
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from criteria.assessments import record_joint_assessment
from pga.services import RuleViolation
from retention.holds import place_hold
from retention.models import Notification, NotificationStatus
from retention.notifications import (
    open_notifications,
    record_notification,
    send_recheck_reminders,
)
from tests.criteria.factories import judgements
from tests.retention.factories import decide
from tests.signals.factories import register
from weegploeg.models import Outcome

TODAY = timezone.localdate


@pytest.fixture
def casusoverleg(meldpunt, weegploeg, coordinator, members):
    signal = register(meldpunt, weegploeg=weegploeg)
    record_joint_assessment(members["om"], signal, judgements(), "Conclusie.")
    return decide(signal, Outcome.CASUSOVERLEG, coordinator=coordinator, members=members)


def postpone(user, decision, **overrides):
    fields = {"status": NotificationStatus.POSTPONED, "ground": "strafrechtelijk_onderzoek",
              "recheck_on": TODAY() + datetime.timedelta(days=90), **overrides}
    return record_notification(user, decision, **fields)


def test_postponement_needs_a_legal_ground_and_a_recheck_date(casusoverleg, coordinator):
    with pytest.raises(RuleViolation, match="wettelijke grond") as refused:
        postpone(coordinator, casusoverleg, ground="")
    assert refused.value.field == "ground"
    with pytest.raises(RuleViolation, match="opnieuw wordt beoordeeld") as refused:
        postpone(coordinator, casusoverleg, recheck_on=None)
    assert refused.value.field == "recheck_on"
    with pytest.raises(RuleViolation, match="toekomst"):
        postpone(coordinator, casusoverleg, recheck_on=TODAY())
    assert not Notification.objects.exists()
    notification = postpone(coordinator, casusoverleg)
    assert notification.ground == "strafrechtelijk_onderzoek"


def test_another_ground_must_be_explained(casusoverleg, coordinator):
    with pytest.raises(RuleViolation, match="Licht"):
        postpone(coordinator, casusoverleg, ground="other")
    assert postpone(coordinator, casusoverleg, ground="other",
                    ground_detail="Lopend onderzoek Raad voor de Kinderbescherming.").pk


def test_the_database_refuses_a_postponement_without_ground_or_recheck(casusoverleg, coordinator):
    with pytest.raises(IntegrityError), transaction.atomic():
        Notification.objects.create(decision=casusoverleg, status="postponed",
                                    recorded_by=coordinator)


def test_notified_needs_the_date_by_whom_and_how(casusoverleg, coordinator):
    with pytest.raises(RuleViolation, match="datum"):
        record_notification(coordinator, casusoverleg, status="notified", notified_by="X",
                            method="brief")
    with pytest.raises(RuleViolation, match="door wie"):
        record_notification(coordinator, casusoverleg, status="notified",
                            notified_on=TODAY(), method="brief")
    with pytest.raises(RuleViolation, match="hoe"):
        record_notification(coordinator, casusoverleg, status="notified",
                            notified_on=TODAY(), notified_by="Procesregisseur")
    notification = record_notification(coordinator, casusoverleg, status="notified",
                                       notified_on=TODAY(), notified_by="Procesregisseur",
                                       method="gesprek")
    assert (notification.status, notification.method) == ("notified", "gesprek")


def test_a_postponed_notification_is_later_recorded_as_notified(casusoverleg, coordinator):
    postpone(coordinator, casusoverleg)
    notification = record_notification(coordinator, casusoverleg, status="notified",
                                       notified_on=TODAY(), notified_by="Burgemeester",
                                       method="brief")
    assert Notification.objects.count() == 1
    assert (notification.ground, notification.recheck_on) == ("", None)


def test_only_coordinators_of_the_weegploeg_record_a_notification(
    casusoverleg, members, outsider
):
    for user in (members["om"], outsider):
        with pytest.raises(RuleViolation, match="procesregisseur"):
            postpone(user, casusoverleg)


def test_a_notification_belongs_to_a_casusoverleg_decision(
    meldpunt, weegploeg, coordinator, members
):
    signal = register(meldpunt, weegploeg=weegploeg)
    decision = decide(signal, Outcome.NO_CASUSOVERLEG, coordinator=coordinator, members=members)
    with pytest.raises(RuleViolation):
        postpone(coordinator, decision)


def test_coordinators_are_reminded_once_when_a_recheck_is_due(
    casusoverleg, coordinator, outsider
):
    postpone(coordinator, casusoverleg)
    recheck = TODAY() + datetime.timedelta(days=90)
    assert send_recheck_reminders(recheck - datetime.timedelta(days=1)) == 0
    assert send_recheck_reminders(recheck) == 1
    assert mail.outbox[0].to == [coordinator.email]
    assert casusoverleg.signal.reference in mail.outbox[0].subject
    assert casusoverleg.signal.person.surname not in mail.outbox[0].body
    assert send_recheck_reminders(recheck + datetime.timedelta(days=1)) == 0
    # A new re-check date brings a new reminder in time.
    postpone(coordinator, casusoverleg, recheck_on=TODAY() + datetime.timedelta(days=120))
    assert send_recheck_reminders(TODAY() + datetime.timedelta(days=120)) == 1


def test_the_overview_shows_open_notifications_and_due_rechecks(
    casusoverleg, coordinator, login, outsider
):
    assert list(open_notifications(coordinator)["not_recorded"]) == [casusoverleg]
    assert not open_notifications(outsider)["not_recorded"].exists()
    postpone(coordinator, casusoverleg)
    later = TODAY() + datetime.timedelta(days=91)
    overview = open_notifications(coordinator, later)
    assert not overview["not_recorded"].exists()
    assert [n.decision for n in overview["recheck_due"]] == [casusoverleg]
    response = login(coordinator).get(reverse("retention:notifications"))
    assert casusoverleg.signal.reference in response.content.decode()


def test_the_notification_screen_records_and_refuses_others(casusoverleg, coordinator, login,
                                                            client, outsider):
    url = reverse("retention:notification", args=[casusoverleg.pk])
    client = login(coordinator)
    assert client.get(url).status_code == 200
    response = client.post(url, {"status": "postponed", "ground": "", "recheck_on": ""})
    assert response.status_code == 200
    assert "wettelijke grond" in response.content.decode()
    response = client.post(url, {"status": "postponed", "ground": "nationale_veiligheid",
                                 "recheck_on": (TODAY() + datetime.timedelta(days=30))
                                 .isoformat()})
    assert response.status_code == 302
    assert Notification.objects.get().ground == "nationale_veiligheid"
    from django.test import Client

    assert login(outsider, Client()).get(url).status_code == 404


def test_the_signal_page_shows_the_notification_and_a_hold_read_with_the_signal(
    casusoverleg, coordinator, beheerder, login
):
    """The retention section's facts (hold, notification) come with the page's read of the
    signal row: the page shows them, and the section costs no query of its own."""
    signal = casusoverleg.signal
    url = reverse("signals:detail", args=[signal.pk])
    client = login(coordinator)
    page = client.get(url).content.decode()
    assert "Notificatie van de betrokkene" not in page
    assert "juridische blokkade" not in page
    postpone(coordinator, casusoverleg)
    place_hold(beheerder, reason="Lopende procedure.", person=signal.person,
               until=TODAY() + datetime.timedelta(days=30))
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    assert "Notificatie van de betrokkene: Uitgesteld" in page
    assert (TODAY() + datetime.timedelta(days=90)).strftime("%d-%m-%Y") in page
    assert "juridische blokkade" in page
    assert not [q for q in captured.captured_queries
                if "retention_legalhold" in q["sql"] and "signals_signalgroup" not in q["sql"]]
