"""Rule 5: nadere duiding creates information requests with deadlines; reminders two days
before and when overdue; the signal is ready for the agenda when all are answered or overdue."""

import datetime

import pytest
from django.core import mail
from freezegun import freeze_time

from pga.services import RuleViolation
from signals.models import Contribution, SignalStatus
from tests.factories import legal_ground
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome
from weegploeg.services import answer_information_request, request_information
from weegploeg.tasks import send_information_request_reminders

START = datetime.date(2026, 11, 2)


@pytest.fixture
def more_information(item, members):
    with freeze_time(START):
        for member in members.values():
            vote(member, item, Outcome.MORE_INFORMATION, "Eerst meer weten over school.")
    item.signal.refresh_from_db()
    return item.signal


@pytest.fixture
def info_request(more_information, coordinator, weegploeg):
    with freeze_time(START):
        return request_information(
            coordinator, more_information, question="Wat weet de school over verzuim?",
            partner=weegploeg.politie, deadline=START + datetime.timedelta(days=10),
            legal_ground=legal_ground(),
        )


def test_unanimous_nadere_duiding_puts_the_signal_in_more_information(more_information):
    assert more_information.status == SignalStatus.MORE_INFORMATION


def test_reminder_fires_two_days_before_the_deadline_and_once_when_overdue(
    info_request, members, weegploeg
):
    deadline = info_request.deadline
    politie_member = members["politie"].email
    for day in range(0, 15):
        today = START + datetime.timedelta(days=day)
        with freeze_time(today):
            mail.outbox.clear()
            send_information_request_reminders()
            recipients = [m.to[0] for m in mail.outbox]
            if today == deadline - datetime.timedelta(days=2):
                assert recipients == [politie_member], today
                assert "Herinnering" in mail.outbox[0].subject
            elif today == deadline + datetime.timedelta(days=1):
                assert recipients == [politie_member], today
                assert "Verlopen" in mail.outbox[0].subject
            else:
                assert recipients == [], today


def test_overdue_request_makes_the_signal_ready_for_the_agenda(info_request):
    with freeze_time(info_request.deadline + datetime.timedelta(days=1)):
        send_information_request_reminders()
    info_request.signal.refresh_from_db()
    assert info_request.signal.status == SignalStatus.IN_PREPARATION


def test_answer_becomes_a_contribution_and_the_signal_is_ready(info_request, members):
    with freeze_time(START + datetime.timedelta(days=3)):
        answer_information_request(
            members["politie"], info_request, content="Verzuim sinds september.",
            source="Leerplicht", information_date=START, visibility="weegploeg",
            legal_ground=legal_ground(),
        )
    info_request.refresh_from_db()
    assert Contribution.objects.get(pk=info_request.answer_id).content == (
        "Verzuim sinds september."
    )
    info_request.signal.refresh_from_db()
    assert info_request.signal.status == SignalStatus.IN_PREPARATION


def test_only_the_assigned_partner_answers(info_request, members):
    with pytest.raises(RuleViolation):
        answer_information_request(
            members["om"], info_request, content="x", source="y", information_date=START,
            visibility="weegploeg", legal_ground=legal_ground(),
        )


def test_request_deadline_must_lie_ahead(more_information, coordinator, weegploeg):
    with freeze_time(START), pytest.raises(RuleViolation, match="toekomst"):
        request_information(coordinator, more_information, question="?",
                            partner=weegploeg.om, deadline=START, legal_ground=legal_ground())
