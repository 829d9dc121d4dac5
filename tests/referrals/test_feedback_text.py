"""The standard text under the messages to reporters (issue 21, point 3): set per gemeente by
its meldpunt (bounded, audited without its value), REFERRAL_FEEDBACK_TEXT while a gemeente has
set none; only in the "received" and "handled" messages, never in the confirmation. Whether a
message was sent is recorded on the referral, and only when it was."""

import pytest
from django.core import mail
from django.urls import reverse

from pga.models import AuditEntry, Role
from pga.services import RuleViolation
from referrals import services
from referrals.models import FEEDBACK_TEXT_MAX_LENGTH, FeedbackText, Submission
from tests.referrals.factories import submit

OWN_TEXT = "Vragen over uw melding? Bel het meldpunt van de gemeente: 14 010."
DEFAULT_TEXT = "Dank voor uw melding."
URL = reverse("referrals:feedback_text")


def _accept_and_decline(gemeente, meldpunt, capture):
    """A referral accepted (the "received" message) and one declined ("handled")."""
    accepted, declined = submit(gemeente), submit(gemeente)
    mail.outbox.clear()
    with capture(execute=True):
        services.accept_submission(meldpunt, accepted, phenomenon="other")
        services.decline_submission(meldpunt, declined, "Geen aanwijzing voor radicalisering.")
    return {m.subject.split()[1]: m for m in mail.outbox}


def test_without_a_text_of_its_own_the_installation_default_is_used(
    weegploeg, meldpunt, settings, django_capture_on_commit_callbacks
):
    settings.REFERRAL_FEEDBACK_TEXT = DEFAULT_TEXT
    messages = _accept_and_decline(weegploeg.gemeente, meldpunt,
                                   django_capture_on_commit_callbacks)
    assert len(messages) == 2
    assert all(m.body.rstrip().endswith(DEFAULT_TEXT) for m in messages.values())


def test_the_meldpunt_sets_its_gemeente_text_and_the_messages_use_it(
    client, login, weegploeg, other_weegploeg, meldpunt, make_user, settings,
    django_capture_on_commit_callbacks
):
    settings.REFERRAL_FEEDBACK_TEXT = DEFAULT_TEXT
    login(meldpunt)
    page = client.get(URL)
    assert page.status_code == 200 and DEFAULT_TEXT in page.content.decode()
    response = client.post(URL, {"text": OWN_TEXT})
    assert response.status_code == 302
    assert FeedbackText.objects.get(gemeente=weegploeg.gemeente).text == OWN_TEXT
    messages = _accept_and_decline(weegploeg.gemeente, meldpunt,
                                   django_capture_on_commit_callbacks)
    for message in messages.values():
        assert OWN_TEXT in message.body and DEFAULT_TEXT not in message.body
    # Another gemeente keeps the default.
    assert services.feedback_text(other_weegploeg.gemeente) == DEFAULT_TEXT


def test_the_confirmation_holds_only_the_receipt_number_never_the_standard_text(
    client, weegploeg, meldpunt, settings, django_capture_on_commit_callbacks
):
    services.set_feedback_text(meldpunt, OWN_TEXT)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        submission = submit(weegploeg.gemeente)
    (message,) = mail.outbox
    assert OWN_TEXT not in message.body
    assert message.body.strip() == (
        f"Uw melding is verstuurd. Het ontvangstnummer is {submission.receipt_number}.")


def test_an_empty_text_means_no_standard_text(
    weegploeg, meldpunt, settings, django_capture_on_commit_callbacks
):
    settings.REFERRAL_FEEDBACK_TEXT = DEFAULT_TEXT
    services.set_feedback_text(meldpunt, "   ")
    messages = _accept_and_decline(weegploeg.gemeente, meldpunt,
                                   django_capture_on_commit_callbacks)
    assert all(DEFAULT_TEXT not in m.body for m in messages.values())


