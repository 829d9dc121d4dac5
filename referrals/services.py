"""The public meldpunt (docs/design.md §3 rule 14): a professional refers through a write-only
form per gemeente; the meldpunt of that gemeente accepts the referral as a signal or declines
it; the reporter hears that it was received and that it was handled — never what was decided
or anything about the person.

Each function that acts for a user takes that user and reads referrals only through
`Submission.objects.visible_to(user)`.
"""

import contextlib
import datetime
import logging
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.background import enqueue
from pga.models import PartnerKind, ProcessingActivity, Role
from pga.services import RuleViolation
from referrals.models import (
    FeedbackText,
    Submission,
    SubmissionAttachment,
    SubmissionStatus,
)
from referrals.tasks import send_feedback
from signals import services as signal_services
from signals.models import Contribution, ContributionVisibility, SignalStatus, SourceCategory

logger = logging.getLogger(__name__)

# Unambiguous characters only: a receipt number is read aloud over the phone.
_RECEIPT_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
# A referral counts as handled for its reporter at any outcome (`signals.lifecycle`: a
# decision, or withdrawal) except "more information", which keeps the case open.
STILL_OPEN_OUTCOME = SignalStatus.MORE_INFORMATION
RECEIVED, HANDLED = "received", "handled"
# The statuses of a signal whose case is closed for its reporter (the outcomes
# `signal_outcome_reached` reacts to).
HANDLED_SIGNAL_STATUSES = (SignalStatus.DECIDED, SignalStatus.WITHDRAWN)


def _receipt_number() -> str:
    return "M-" + "".join(secrets.choice(_RECEIPT_ALPHABET) for _ in range(10))


def submit_referral(gemeente, fields: dict, attachments=()) -> Submission:
    """A referral through the public form (no user): stored for the meldpunt of `gemeente`
    only, with its attachments (each already through the intake's `check_attachment`, as
    (uploaded file, sniffed type)), and a plain confirmation with the receipt number mailed
    to the reporter. All or nothing: a failure leaves neither rows nor files."""
    for _attempt in range(3):
        try:
            with (signal_services.files_removed_on_failure() as written, transaction.atomic(),
                  processing(ProcessingActivity.INTAKE)):
                submission = Submission.objects.create(
                    gemeente=gemeente, receipt_number=_receipt_number(), **fields
                )
                for uploaded, content_type in attachments:
                    signal_services.store_upload(SubmissionAttachment(submission=submission),
                                                 uploaded, content_type, written)
                if submission.reporter_email:
                    enqueue(send_feedback, submission.pk, "confirmation")
            return submission
        except IntegrityError:  # the random receipt number was taken; draw again
            continue
    raise RuleViolation(_("De melding kon niet worden opgeslagen. Probeer het opnieuw."))


def _get_for_update(user, submission) -> Submission:
    submission = (Submission.objects.visible_to(user).select_for_update()
                  .filter(pk=submission.pk).first())
    if submission is None or submission.status != SubmissionStatus.RECEIVED:
        raise RuleViolation(_("Deze melding is al behandeld."))
    return submission


def accept_submission(user, submission: Submission, *, phenomenon: str):
    """The meldpunt accepts a referral: it becomes a signal through the one registration
    service (`signals.services.register_signal`: the weegploeg follows the typed woongemeente,
    else the weegploeg of the meldpunt's gemeente). The text as reported is kept unchanged as
    a contribution (contributions are never edited), its attachments become the signal's;
    the referral keeps only what feedback to the reporter needs."""
    with (
        signal_services.files_removed_on_failure() as written,
        contextlib.ExitStack() as files,
        transaction.atomic(),
        processing(ProcessingActivity.INTAKE),
    ):
        submission = _get_for_update(user, submission)
        carried = list(submission.attachments.all())
        uploads = [(files.enter_context(File(attachment.file.open("rb"),
                                             name=attachment.original_name)),
                    attachment.content_type) for attachment in carried]
        reporter_contact = ", ".join(
            part for part in (submission.reporter_role, submission.reporter_email,
                              submission.reporter_phone) if part
        )[:200]
        registration = signal_services.register_signal(
            user,
            signal_fields={
                "received_on": timezone.localdate(submission.submitted_at),
                "source_category": SourceCategory.PROFESSIONAL,
                "source_sector": submission.reporter_sector,
                "reporter_name": submission.reporter_name,
                "reporter_organisation": submission.reporter_organisation,
                "reporter_contact": reporter_contact,
                "description": submission.observation,
                "behaviour_from": submission.observed_from,
                "behaviour_to": submission.observed_to,
                "phenomenon": phenomenon,
                "acute_danger": submission.acute_danger,
            },
            person_fields={
                "first_names": submission.subject_first_names,
                "surname": submission.subject_surname,
                "date_of_birth": submission.subject_date_of_birth,
                "municipality": submission.subject_municipality,
            },
            weegploeg=submission.gemeente.weegploeg,
            attachments=uploads,
        )
        signal = registration.signal
        # Written by the registration, removed again if anything below fails.
        written.extend((a.file.storage, a.file.name) for a in signal.attachments.all())
        original = submission.observation
        if submission.subject_details:
            original += "\n\n" + _("Over de persoon: ") + submission.subject_details
        Contribution.objects.create(
            signal=signal, partner_id=user.partner_id, author=user,
            source=_("Meldpuntformulier %(receipt)s: de tekst zoals gemeld, ongewijzigd")
            % {"receipt": submission.receipt_number},
            information_date=timezone.localdate(submission.submitted_at),
            content=original[: Contribution._meta.get_field("content").max_length],
            visibility=ContributionVisibility.WEEGPLOEG,
        )
        submission.status = SubmissionStatus.ACCEPTED
        submission.signal = signal
        submission.handled_by = user
        submission.handled_at = timezone.now()
        _forget_content(submission)
        submission.save()
        _delete_attachments(carried)
        if submission.reporter_email:
            enqueue(send_feedback, submission.pk, RECEIVED)
    return registration


