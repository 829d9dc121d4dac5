"""Messages to reporters whose task was lost (issue 21 follow-up): the task is sent after the
commit and is gone when the broker is down, so the referral keeps showing "nog niet
verstuurd". A periodic sweep sends every message that is due and not recorded as sent — once:
the row is locked, and the message is recorded only after it went out.

In these tests no on-commit callback runs unless captured: the task of an accept, decline or
decision is lost, as with a broker that is down."""

import pytest
from django.core import mail

from referrals import services
from referrals.models import Submission, SubmissionStatus
from referrals.tasks import send_missing_feedback
from signals.services import withdraw_signal
from tests.referrals.factories import referral_data, submit
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome

EMAIL = referral_data()["reporter_email"]
DECLINE_REASON = "Geen aanwijzing voor radicalisering."
# What the reporter typed about the person and what they saw: never in a message to them.
PERSON_DATA = [referral_data()[name] for name in (
    "subject_first_names", "subject_surname", "subject_details", "observation",
    "subject_date_of_birth", "reporter_name", "reporter_phone")]


def _sweep() -> list:
    """Run the sweep as beat does (the task), and return the messages it sent."""
    mail.outbox.clear()
    send_missing_feedback.delay().get()
    return list(mail.outbox)


def _assert_only_that_it_was(message, submission, word, *secrets):
    assert message.to == [EMAIL]
    text = f"{message.subject}\n{message.body}".lower()
    assert submission.receipt_number.lower() in text and word in text
    for value in (*PERSON_DATA, *secrets):
        assert str(value).lower() not in text, value


@pytest.fixture
def signal(meldpunt, weegploeg):
    """A signal the meldpunt accepted from a referral (its "received" message lost)."""
    submission = submit(weegploeg.gemeente)
    return services.accept_submission(meldpunt, submission, phenomenon="jihadisme").signal


def test_the_sweep_is_in_the_beat_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.tasks.send_missing_feedback" in tasks


def test_a_lost_received_message_is_sent_once_by_the_sweep(signal):
    submission = Submission.objects.get(signal=signal)
    assert submission.received_feedback_at is None  # the task was lost
    (message,) = _sweep()
    _assert_only_that_it_was(message, submission, "in behandeling", signal.reference,
                             "jihadisme")
    submission.refresh_from_db()
    assert submission.received_feedback_at is not None
    assert submission.reporter_email == EMAIL  # kept for the "handled" message
    assert _sweep() == []


def test_a_lost_handled_message_of_a_declined_referral_is_sent_once(weegploeg, meldpunt):
    submission = services.decline_submission(meldpunt, submit(weegploeg.gemeente),
                                             DECLINE_REASON)
    (message,) = _sweep()
    _assert_only_that_it_was(message, submission, "afgehandeld", DECLINE_REASON, "afgewezen")
    submission.refresh_from_db()
    assert submission.handled_feedback_at is not None
    assert submission.reporter_email == ""  # the last message: the address is forgotten
    assert _sweep() == []


def test_a_message_already_sent_is_not_sent_again(
    weegploeg, meldpunt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        declined = services.decline_submission(meldpunt, submit(weegploeg.gemeente),
                                               DECLINE_REASON)
        accepted = submit(weegploeg.gemeente)
        services.accept_submission(meldpunt, accepted, phenomenon="other")
    accepted.refresh_from_db()
    declined.refresh_from_db()
    assert accepted.received_feedback_at and declined.handled_feedback_at
    assert _sweep() == []


def test_after_a_decision_both_lost_messages_go_in_order(
    item, members, django_capture_on_commit_callbacks
):
    for member in members.values():
        vote(member, item, Outcome.CASUSOVERLEG, "Bespreken in casusoverleg.")
    submission = Submission.objects.get(signal=item.signal)
    received, handled = _sweep()
    _assert_only_that_it_was(received, submission, "in behandeling", item.signal.reference)
    _assert_only_that_it_was(handled, submission, "afgehandeld", item.signal.reference,
                             "casusoverleg", "bespreken")
    submission.refresh_from_db()
    assert submission.received_feedback_at and submission.handled_feedback_at
    assert _sweep() == []


def test_a_withdrawn_signal_is_handled_for_its_reporter(signal, coordinator):
    submission = Submission.objects.get(signal=signal)
    services.send_feedback_mail(submission.pk, services.RECEIVED)
    withdraw_signal(coordinator, signal, "Onterecht geregistreerd, dubbele melding.")
    (message,) = _sweep()
    _assert_only_that_it_was(message, submission, "afgehandeld", "ingetrokken", "onterecht")


def test_nothing_is_due_while_the_case_is_open_or_without_an_address(
    weegploeg, meldpunt, item, members
):
    # Waiting at the meldpunt: nothing is due yet.
    submit(weegploeg.gemeente)
    # Declined, but the reporter gave no address.
    services.decline_submission(meldpunt, submit(weegploeg.gemeente, reporter_email=""),
                                DECLINE_REASON)
    # "More information" keeps the case open: only "received" is due.
    for member in members.values():
        vote(member, item, Outcome.MORE_INFORMATION, "Eerst meer weten over school.")
    (message,) = _sweep()
    assert "in behandeling" in message.body
    assert Submission.objects.filter(status=SubmissionStatus.RECEIVED).count() == 1


def test_a_failing_mail_is_not_recorded_and_goes_with_the_next_sweep(
    weegploeg, meldpunt, settings
):
    submission = services.decline_submission(meldpunt, submit(weegploeg.gemeente),
                                             DECLINE_REASON)
    settings.EMAIL_BACKEND = "tests.referrals.test_feedback_sweep.FailingBackend"
    assert _sweep() == []
    submission.refresh_from_db()
    assert submission.handled_feedback_at is None and submission.reporter_email == EMAIL
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert len(_sweep()) == 1


class FailingBackend:
    """A mail server that cannot be reached."""

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mailserver onbereikbaar")
