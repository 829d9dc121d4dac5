"""The referentiekader (versioned framework of the five statutory criteria, with the nine
development areas as indicators) and the structured assessment of a signal against it.

docs/design.md §3 rule 3: each criterion gets a judgement on its own ordinal scale, which always
includes "onbekend / onvoldoende informatie", with a factual substantiation and its source.
The criteria are not a checklist or a points total: nothing here holds or computes a score;
an assessment ends in a written overall conclusion. An assessment stays tied to the
framework version it was made under (`Assessment.framework`, PROTECT).

No personal data in `__str__`: django-auditlog copies it into every audit entry unmasked.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from pga.models import Partner, text_within
from signals.models import ContributionVisibility, ShieldedByPartner, Signal

CRITERIA_COUNT = 5

# Maximum lengths of the free texts, in characters. Facts and a conclusion fit in ten
# thousand (some four pages), the wording of the framework and notes per development area in
# four thousand. The bound keeps the assessment page, the decision record and the AVG
# export quick to build.
CONCLUSION_MAX_LENGTH = 10_000
SUBSTANTIATION_MAX_LENGTH = 10_000
OBSERVATION_MAX_LENGTH = 4_000
FRAMEWORK_TEXT_MAX_LENGTH = 4_000


class FrameworkStatus(models.TextChoices):
    DRAFT = "draft", _("Concept")
    PUBLISHED = "published", _("Gepubliceerd")
    RETIRED = "retired", _("Vervallen")


class Framework(models.Model):
    """One version of the referentiekader: draft → published → retired. At most one version
    is published and at most one is a draft at any time (partial unique constraints)."""

    version = models.PositiveIntegerField(_("versie"), unique=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=FrameworkStatus.choices,
        default=FrameworkStatus.DRAFT,
        db_default=FrameworkStatus.DRAFT,
    )
    notes = models.TextField(
        _("toelichting bij deze versie"),
        blank=True,
        max_length=FRAMEWORK_TEXT_MAX_LENGTH,
        help_text=_("Wat is er veranderd ten opzichte van de vorige versie, en waarom."),
    )
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("aangemaakt door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    published_at = models.DateTimeField(_("gepubliceerd op"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("gepubliceerd door"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    retired_at = models.DateTimeField(_("vervallen op"), null=True, blank=True)

    class Meta:
        verbose_name = _("referentiekader")
        verbose_name_plural = _("referentiekaders")
        ordering = ["-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=FrameworkStatus.PUBLISHED),
                name="framework_one_published",
                violation_error_message=_("Er is al een gepubliceerde versie."),
            ),
            models.UniqueConstraint(
                fields=["status"],
                condition=Q(status=FrameworkStatus.DRAFT),
                name="framework_one_draft",
                violation_error_message=_("Er is al een conceptversie."),
            ),
            models.CheckConstraint(
                name="framework_published_has_date",
                condition=Q(status=FrameworkStatus.DRAFT) | Q(published_at__isnull=False),
            ),
            text_within("notes", FRAMEWORK_TEXT_MAX_LENGTH, name="framework_notes_max_length"),
        ]

    def __str__(self):
        return f"Referentiekader versie {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.status == FrameworkStatus.DRAFT


class Criterion(models.Model):
    """One of the five statutory criteria, as worded in one framework version."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("referentiekader"), on_delete=models.CASCADE,
        related_name="criteria",
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), max_length=FRAMEWORK_TEXT_MAX_LENGTH)
    guidance_questions = models.TextField(
        _("richtvragen"), blank=True, help_text=_("Eén vraag per regel."),
        max_length=FRAMEWORK_TEXT_MAX_LENGTH,
    )

    class Meta:
        verbose_name = _("criterium")
        verbose_name_plural = _("criteria")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="criterion_unique_number"),
            models.CheckConstraint(
                name="criterion_number_one_to_five",
                condition=Q(number__gte=1, number__lte=CRITERIA_COUNT),
            ),
            text_within("description", FRAMEWORK_TEXT_MAX_LENGTH,
                        name="criterion_description_max_length"),
            text_within("guidance_questions", FRAMEWORK_TEXT_MAX_LENGTH,
                        name="criterion_guidance_questions_max_length"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"

    def guidance_list(self) -> list[str]:
        return [line.strip() for line in self.guidance_questions.splitlines() if line.strip()]


class ScaleValue(models.Model):
    """A value on one criterion's ordinal scale. `position` orders the values from least to
    most concern (the wording carries the polarity: for zelfredzaamheid "zelfredzaam" is the
    low-concern end). Every scale has exactly one "onbekend" value, kept apart from the
    ordinal ones (position 0, shown last)."""

    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterium"), on_delete=models.CASCADE,
        related_name="scale_values"
    )
    position = models.PositiveSmallIntegerField(_("volgorde"))
    label = models.CharField(_("omschrijving"), max_length=200)
    is_unknown = models.BooleanField(_("onbekend / onvoldoende informatie"), default=False)

    class Meta:
        verbose_name = _("schaalwaarde")
        verbose_name_plural = _("schaalwaarden")
        ordering = ["criterion", "is_unknown", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["criterion", "position"], name="scalevalue_unique_position"
            ),
            models.UniqueConstraint(
                fields=["criterion"],
                condition=Q(is_unknown=True),
                name="scalevalue_one_unknown",
            ),
        ]

    def __str__(self):
        return self.label