def _delete_attachments(attachments) -> None:
    """Delete attachment rows (audited each) and, once that is committed, their files."""
    names = [attachment.file.name for attachment in attachments]
    for attachment in attachments:
        attachment.delete()
    if names:
        storage = attachments[0].file.storage
        transaction.on_commit(lambda: [storage.delete(name) for name in names])


def decline_submission(user, submission: Submission, reason: str) -> Submission:
    """The meldpunt declines a referral with a written reason (for the meldpunt; the
    reporter hears only that it was handled). Nothing reaches the weegploeg; the referral is
    removed with the unaccepted ones after the term."""
    reason = (reason or "").strip()
    if len(reason) < 10:
        raise RuleViolation(_("Geef een reden van minstens 10 tekens."), field="reason")
    with transaction.atomic(), processing(ProcessingActivity.INTAKE):
        submission = _get_for_update(user, submission)
        submission.status = SubmissionStatus.DECLINED
        submission.decline_reason = reason
        submission.handled_by = user
        submission.handled_at = timezone.now()
        submission.save()
        if submission.reporter_email:
            enqueue(send_feedback, submission.pk, HANDLED)
    return submission


def _forget_content(submission: Submission) -> None:
    """Once accepted, the signal holds the referral's content; the referral keeps only the
    reporter's address for the feedback that the case was handled."""
    for name in ("reporter_name", "reporter_organisation", "reporter_role", "reporter_phone",
                 "subject_first_names", "subject_surname", "subject_details", "observation"):
        setattr(submission, name, "")
    submission.subject_date_of_birth = None
    submission.subject_municipality = None


def signal_outcome_reached(signal, outcome: str, at, *, new_weighing: bool = False) -> None:
    """`signals.lifecycle` subscriber: when the weegploeg closes a case that came in through
    the meldpunt (a decision or a withdrawal), its reporter is told it was handled — once."""
    if outcome == STILL_OPEN_OUTCOME:
        return
    submission = (Submission.objects.filter(signal=signal, handled_feedback_at__isnull=True)
                  .exclude(reporter_email="").first())
    if submission is not None:
        enqueue(send_feedback, submission.pk, HANDLED)


def feedback_message(submission: Submission, kind: str) -> tuple[str, str]:
    """Subject and body of a mail to the reporter: the receipt number, that it was received
    or handled, and the standard text. Never the outcome, never anything about the person."""
    number = submission.receipt_number
    if kind == "confirmation":
        subject = _("Ontvangstbevestiging melding %(number)s") % {"number": number}
        body = _("Uw melding is verstuurd. Het ontvangstnummer is %(number)s.") % {
            "number": number}
    elif kind == RECEIVED:
        subject = _("Melding %(number)s is in behandeling genomen") % {"number": number}
        body = _("Het meldpunt heeft uw melding %(number)s in behandeling genomen.") % {
            "number": number}
    else:
        subject = _("Melding %(number)s is afgehandeld") % {"number": number}
        body = _("Uw melding %(number)s is afgehandeld.") % {"number": number}
    standard = feedback_text(submission.gemeente) if kind != "confirmation" else ""
    if standard:
        body += "\n\n" + standard
    return subject, body + "\n"


