"""The public meldpunt (issue 21, docs/design.md §3 rule 14): a write-only form per gemeente, the
meldpunt's intake (its own gemeente only), accept through the registration service or decline,
and feedback to the reporter that never says what was decided or anything about the person."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from pga.models import AuditEntry, Role
from pga.services import RuleViolation
from referrals import services
from referrals.models import Submission, SubmissionStatus
from signals.models import Contribution, Signal
from signals.services import withdraw_signal
from tests.referrals.factories import referral_data, submit
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome

SURNAME = "Zorgenkind"
OBSERVATION = referral_data()["observation"]


def _form_url(gemeente):
    return reverse("referrals:public_form", kwargs={"gemeente": gemeente.code})


# -- the public form ---------------------------------------------------------------------------


def test_public_form_opens_without_login_and_shows_112_first(client, weegploeg):
    response = client.get(_form_url(weegploeg.gemeente))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("112") < html.index("<form")
    assert "<legend>" in html and 'for="id_observation"' in html


def test_public_form_of_unknown_gemeente_is_404(client, db):
    assert client.get("/melden/bestaat-niet/").status_code == 404


def test_sending_shows_the_receipt_number_and_nothing_that_was_sent(client, weegploeg):
    response = client.post(_form_url(weegploeg.gemeente), referral_data())
    assert response.status_code == 200
    submission = Submission.objects.get()
    html = response.content.decode()
    assert submission.receipt_number in html
    for value in (SURNAME, "Petra", OBSERVATION[:20], "mentor@school"):
        assert value not in html
    assert submission.gemeente == weegploeg.gemeente
    assert submission.status == SubmissionStatus.RECEIVED


def test_public_side_has_no_page_that_reads_a_submission_back(client, weegploeg):
    """Write-only: no URL of the public side returns submitted data, whatever it is given."""
    submission = submit(weegploeg.gemeente)
    public = [_form_url(weegploeg.gemeente),
              f"{_form_url(weegploeg.gemeente)}?receipt={submission.receipt_number}",
              f"{_form_url(weegploeg.gemeente)}{submission.receipt_number}/",
              f"/melden/{submission.receipt_number}/",
              reverse("referrals:intake"),
              reverse("referrals:submission", kwargs={"pk": submission.pk})]
    for url in public:
        response = client.get(url)
        body = response.content.decode()
        assert SURNAME not in body and OBSERVATION[:20] not in body, url
        assert response.status_code in (200, 302, 404), url
        if response.status_code == 302:
            assert response.url.startswith("/account/login/")


def test_confirmation_mail_holds_only_the_receipt_number(
    client, weegploeg, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(_form_url(weegploeg.gemeente), referral_data())
    submission = Submission.objects.get()
    (message,) = mail.outbox
    assert message.to == ["mentor@school.example.nl"]
    assert submission.receipt_number in message.body
    for value in (SURNAME, "Jan", "Petra", OBSERVATION[:20], weegploeg.gemeente.name):
        assert value not in message.body + message.subject


def test_invalid_form_shows_error_summary_and_stores_nothing(client, weegploeg):
    response = client.post(_form_url(weegploeg.gemeente), referral_data(observation=""))
    assert response.status_code == 200
    assert 'id="foutmeldingen"' in response.content.decode()
    assert not Submission.objects.exists()


def test_too_long_observation_is_refused(client, weegploeg):
    response = client.post(_form_url(weegploeg.gemeente),
                           referral_data(observation="x" * 10_001))
    assert response.status_code == 200
    assert not Submission.objects.exists()


# -- the intake: the meldpunt of the gemeente only ------------------------------------------


def test_intake_lists_own_gemeente_only_and_other_gemeente_gets_404(
    client, login, weegploeg, other_weegploeg, meldpunt, make_user
):
    ours = submit(weegploeg.gemeente)
    theirs = submit(other_weegploeg.gemeente)
    login(meldpunt)
    listing = client.get(reverse("referrals:intake")).content.decode()
    assert ours.receipt_number in listing and theirs.receipt_number not in listing
    assert client.get(reverse("referrals:submission", kwargs={"pk": ours.pk})).status_code == 200
    assert client.get(
        reverse("referrals:submission", kwargs={"pk": theirs.pk})).status_code == 404


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR])
def test_only_the_meldpunt_sees_referrals(weegploeg, make_user, role):
    submit(weegploeg.gemeente)
    user = make_user(weegploeg.gemeente, role)
    assert not Submission.objects.visible_to(user).exists()


def test_nothing_reaches_the_weegploeg_before_acceptance(weegploeg):
    submit(weegploeg.gemeente)
    assert not Signal.objects.exists()


def test_reading_a_referral_is_audited(client, login, weegploeg, meldpunt):
    submission = submit(weegploeg.gemeente)
    login(meldpunt)
    client.get(reverse("referrals:submission", kwargs={"pk": submission.pk}))
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS,
                                     object_pk=str(submission.pk)).exists()


# -- accept ------------------------------------------------------------------------------------


def test_accepting_registers_a_signal_with_the_text_as_reported_kept_unchanged(
    client, login, weegploeg, meldpunt, django_capture_on_commit_callbacks
):
    submission = submit(weegploeg.gemeente)
    mail.outbox.clear()
    login(meldpunt)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("referrals:submission", kwargs={"pk": submission.pk}),
                               {"accepteren": "1", "accepteren-phenomenon": "jihadisme"})
    assert response.status_code == 302
    signal = Signal.objects.get()
    assert signal.weegploeg == weegploeg
    assert signal.description == OBSERVATION
    assert signal.person.surname == SURNAME
    original = Contribution.objects.get(signal=signal)
    assert original.content.startswith(OBSERVATION)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.ACCEPTED and submission.signal == signal
    # The referral keeps only what the feedback needs; the content lives with the signal.
    assert submission.observation == "" and submission.subject_surname == ""
    assert submission.received_feedback_at is not None
    (message,) = mail.outbox
    assert submission.receipt_number in message.body
    for value in (SURNAME, signal.reference, "jihad", OBSERVATION[:20]):
        assert value.lower() not in (message.body + message.subject).lower()


def test_accepting_follows_the_typed_municipality_to_its_weegploeg(
    weegploeg, other_weegploeg, meldpunt
):
    submission = submit(weegploeg.gemeente, subject_municipality=other_weegploeg.gemeente.pk)
    registration = services.accept_submission(meldpunt, submission, phenomenon="other")
    assert registration.signal.weegploeg == other_weegploeg


def test_a_referral_is_accepted_or_declined_only_once(weegploeg, meldpunt):
    submission = submit(weegploeg.gemeente)
    services.decline_submission(meldpunt, submission, "Geen signaal van radicalisering.")
    with pytest.raises(RuleViolation):
        services.accept_submission(meldpunt, submission, phenomenon="other")
    assert not Signal.objects.exists()


def test_meldpunt_of_another_gemeente_cannot_accept(weegploeg, other_weegploeg, make_user):
    submission = submit(weegploeg.gemeente)
    stranger = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    with pytest.raises(RuleViolation):
        services.accept_submission(stranger, submission, phenomenon="other")


# -- decline -----------------------------------------------------------------------------------


def test_declining_needs_a_reason_and_tells_the_reporter_only_that_it_was_handled(
    client, login, weegploeg, meldpunt, django_capture_on_commit_callbacks
):
    submission = submit(weegploeg.gemeente)
    mail.outbox.clear()
    login(meldpunt)
    url = reverse("referrals:submission", kwargs={"pk": submission.pk})
    response = client.post(url, {"afwijzen": "1", "afwijzen-reason": "kort"})
    assert response.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"afwijzen": "1",
                                     "afwijzen-reason": "Geen aanwijzing voor radicalisering."})
    assert response.status_code == 302
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DECLINED
    assert not Signal.objects.exists()
    (message,) = mail.outbox
    assert "afgehandeld" in message.body
    assert "aanwijzing" not in message.body and SURNAME not in message.body
    assert submission.handled_feedback_at is not None


# -- feedback when the weegploeg closes the case -------------------------------------------


@pytest.fixture
def signal(meldpunt, weegploeg):
    """The signal as the meldpunt accepted it from a referral (overrides the suite's)."""
    submission = submit(weegploeg.gemeente)
    return services.accept_submission(meldpunt, submission, phenomenon="jihadisme").signal


def test_withdrawal_tells_the_reporter_it_was_handled_once(
    signal, coordinator, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw_signal(coordinator, signal, "Onterecht geregistreerd, dubbele melding.")
    (message,) = mail.outbox
    submission = Submission.objects.get(signal=signal)
    assert message.subject == f"Melding {submission.receipt_number} is afgehandeld"
    for value in ("ingetrokken", "Onterecht", SURNAME, signal.reference):
        assert value.lower() not in message.body.lower()
    assert submission.handled_feedback_at is not None
    assert submission.reporter_email == ""  # the last message sent: the address is forgotten


def test_decision_tells_the_reporter_it_was_handled_without_the_outcome(
    item, members, django_capture_on_commit_callbacks, settings
):
    settings.REFERRAL_FEEDBACK_TEXT = "Dank voor uw melding. Vragen? Bel 14 010."
    submission = Submission.objects.get(signal=item.signal)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        for member in members.values():
            vote(member, item, Outcome.CASUSOVERLEG, "Bespreken in casusoverleg.")
    to_reporter = [m for m in mail.outbox if "mentor@school.example.nl" in m.to]
    assert len(to_reporter) == 1
    body = to_reporter[0].body + to_reporter[0].subject
    assert "afgehandeld" in body and "Dank voor uw melding" in body
    for value in ("casusoverleg", SURNAME, item.signal.reference):
        assert value.lower() not in body.lower()
    submission.refresh_from_db()
    assert submission.handled_feedback_at is not None


# -- removal of referrals not accepted in time ---------------------------------------------------


def test_unaccepted_referrals_are_removed_after_the_term_with_an_audited_deletion(
    weegploeg, meldpunt, settings
):
    settings.REFERRAL_ACCEPT_DAYS = 30
    waiting, declined, accepted = (submit(weegploeg.gemeente) for _ in range(3))
    for old in (waiting, declined, accepted):
        old.submitted_at = timezone.now() - datetime.timedelta(days=31)
        old.save()
    services.decline_submission(meldpunt, declined, "Geen aanwijzing voor radicalisering.")
    services.accept_submission(meldpunt, accepted, phenomenon="other")
    recent = submit(weegploeg.gemeente)
    from referrals.tasks import remove_unaccepted_submissions

    assert remove_unaccepted_submissions.delay().get() == 2
    assert set(Submission.objects.values_list("pk", flat=True)) == {accepted.pk, recent.pk}
    deletions = AuditEntry.objects.filter(action=AuditEntry.Action.DELETE,
                                          object_pk__in=[str(waiting.pk), str(declined.pk)])
    assert deletions.count() == 2
    for entry in deletions:
        assert SURNAME not in str(entry.changes) and OBSERVATION[:20] not in str(entry.changes)
        assert entry.weegploeg_id == weegploeg.pk


def test_the_removal_is_in_the_nightly_schedule(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "referrals.tasks.remove_unaccepted_submissions" in tasks


def test_accepted_referral_goes_with_its_signal(signal):
    assert Submission.objects.filter(signal=signal).exists()
    signal.delete()
    assert not Submission.objects.exists()


def test_more_information_keeps_the_case_open_for_the_reporter(
    signal, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.signal_outcome_reached(signal, "more_information", timezone.now())
    assert mail.outbox == []
    assert Submission.objects.get(signal=signal).handled_feedback_at is None
