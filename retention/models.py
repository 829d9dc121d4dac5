"""Retention and the person's rights (docs/design.md §3 rules 7 and 8): retention rules, legal
holds, the tombstones the nightly purge leaves, its run reports, the notification of the
person, and requests under the AVG (inzage, rectificatie, verwijdering).

No personal data in `__str__` (django-auditlog copies it into the log unmasked). Free-text
fields that may hold personal data (a hold's reason, a notification's ground, a request's
text) go with the person's data: the purge deletes or empties them
(`retention.purge.purge_signal`); the audit log never holds their values
(`retention.apps`).
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pga.authz import has_role, weegploegen_of
from pga.models import Role, Weegploeg, text_within
from signals.models import Person, Phenomenon, Signal, SourceCategory
from weegploeg.models import Decision, Outcome


class RetentionBasis(models.TextChoices):
    """What starts a signal's retention clock: a decision's outcome, or the withdrawal."""

    CASUSOVERLEG = "casusoverleg", _("Besluit: casusoverleg")
    NO_CASUSOVERLEG = "no_casusoverleg", _("Besluit: geen casusoverleg")
    WITHDRAWN = "withdrawn", _("Ingetrokken of onterecht geregistreerd")


class PeriodUnit(models.TextChoices):
    DAYS = "days", _("dagen")
    MONTHS = "months", _("maanden")
    YEARS = "years", _("jaren")


def period_text(period: int, unit: str) -> str:
    """A period in Dutch words, singular or plural by the number: "1 dag", "30 dagen",
    "1 maand", "6 maanden"; after a number Dutch says "jaar", also for more than one ("5
    jaar", not "5 jaren")."""
    if unit == PeriodUnit.DAYS:
        text = ngettext("%(n)d dag", "%(n)d dagen", period)
    elif unit == PeriodUnit.MONTHS:
        text = ngettext("%(n)d maand", "%(n)d maanden", period)
    else:
        text = ngettext("%(n)d jaar", "%(n)d jaar", period)
    return text % {"n": period}


MAX_PERIOD = {PeriodUnit.DAYS: 36525, PeriodUnit.MONTHS: 1200, PeriodUnit.YEARS: 100}

# Maximum lengths of the free texts, in characters. A legal source, a hold's reason or a
# ground for postponement names a reference in a few sentences; what a person asks and how
# it was handled fits in four thousand. The bounds keep the AVG export quick to build.
LEGAL_SOURCE_MAX_LENGTH = 2_000
HOLD_REASON_MAX_LENGTH = 2_000
GROUND_DETAIL_MAX_LENGTH = 2_000
REQUEST_TEXT_MAX_LENGTH = 4_000


class ClockAnchor(models.TextChoices):
    """From when the period runs. "After the last processing" restarts the clock on each
    later processing for the casus (see `retention.clock.start_clock`)."""

    OUTCOME = "outcome", _("na het besluit of de intrekking")
    LAST_PROCESSING = "last_processing", _("na de laatste verwerking")


class RetentionRule(models.Model):
    """A retention period as data (rule 8): outcome → period → legal source, set by the
    functioneel beheerder to the local convenant and the law. A change applies to clocks
    started afterwards; existing deletion dates change only by the explicit, audited
    `recompute_deletion_dates`."""

    basis = models.CharField(
        _("uitkomst of status"), max_length=30, choices=RetentionBasis.choices, unique=True
    )
    period = models.PositiveSmallIntegerField(_("termijn"))
    unit = models.CharField(_("eenheid"), max_length=10, choices=PeriodUnit.choices)
    anchor = models.CharField(
        _("termijn loopt"), max_length=20, choices=ClockAnchor.choices,
        default=ClockAnchor.OUTCOME,
    )
    legal_source = models.TextField(
        _("wettelijke grondslag"),
        max_length=LEGAL_SOURCE_MAX_LENGTH,
        help_text=_("De bron van deze termijn: het convenant, de wet of het besluit."),
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gewijzigd door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    recomputed_at = models.DateTimeField(_("vernietigingsdata herberekend op"), null=True,
                                         blank=True)
    recomputed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("herberekend door"), on_delete=models.PROTECT,
        null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("bewaartermijn")
        verbose_name_plural = _("bewaartermijnen")
        ordering = ["basis"]
        constraints = [
            models.CheckConstraint(
                name="retention_rule_period_positive", condition=Q(period__gte=1),
                violation_error_message=_("Een bewaartermijn is minstens 1."),
            ),
            # A deletion date must stay computable (and a retention period is no eternity).
            models.CheckConstraint(
                name="retention_rule_period_at_most_100_years",
                condition=Q(unit=PeriodUnit.DAYS, period__lte=MAX_PERIOD[PeriodUnit.DAYS])
                | Q(unit=PeriodUnit.MONTHS, period__lte=MAX_PERIOD[PeriodUnit.MONTHS])
                | Q(unit=PeriodUnit.YEARS, period__lte=MAX_PERIOD[PeriodUnit.YEARS]),
                violation_error_message=_("Een bewaartermijn is ten hoogste 100 jaar."),
            ),
            text_within("legal_source", LEGAL_SOURCE_MAX_LENGTH,
                        name="retention_rule_legal_source_max_length"),
        ]

    def __str__(self):
        return str(RetentionBasis(self.basis).label)

    @property
    def period_display(self) -> str:
        return f"{period_text(self.period, self.unit)} {ClockAnchor(self.anchor).label}"


class LegalHoldQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of legal holds: those on a signal or person of the weegploegen the
        user's partner takes part in. Another weegploeg's hold does not exist here."""
        weegploegen = weegploegen_of(user)
        return self.filter(Q(signal__weegploeg__in=weegploegen)
                           | Q(person__weegploeg__in=weegploegen))


class DeletedSignalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of tombstones: those of the user's weegploegen (national figures
        only in the anonymous trend export)."""
        return self.filter(weegploeg__in=weegploegen_of(user))


class PurgeFailureQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of purge failures: those of signals of the user's weegploegen (a
        failed signal still exists)."""
        return self.filter(signal_id__in=Signal.objects.filter(
            weegploeg__in=weegploegen_of(user)).values("pk"))


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of notifications: those of decisions the user sees as procesregisseur
        of the weegploeg (who notified the person, or the ground for postponing)."""
        if not has_role(user, Role.COORDINATOR):
            return self.none()
        return self.filter(decision__in=Decision.objects.visible_to(user))


class SubjectRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of requests under the AVG: those about persons of the user's
        weegploegen, for the functioneel beheerder and the FG."""
        if not has_role(user, Role.ADMIN, Role.AUDITOR):
            return self.none()
        return self.filter(person__in=Person.objects.visible_to(user))


class LegalHold(models.Model):
    """A juridische blokkade on a signal or on a person (all their signals): while it is not
    ended, nothing it covers is purged. Past its `until` date it still blocks — deleting
    data under a hold cannot be undone — and it is reported as expired until the
    functioneel beheerder ends or extends it."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("betrokkene"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )
    reason = models.TextField(_("reden"), max_length=HOLD_REASON_MAX_LENGTH)
    until = models.DateField(_("tot en met"))
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ingesteld door"), on_delete=models.PROTECT,
        related_name="+",
    )
    placed_at = models.DateTimeField(_("ingesteld op"), db_default=Now())
    ended_at = models.DateTimeField(_("beëindigd op"), null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("beëindigd door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    end_reason = models.TextField(
        _("reden van beëindiging"), blank=True, max_length=HOLD_REASON_MAX_LENGTH
    )

    objects = LegalHoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("juridische blokkade")
        verbose_name_plural = _("juridische blokkades")
        ordering = ["until", "pk"]
        indexes = [
            models.Index(fields=["signal"], name="hold_active_signal_idx",
                         condition=Q(ended_at__isnull=True)),
            models.Index(fields=["person"], name="hold_active_person_idx",
                         condition=Q(ended_at__isnull=True)),
        ]
        constraints = [
            models.CheckConstraint(
                name="hold_on_signal_or_person",
                condition=Q(signal__isnull=False, person__isnull=True)
                | Q(signal__isnull=True, person__isnull=False),
            ),
            models.CheckConstraint(name="hold_has_reason", condition=~Q(reason="")),
            text_within("reason", HOLD_REASON_MAX_LENGTH, name="hold_reason_max_length"),
            text_within("end_reason", HOLD_REASON_MAX_LENGTH, name="hold_end_reason_max_length"),
            models.CheckConstraint(
                name="hold_end_has_reason",
                condition=Q(ended_at__isnull=True) | ~Q(end_reason=""),
            ),
        ]

    def __str__(self):
        return f"Blokkade {self.pk}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class PurgeTrigger(models.TextChoices):
    NIGHTLY = "nightly", _("Nachtelijke taak")
    COMMAND = "command", _("Commando purge_expired")


class PurgeRun(models.Model):
    """The report of one purge run: counts and references only, never personal data. The
    signals purged and the failures are the tombstones and `PurgeFailure` rows that point
    here (written by the purge tasks, one per batch, possibly on other workers)."""

    trigger = models.CharField(_("aanleiding"), max_length=10, choices=PurgeTrigger.choices)
    started_at = models.DateTimeField(_("gestart"), db_default=Now())
    finished_at = models.DateTimeField(_("selectie en verdeling klaar"), null=True, blank=True)
    enabled = models.BooleanField(_("vernietiging ingeschakeld"), default=True)
    due = models.PositiveIntegerField(_("te vernietigen"), default=0)
    selected = models.PositiveIntegerField(_("geselecteerd"), default=0)
    skipped_for_hold = models.PositiveIntegerField(_("overgeslagen (blokkade)"), default=0)
    expired_holds = models.PositiveIntegerField(_("verlopen blokkades"), default=0)
    without_deletion_date = models.PositiveIntegerField(
        _("afgesloten zonder vernietigingsdatum"), default=0
    )
    files_completed = models.PositiveIntegerField(
        _("bestanden van eerdere runs verwijderd"), default=0
    )

    class Meta:
        verbose_name = _("vernietigingsrun")
        verbose_name_plural = _("vernietigingsruns")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"Vernietigingsrun {self.pk}"


class DeletedSignal(models.Model):
    """The tombstone of a purged signal (rule 8): what statistics and accountability need,
    and nothing about the person — no name, BSN, description, reporter or texts."""

    signal_id = models.BigIntegerField(_("signaalnummer"), unique=True)
    reference = models.CharField(_("referentienummer"), max_length=30, unique=True)
    weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("weegploeg"), on_delete=models.PROTECT, related_name="+"
    )
    received_on = models.DateField(_("datum ontvangst"))
    registered_on = models.DateField(_("datum registratie"))
    decided_on = models.DateField(_("datum besluit"), null=True, blank=True)
    withdrawn_on = models.DateField(_("datum intrekking"), null=True, blank=True)
    outcome = models.CharField(_("uitkomst"), max_length=30, blank=True)
    status = models.CharField(_("laatste status"), max_length=20)
    phenomenon = models.CharField(_("fenomeen"), max_length=30, choices=Phenomenon.choices)
    source_category = models.CharField(_("bron"), max_length=30, choices=SourceCategory.choices)
    is_repeat = models.BooleanField(_("herhaald signaal"), default=False)
    voting_rounds = models.PositiveSmallIntegerField(_("stemrondes"), default=0)
    deletion_due = models.DateField(_("te vernietigen op"), null=True, blank=True)
    deleted_at = models.DateTimeField(_("vernietigd op"), db_default=Now())
    purge_run = models.ForeignKey(
        PurgeRun, verbose_name=_("vernietigingsrun"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="tombstones"
    )
    # Storage names (ids and random hex only) still to remove after the commit; a run that
    # was killed before removing them leaves them here for the next run.
    pending_files = ArrayField(
        models.CharField(max_length=300), verbose_name=_("nog te verwijderen bestanden"),
        default=list, blank=True,
    )

    objects = DeletedSignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("vernietigd signaal")
        verbose_name_plural = _("vernietigde signalen")
        ordering = ["-deleted_at", "-pk"]
        indexes = [
            models.Index(fields=["deleted_at"], name="tombstone_pending_idx",
                         condition=~Q(pending_files=[])),
        ]

    def __str__(self):
        return f"Vernietigd signaal {self.reference}"


class PurgeFailure(models.Model):
    """A signal the run could not purge; it stays due and is tried again the next night.
    The error is its class name only: database messages can quote personal values."""

    run = models.ForeignKey(
        PurgeRun, verbose_name=_("vernietigingsrun"), on_delete=models.CASCADE,
        related_name="failures",
    )
    signal_id = models.BigIntegerField(_("signaalnummer"))
    reference = models.CharField(_("kenmerk"), max_length=30)
    error = models.CharField(_("fout"), max_length=200)
    at = models.DateTimeField(_("tijdstip"), db_default=Now())

    objects = PurgeFailureQuerySet.as_manager()

    class Meta:
        verbose_name = _("mislukte vernietiging")
        verbose_name_plural = _("mislukte vernietigingen")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Mislukte vernietiging {self.reference}"


class NotificationStatus(models.TextChoices):
    NOTIFIED = "notified", _("Genotificeerd")
    POSTPONED = "postponed", _("Uitgesteld")


class NotificationMethod(models.TextChoices):
    LETTER = "brief", _("Per brief")
    IN_PERSON = "gesprek", _("In een gesprek")
    PHONE = "telefoon", _("Telefonisch")
    OTHER = "other", _("Anders")


class PostponementGround(models.TextChoices):
    NATIONAL_SECURITY = "nationale_veiligheid", _("Nationale veiligheid")
    CRIMINAL_INVESTIGATION = "strafrechtelijk_onderzoek", _(
        "Voorkoming, opsporing of vervolging van strafbare feiten"
    )
    PROTECTION_OF_OTHERS = "bescherming_anderen", _("Bescherming van de rechten van anderen")
    OTHER = "other", _("Anders (toelichting verplicht)")


class Notification(models.Model):
    """Rule 7: whether the person was told that they are discussed in a casusoverleg —
    notified on a date, by whom and how, or postponed on a legal ground until a re-check
    date. One per casusoverleg decision (the first one; a correction keeps it). Its history
    is the audit log."""

    decision = models.OneToOneField(
        Decision, verbose_name=_("besluit"), on_delete=models.CASCADE, related_name="notification",
        limit_choices_to={"outcome": Outcome.CASUSOVERLEG, "corrects__isnull": True},
    )
    status = models.CharField(_("stand"), max_length=10, choices=NotificationStatus.choices)
    notified_on = models.DateField(_("genotificeerd op"), null=True, blank=True)
    notified_by = models.CharField(
        _("genotificeerd door"), max_length=200, blank=True,
        help_text=_("Naam en functie van wie de betrokkene heeft geïnformeerd."),
    )
    method = models.CharField(_("hoe"), max_length=10, choices=NotificationMethod.choices,
                              blank=True)
    ground = models.CharField(_("grond voor uitstel"), max_length=30,
                              choices=PostponementGround.choices, blank=True)
    ground_detail = models.TextField(
        _("toelichting"), blank=True, max_length=GROUND_DETAIL_MAX_LENGTH
    )
    recheck_on = models.DateField(_("opnieuw beoordelen op"), null=True, blank=True)
    recheck_reminder_sent_on = models.DateField(
        _("herinnering herbeoordeling verstuurd op"), null=True, blank=True,
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("vastgelegd op"), auto_now=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notificatie")
        verbose_name_plural = _("notificaties")
        ordering = ["recheck_on", "pk"]
        indexes = [
            models.Index(fields=["recheck_on"], name="notification_recheck_idx",
                         condition=Q(status=NotificationStatus.POSTPONED)),
        ]
        constraints = [
            models.CheckConstraint(
                name="notification_notified_complete",
                condition=~Q(status=NotificationStatus.NOTIFIED)
                | (Q(notified_on__isnull=False) & ~Q(notified_by="") & ~Q(method="")),
            ),
            models.CheckConstraint(
                name="notification_postponed_has_ground_and_recheck",
                condition=~Q(status=NotificationStatus.POSTPONED)
                | (~Q(ground="") & Q(recheck_on__isnull=False)
                   & (~Q(ground=PostponementGround.OTHER) | ~Q(ground_detail=""))),
            ),
            text_within("ground_detail", GROUND_DETAIL_MAX_LENGTH,
                        name="notification_ground_detail_max_length"),
        ]

    def __str__(self):
        return f"Notificatie {self.pk}"


class SubjectRequestKind(models.TextChoices):
    ACCESS = "inzage", _("Inzageverzoek (art. 15 AVG)")
    RECTIFICATION = "rectificatie", _("Rectificatieverzoek (art. 16 AVG)")
    ERASURE = "verwijdering", _("Verwijderverzoek (art. 17 AVG)")


class SubjectRequestStatus(models.TextChoices):
    OPEN = "open", _("In behandeling")
    GRANTED = "toegewezen", _("Toegewezen")
    PARTLY = "deels", _("Deels toegewezen")
    REFUSED = "afgewezen", _("Afgewezen")


class SubjectRequest(models.Model):
    """A request of the person under the AVG, recorded with its handling. When the person's
    data are purged, the request stays (that it was made and how it was handled) without
    its texts (replaced by a marker) and without the link to the person."""

    kind = models.CharField(_("soort verzoek"), max_length=20, choices=SubjectRequestKind.choices)
    person = models.ForeignKey(
        Person, verbose_name=_("betrokkene"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    case_number = models.CharField(
        _("kenmerk"), max_length=60,
        help_text=_("Het kenmerk van het verzoek in uw postregistratie; geen persoonsgegevens."),
    )
    received_on = models.DateField(_("ontvangen op"))
    request_text = models.TextField(
        _("wat wordt gevraagd"), blank=True, max_length=REQUEST_TEXT_MAX_LENGTH
    )
    status = models.CharField(_("stand"), max_length=12, choices=SubjectRequestStatus.choices,
                              default=SubjectRequestStatus.OPEN)
    handling = models.TextField(
        _("afhandeling"), blank=True, max_length=REQUEST_TEXT_MAX_LENGTH
    )
    handled_on = models.DateField(_("afgehandeld op"), null=True, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("afgehandeld door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("vastgelegd door"), on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("vastgelegd op"), db_default=Now())

    objects = SubjectRequestQuerySet.as_manager()

    class Meta:
        verbose_name = _("verzoek van de betrokkene")
        verbose_name_plural = _("verzoeken van betrokkenen")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                name="subject_request_handled_complete",
                condition=Q(status=SubjectRequestStatus.OPEN)
                | (Q(handled_on__isnull=False) & ~Q(handling="")),
            ),
            text_within("request_text", REQUEST_TEXT_MAX_LENGTH,
                        name="subject_request_request_text_max_length"),
            text_within("handling", REQUEST_TEXT_MAX_LENGTH,
                        name="subject_request_handling_max_length"),
        ]

    def __str__(self):
        return f"Verzoek {self.pk}"

    @property
    def is_open(self):
        return self.status == SubjectRequestStatus.OPEN