class Indicator(models.Model):
    """One of the nine development areas of the handbook, an optional indicator: the
    assessment may note observed facts and protective factors for it."""

    framework = models.ForeignKey(
        Framework, verbose_name=_("referentiekader"), on_delete=models.CASCADE,
        related_name="indicators",
    )
    number = models.PositiveSmallIntegerField(_("nummer"))
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(
        _("omschrijving"), blank=True, max_length=FRAMEWORK_TEXT_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("ontwikkelgebied")
        verbose_name_plural = _("ontwikkelgebieden")
        ordering = ["framework", "number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="indicator_unique_number"),
            text_within("description", FRAMEWORK_TEXT_MAX_LENGTH,
                        name="indicator_description_max_length"),
        ]

    def __str__(self):
        return self.title


class AssessmentKind(models.TextChoices):
    PARTNER = "partner", _("Weging van een partner")
    JOINT = "joint", _("Gezamenlijke weging")


class Assessment(ShieldedByPartner):
    """A weging of a signal under one framework version: a core partner's own view, or the
    weegploeg's joint assessment with its overall conclusion. Never changed afterwards: a
    re-assessment is a new row that `supersedes` the previous one of the same kind (and
    partner), so the earlier ones are kept and the changes can be shown."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="assessments",
    )
    framework = models.ForeignKey(
        Framework,
        verbose_name=_("versie referentiekader"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    kind = models.CharField(_("soort"), max_length=10, choices=AssessmentKind.choices)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vastgelegd door"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), db_default=Now())
    visibility = models.CharField(
        _("zichtbaarheid"),
        max_length=20,
        choices=ContributionVisibility.choices,
        default=ContributionVisibility.WEEGPLOEG,
    )
    conclusion = models.TextField(_("conclusie"), blank=True, max_length=CONCLUSION_MAX_LENGTH)
    # RESTRICT, not PROTECT: an earlier assessment cannot be deleted on its own, but goes
    # with its signal when retention deletes the whole dossier.
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("vervangt"),
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="superseded_by",
    )

    class Meta:
        verbose_name = _("weging")
        verbose_name_plural = _("wegingen")
        # Newest first by id: ids are drawn under the signal's row lock, so they follow the
        # chain of re-assessments even where transaction start times (created_at) do not.
        ordering = ["-pk"]
        indexes = [
            models.Index(fields=["signal", "kind"], name="assessment_signal_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="assessment_partner_only_for_partner_view",
                condition=Q(kind=AssessmentKind.PARTNER, partner__isnull=False)
                | Q(kind=AssessmentKind.JOINT, partner__isnull=True),
            ),
            models.CheckConstraint(
                name="assessment_joint_is_visible_with_conclusion",
                condition=Q(kind=AssessmentKind.PARTNER)
                | (Q(visibility=ContributionVisibility.WEEGPLOEG) & ~Q(conclusion="")),
            ),
            text_within("conclusion", CONCLUSION_MAX_LENGTH,
                        name="assessment_conclusion_max_length"),
        ]

    def __str__(self):
        return f"Weging {self.pk}"

    @property
    def is_joint(self) -> bool:
        return self.kind == AssessmentKind.JOINT

    def judgement_rows(self):
        """(criterion, its judgement or None) for each criterion of the assessment's version,
        in order — for display; open criteria show as such."""
        judged = {j.criterion_id: j for j in self.judgements.all()}
        return [(c, judged.get(c.pk)) for c in self.framework.criteria.all()]


class Judgement(models.Model):
    """The judgement on one criterion: a value of that criterion's scale, the facts that
    support it and where they come from. The database cannot check that the value belongs to
    the criterion and the criterion to the assessment's framework (constraints do not span
    foreign keys); `criteria.assessments` does."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("weging"), on_delete=models.CASCADE, related_name="judgements",
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterium"), on_delete=models.PROTECT, related_name="+"
    )
    scale_value = models.ForeignKey(
        ScaleValue, verbose_name=_("oordeel"), on_delete=models.PROTECT, related_name="+"
    )
    substantiation = models.TextField(
        _("feitelijke onderbouwing"), blank=True, max_length=SUBSTANTIATION_MAX_LENGTH
    )
    source = models.CharField(_("bron"), max_length=300, blank=True)
    source_partner = models.ForeignKey(
        Partner,
        verbose_name=_("bronpartner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("oordeel")
        verbose_name_plural = _("oordelen")
        ordering = ["assessment", "criterion__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="judgement_one_per_criterion"
            ),
            text_within("substantiation", SUBSTANTIATION_MAX_LENGTH,
                        name="judgement_substantiation_max_length"),
        ]

    def __str__(self):
        return f"Oordeel {self.pk}"


class IndicatorObservation(models.Model):
    """What was observed in one development area, and what protects the person there."""

    assessment = models.ForeignKey(
        Assessment, verbose_name=_("weging"), on_delete=models.CASCADE, related_name="observations"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name=_("ontwikkelgebied"), on_delete=models.PROTECT, related_name="+"
    )
    observed_facts = models.TextField(
        _("waargenomen feiten"), blank=True, max_length=OBSERVATION_MAX_LENGTH
    )
    protective_factors = models.TextField(
        _("beschermende factoren"), blank=True, max_length=OBSERVATION_MAX_LENGTH
    )

    class Meta:
        verbose_name = _("waarneming per ontwikkelgebied")
        verbose_name_plural = _("waarnemingen per ontwikkelgebied")
        ordering = ["assessment", "indicator__number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "indicator"], name="observation_one_per_indicator"
            ),
            text_within("observed_facts", OBSERVATION_MAX_LENGTH,
                        name="observation_observed_facts_max_length"),
            text_within("protective_factors", OBSERVATION_MAX_LENGTH,
                        name="observation_protective_factors_max_length"),
        ]

    def __str__(self):
        return f"Waarneming {self.pk}"
