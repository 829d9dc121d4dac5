"""The public meldpunt (docs/design.md §3 rule 14): referrals from professionals outside the three
partners, held by the meldpunt of one gemeente until it accepts them as a signal or declines
them. Nothing here reaches the weegploeg before a meldpunt accepts it.

No personal data in `__str__`: django-auditlog copies it into every audit entry unmasked.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from pga.models import Partner, Role, text_within
from signals.models import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    ProfessionalSector,
    Signal,
)
from signals.validators import MAX_ATTACHMENT_BYTES, validate_single_line

# The text as reported becomes the signal's description and an unchangeable contribution,
# so it has their maximum.
OBSERVATION_MAX_LENGTH = DESCRIPTION_MAX_LENGTH
SUBJECT_DETAILS_MAX_LENGTH = 2_000
DECLINE_REASON_MAX_LENGTH = REASON_MAX_LENGTH
FEEDBACK_TEXT_MAX_LENGTH = 2_000
# Attachments on the public form: each through the intake's checks (`check_attachment`: type
# sniffed from the content, at most 20 MB), and per referral at most this many, together no
# larger than one signal attachment may be. An anonymous form should not fill the disk.
MAX_ATTACHMENTS = 3
MAX_ATTACHMENTS_BYTES = MAX_ATTACHMENT_BYTES


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("Ontvangen")
    ACCEPTED = "accepted", _("Geaccepteerd als signaal")
    DECLINED = "declined", _("Afgewezen")


class MeldpuntQuerySet(models.QuerySet):
    """Objects of one gemeente's public meldpunt (`gemeente`): referrals, its standard text."""

    def visible_to(self, user):
        """The one scope of referrals (and of a gemeente's standard text): the meldpunt of
        the gemeente they were sent to. Nobody else — not the weegploeg, not another
        partner's meldpunt — reads them."""
        from pga.authz import has_role

        if not has_role(user, Role.MELDPUNT) or user.partner_id is None:
            return self.none()
        return self.filter(gemeente_id=user.partner_id)