def send_feedback_mail(submission_pk: int, kind: str) -> bool:
    """Send one message to the reporter and record that it was sent (idempotent: a message
    already recorded is not sent again). After the last message the address is forgotten."""
    from django.core.mail import send_mail

    with transaction.atomic(), processing(ProcessingActivity.INTAKE):
        submission = (Submission.objects.select_for_update()
                      .filter(pk=submission_pk).exclude(reporter_email="").first())
        if submission is None:
            return False
        sent_field = {RECEIVED: "received_feedback_at", HANDLED: "handled_feedback_at"}.get(kind)
        if sent_field and getattr(submission, sent_field) is not None:
            return False
        subject, body = feedback_message(submission, kind)
        send_mail(subject, body, None, [submission.reporter_email])
        if sent_field:
            setattr(submission, sent_field, timezone.now())
            if kind == HANDLED:
                submission.reporter_email = ""
            submission.save()
    return True


def missing_feedback() -> list[tuple[int, str]]:
    """The messages to reporters that are due and not recorded as sent, as (referral, kind),
    "received" before "handled": "received" once a referral is accepted; "handled" once it
    is declined, or once its signal is decided or withdrawn (`signal_outcome_reached`: not
    while "more information" keeps it open, not after a transfer). Only while the reporter's
    address is kept. The confirmation is not recorded, so not swept."""
    with_address = Submission.objects.exclude(reporter_email="")
    received = with_address.filter(status=SubmissionStatus.ACCEPTED,
                                   received_feedback_at__isnull=True)
    handled = with_address.filter(
        Q(status=SubmissionStatus.DECLINED)
        | Q(status=SubmissionStatus.ACCEPTED, signal__status__in=HANDLED_SIGNAL_STATUSES),
        handled_feedback_at__isnull=True,
    )
    return sorted(
        [(pk, RECEIVED) for pk in received.values_list("pk", flat=True)]
        + [(pk, HANDLED) for pk in handled.values_list("pk", flat=True)],
        key=lambda due: (due[0], due[1] != RECEIVED),
    )


def send_missing_feedback() -> int:
    """Periodic sweep: every message that is due and not recorded as sent (its task lost,
    e.g. while the broker was down) is sent through `send_feedback_mail` — row locked, a
    message already recorded not sent again, recorded only after it went out. A message
    that fails stays unrecorded for the next sweep. Returns how many were sent."""
    sent = 0
    for submission_pk, kind in missing_feedback():
        try:
            sent += send_feedback_mail(submission_pk, kind)
        except Exception:  # noqa: BLE001 - the next sweep tries again; nothing is recorded
            logger.warning("Bericht %s aan melder van melding %s niet verstuurd",
                           kind, submission_pk)
    return sent


def remove_unaccepted(now: datetime.datetime | None = None) -> int:
    """Referrals not accepted within REFERRAL_ACCEPT_DAYS (still waiting, or declined) are
    deleted like withdrawn signals: one audited deletion each, no values in the log, and
    their attachments' files removed after the commit."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.REFERRAL_ACCEPT_DAYS)
    removed = 0
    with processing(ProcessingActivity.RETENTION):
        due = Submission.objects.filter(
            status__in=[SubmissionStatus.RECEIVED, SubmissionStatus.DECLINED],
            submitted_at__lt=cutoff,
        ).values_list("pk", flat=True)
        for pk in list(due):
            with transaction.atomic():
                submission = Submission.objects.select_for_update().filter(pk=pk).first()
                if submission is not None and submission.status != SubmissionStatus.ACCEPTED:
                    _delete_attachments(list(submission.attachments.all()))
                    submission.delete()
                    removed += 1
    return removed


def intake(user, status: str = SubmissionStatus.RECEIVED):
    """The meldpunt's intake list: its own gemeente's referrals with `status`."""
    return Submission.objects.visible_to(user).filter(status=status)


def feedback_text(gemeente) -> str:
    """The standard text in the messages to reporters of `gemeente`: the one its meldpunt
    set, else the installation's default (REFERRAL_FEEDBACK_TEXT)."""
    own = FeedbackText.objects.filter(gemeente=gemeente).values_list("text", flat=True).first()
    return settings.REFERRAL_FEEDBACK_TEXT if own is None else own


def set_feedback_text(user, text: str) -> FeedbackText:
    """The meldpunt of a gemeente sets its standard text for reporters (bounded, audited);
    only for its own gemeente, and only a gemeente has a public meldpunt."""
    from pga.authz import has_role

    partner = user.partner if has_role(user, Role.MELDPUNT) else None
    if partner is None or partner.kind != PartnerKind.GEMEENTE:
        raise RuleViolation(_("Alleen het meldpunt van een gemeente stelt deze tekst in."))
    with transaction.atomic(), processing(ProcessingActivity.INTAKE):
        row = (FeedbackText.objects.visible_to(user).select_for_update()
               .filter(gemeente=partner).first()
               or FeedbackText(gemeente=partner))
        row.text = (text or "").strip()
        row.updated_by = user
        try:
            row.full_clean()
        except ValidationError as error:
            raise RuleViolation(" ".join(error.messages), field="text") from error
        row.save()
    return row