def test_setting_the_text_is_audited_without_its_value(client, login, weegploeg, meldpunt):
    login(meldpunt)
    client.post(URL, {"text": OWN_TEXT})
    client.post(URL, {"text": OWN_TEXT + " Of mail ons."})
    row = FeedbackText.objects.get()
    entries = AuditEntry.objects.filter(object_pk=str(row.pk),
                                        content_type__model="feedbacktext")
    assert [e.action for e in entries.order_by("pk")] == [AuditEntry.Action.CREATE,
                                                          AuditEntry.Action.UPDATE]
    assert all(e.actor_id == meldpunt.pk for e in entries)
    assert all("14 010" not in str(e.changes) for e in entries)


def test_a_text_over_the_maximum_is_refused_and_kept_in_the_form(client, login, meldpunt):
    login(meldpunt)
    too_long = "x" * (FEEDBACK_TEXT_MAX_LENGTH + 1)
    response = client.post(URL, {"text": too_long})
    html = response.content.decode()
    assert response.status_code == 200 and 'id="foutmeldingen"' in html
    assert too_long in html
    assert not FeedbackText.objects.exists()
    with pytest.raises(RuleViolation):
        services.set_feedback_text(meldpunt, too_long)


@pytest.mark.parametrize("role", [Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR])
def test_only_the_meldpunt_sets_the_text(client, login, weegploeg, make_user, role):
    user = make_user(weegploeg.gemeente, role)
    login(user)
    assert client.post(URL, {"text": OWN_TEXT}).status_code == 403
    with pytest.raises(RuleViolation):
        services.set_feedback_text(user, OWN_TEXT)
    assert not FeedbackText.objects.exists()


def test_a_meldpunt_outside_a_gemeente_has_no_public_meldpunt_text(
    client, login, weegploeg, make_user
):
    politie = make_user(weegploeg.politie, Role.MELDPUNT)
    login(politie)
    response = client.post(URL, {"text": OWN_TEXT})
    assert response.status_code == 200 and "<textarea" not in response.content.decode()
    with pytest.raises(RuleViolation):
        services.set_feedback_text(politie, OWN_TEXT)
    assert not FeedbackText.objects.exists()


# -- whether a message was sent is recorded ------------------------------------------------------


def test_a_message_that_could_not_be_sent_is_not_recorded_as_sent(
    weegploeg, meldpunt, monkeypatch
):
    submission = submit(weegploeg.gemeente)
    services.accept_submission(meldpunt, submission, phenomenon="other")

    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("mailserver onbereikbaar")

    monkeypatch.setattr("django.core.mail.send_mail", unreachable)
    with pytest.raises(ConnectionRefusedError):
        services.send_feedback_mail(submission.pk, services.RECEIVED)
    submission.refresh_from_db()
    assert submission.received_feedback_at is None
    monkeypatch.undo()
    assert services.send_feedback_mail(submission.pk, services.RECEIVED)
    submission.refresh_from_db()
    assert submission.received_feedback_at is not None
    # Recorded once: not sent a second time.
    assert not services.send_feedback_mail(submission.pk, services.RECEIVED)


def test_the_meldpunt_sees_whether_the_reporter_was_told(
    client, login, weegploeg, meldpunt, django_capture_on_commit_callbacks
):
    with_address, without = submit(weegploeg.gemeente), submit(weegploeg.gemeente,
                                                              reporter_email="")
    with django_capture_on_commit_callbacks(execute=True):
        for submission in (with_address, without):
            services.decline_submission(meldpunt, submission,
                                        "Geen aanwijzing voor radicalisering.")
    with_address.refresh_from_db()
    without.refresh_from_db()
    assert with_address.handled_feedback_at is not None and without.handled_feedback_at is None
    login(meldpunt)
    told = client.get(reverse("referrals:submission", kwargs={"pk": with_address.pk}))
    assert "afgehandeld: verstuurd" in told.content.decode()
    untold = client.get(reverse("referrals:submission", kwargs={"pk": without.pk}))
    assert "geen: de melder gaf geen e-mailadres" in untold.content.decode()
    assert Submission.objects.filter(handled_feedback_at__isnull=False).count() == 1