class Submission(models.Model):
    """One referral sent through the public form of a gemeente. Write-only for the sender:
    they get `receipt_number` and nothing is ever shown back to them."""

    receipt_number = models.CharField(_("ontvangstnummer"), max_length=20, unique=True)
    gemeente = models.ForeignKey(
        Partner, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "gemeente"},
    )
    submitted_at = models.DateTimeField(_("ontvangen op"), db_default=Now())
    status = models.CharField(
        _("status"), max_length=20, choices=SubmissionStatus.choices,
        default=SubmissionStatus.RECEIVED,
    )
    # Who reports.
    reporter_name = models.CharField(_("uw naam"), max_length=200,
                                     validators=[validate_single_line])
    reporter_organisation = models.CharField(_("organisatie"), max_length=200,
                                             validators=[validate_single_line])
    reporter_role = models.CharField(_("functie"), max_length=200,
                                     validators=[validate_single_line])
    reporter_sector = models.CharField(_("sector"), max_length=30,
                                       choices=ProfessionalSector.choices)
    reporter_email = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    reporter_phone = models.CharField(_("telefoonnummer"), max_length=30, blank=True,
                                      validators=[validate_single_line])
    # About whom, as far as known.
    subject_first_names = models.CharField(_("voornamen"), max_length=200, blank=True,
                                           validators=[validate_single_line])
    subject_surname = models.CharField(_("achternaam"), max_length=200, blank=True,
                                       validators=[validate_single_line])
    subject_date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    subject_municipality = models.ForeignKey(
        Partner, verbose_name=_("woongemeente"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+", limit_choices_to={"kind": "gemeente"},
    )
    subject_details = models.TextField(
        _("wat u verder weet over de persoon"), max_length=SUBJECT_DETAILS_MAX_LENGTH,
        blank=True,
    )
    # What was observed, and when.
    observation = models.TextField(_("wat heeft u waargenomen"),
                                   max_length=OBSERVATION_MAX_LENGTH)
    observed_from = models.DateField(_("datum (vanaf)"))
    observed_to = models.DateField(_("datum (tot en met)"), null=True, blank=True)
    acute_danger = models.BooleanField(_("acuut gevaar"), default=False)
    # The meldpunt's handling.
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("behandeld door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    handled_at = models.DateTimeField(_("behandeld op"), null=True, blank=True)
    decline_reason = models.TextField(_("reden van afwijzing"),
                                      max_length=DECLINE_REASON_MAX_LENGTH, blank=True)
    # The accepted signal; the referral goes with it when the signal is purged.
    signal = models.OneToOneField(Signal, verbose_name=_("signaal"), on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="+")
    # Feedback to the reporter: that it was received (accepted) and handled (closed).
    received_feedback_at = models.DateTimeField(
        _("bericht van ontvangst verstuurd op"), null=True, blank=True
    )
    handled_feedback_at = models.DateTimeField(
        _("bericht van afhandeling verstuurd op"), null=True, blank=True
    )

    objects = MeldpuntQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding via het meldpunt")
        verbose_name_plural = _("meldingen via het meldpunt")
        ordering = ["-submitted_at", "-pk"]
        indexes = [models.Index(fields=["gemeente", "status"], name="submission_intake")]
        constraints = [
            text_within("observation", OBSERVATION_MAX_LENGTH,
                        name="submission_observation_max_length"),
            text_within("subject_details", SUBJECT_DETAILS_MAX_LENGTH,
                        name="submission_subject_details_max_length"),
            text_within("decline_reason", DECLINE_REASON_MAX_LENGTH,
                        name="submission_decline_reason_max_length"),
            models.CheckConstraint(
                name="submission_accepted_has_signal",
                condition=~Q(status=SubmissionStatus.ACCEPTED) | Q(signal__isnull=False),
            ),
        ]

    def __str__(self):
        return f"Melding {self.receipt_number}"


def attachment_path(instance, filename):
    # Never the uploaded name: it may hold personal data. The name is kept in the row.
    return f"meldpunt/{instance.submission_id}/{uuid.uuid4().hex}"


class SubmissionAttachment(models.Model):
    """A file sent with a referral. Read only by the meldpunt of its gemeente; carried over to
    the signal when the referral is accepted, removed with a referral that is not."""

    submission = models.ForeignKey(Submission, verbose_name=_("melding"),
                                   on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("bestand"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    content_type = models.CharField(_("bestandstype"), max_length=120)
    size = models.PositiveBigIntegerField(_("grootte"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("bijlage bij een melding")
        verbose_name_plural = _("bijlagen bij meldingen")
        ordering = ["pk"]

    def __str__(self):
        return f"Bijlage {self.pk} bij een melding"


class FeedbackText(models.Model):
    """The standard text the meldpunt of a gemeente adds to its messages to reporters (that a
    referral was received, that it was handled). Without a row the installation's default
    (REFERRAL_FEEDBACK_TEXT) applies; an empty text means no standard text."""

    gemeente = models.OneToOneField(
        Partner, verbose_name=_("gemeente"), on_delete=models.PROTECT, related_name="+",
        limit_choices_to={"kind": "gemeente"},
    )
    text = models.TextField(_("standaardtekst"), max_length=FEEDBACK_TEXT_MAX_LENGTH,
                            blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("gewijzigd door"),
                                   on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = MeldpuntQuerySet.as_manager()

    class Meta:
        verbose_name = _("standaardtekst voor de melder")
        verbose_name_plural = _("standaardteksten voor de melder")
        constraints = [
            text_within("text", FEEDBACK_TEXT_MAX_LENGTH, name="feedbacktext_text_max_length"),
        ]

    def __str__(self):
        return f"Standaardtekst {self.pk}"
