"""Intake: signals, the persons they are about, attachments, partner contributions, the
timeline, transfers — and the direct-FK permission tables that guard signals.

No personal data in `__str__`: django-auditlog copies it into every audit entry unmasked.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Now, Upper
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from pga.models import Partner, Role, Weegploeg, choice_label, text_within
from signals.validators import validate_single_line


class SourceCategory(models.TextChoices):
    PROFESSIONAL = "professional", _("Professional")
    CITIZEN = "burger", _("Burger")
    POLICE_REGISTRATION = "politie_registratie", _("Politieregistratie")
    AIVD = "ambtsbericht_aivd", _("Ambtsbericht AIVD")
    LSE = "doorverwijzing_lse", _("Doorverwijzing Landelijk Steunpunt Extremisme")
    OM = "om", _("Openbaar Ministerie")
    OTHER = "other", _("Overig")


class ProfessionalSector(models.TextChoices):
    EDUCATION = "onderwijs", _("Onderwijs")
    CARE = "zorg_ggz", _("Zorg / GGZ")
    YOUTH_WORK = "jeugd_jongerenwerk", _("Jeugd- en jongerenwerk")
    SOCIAL = "sociaal_domein", _("Sociaal domein")
    HOUSING = "woningcorporatie", _("Woningcorporatie")
    OTHER = "other", _("Overig")


class Phenomenon(models.TextChoices):
    JIHADISM = "jihadisme", _("Jihadisme")
    RIGHT_WING = "rechts_extremisme", _("Rechts-extremisme")
    LEFT_WING = "links_extremisme", _("Links-extremisme")
    ANTI_INSTITUTIONAL = "anti_institutioneel", _("Anti-institutioneel extremisme")
    UNCLEAR = "other", _("Overig / onduidelijk")


class SignalStatus(models.TextChoices):
    """docs/design.md §3: a signal leaves the queue only by a decision, a withdrawal with a
    written reason, or a transfer."""

    REGISTERED = "registered", _("Geregistreerd")
    IN_PREPARATION = "in_preparation", _("In voorbereiding")
    ON_AGENDA = "on_agenda", _("Geagendeerd")
    MORE_INFORMATION = "more_information", _("Nadere duiding")
    DECIDED = "decided", _("Besloten")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    TRANSFERRED = "transferred", _("Overgedragen")


# Until a signal is on a session's agenda its registration may be edited; after that only
# contributions are added (issue: "edit until on the agenda").
EDITABLE_STATUSES = (SignalStatus.REGISTERED, SignalStatus.IN_PREPARATION)
# Maximum lengths of the free texts, in characters. A factual account of behaviour or of
# what a partner knows fits in ten thousand (some four pages); a reason in four thousand.
# The bound keeps every page, audit entry, decision record and AVG export that shows them
# quick to build.
DESCRIPTION_MAX_LENGTH = 10_000
CONTENT_MAX_LENGTH = 10_000
REASON_MAX_LENGTH = 4_000

# Statuses in which a signal is still in the weegploeg's queue.
OPEN_STATUSES = (
    SignalStatus.REGISTERED,
    SignalStatus.IN_PREPARATION,
    SignalStatus.ON_AGENDA,
    SignalStatus.MORE_INFORMATION,
)


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of persons: the person index is per weegploeg (docs/adr/0006), so a
        user reads the persons of the weegploegen their partner takes part in, and nothing
        of any other weegploeg's index. Which signals (and so which details) a role may see
        is decided per signal by `pga.authz`."""
        from pga.authz import weegploegen_of

        return self.filter(weegploeg__in=weegploegen_of(user))


class Person(models.Model):
    """The betrokkene. One row per person across their signals within one weegploeg (the
    person index is per weegploeg), so a repeat signal there links to the same row. A person
    may start with only a pseudonymous label; identity (name, date of birth, BSN) can be
    added later."""

    weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("weegploeg"), on_delete=models.PROTECT, related_name="persons"
    )

    label = models.CharField(
        _("werknaam"),
        max_length=100,
        blank=True,
        help_text=_("Pseudoniem zolang de identiteit onbekend is."),
        validators=[validate_single_line],
    )
    first_names = models.CharField(_("voornamen"), max_length=200, blank=True,
                                   validators=[validate_single_line])
    surname_prefix = models.CharField(_("tussenvoegsel"), max_length=20, blank=True,
                                      validators=[validate_single_line])
    surname = models.CharField(_("achternaam"), max_length=200, blank=True,
                               validators=[validate_single_line])
    date_of_birth = models.DateField(_("geboortedatum"), null=True, blank=True)
    bsn = models.CharField(_("BSN"), max_length=9, blank=True)
    address = models.CharField(_("adres"), max_length=300, blank=True,
                               validators=[validate_single_line])
    postcode = models.CharField(_("postcode"), max_length=7, blank=True,
                                validators=[validate_single_line])
    municipality = models.ForeignKey(
        Partner,
        verbose_name=_("woongemeente"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "gemeente"},
    )
    # Lower case, diacritics removed, spaces folded: the key for repeat matching.
    normalised_name = models.CharField(
        _("genormaliseerde naam"), max_length=420, blank=True, editable=False,
    )
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("betrokkene")
        verbose_name_plural = _("betrokkenen")
        indexes = [
            models.Index(fields=["weegploeg", "bsn"], name="person_bsn_idx",
                         condition=~Q(bsn="")),
            models.Index(fields=["weegploeg", "normalised_name", "date_of_birth"],
                         name="person_name_dob_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="person_bsn_nine_digits",
                condition=Q(bsn="") | Q(bsn__regex=r"^[0-9]{9}$"),
                violation_error_message=_("Een BSN bestaat uit 9 cijfers (0 tot en met 9)."),
            ),
        ]

    def __str__(self):
        return f"Betrokkene {self.pk}"

    @property
    def has_identity(self) -> bool:
        """Identity is complete (docs/design.md rule 11) with a surname and a date of birth."""
        return bool(self.surname and self.date_of_birth)

    @property
    def display_name(self) -> str:
        if self.surname:
            parts = [self.first_names, self.surname_prefix, self.surname]
            return " ".join(p for p in parts if p)
        return self.label or str(_("(identiteit onbekend)"))


def codename(perm: str) -> str:
    """The codename of a permission on signals ("signals.view_dossier" → "view_dossier")."""
    app_label, _dot, name = perm.rpartition(".")
    if app_label not in ("", "signals"):
        raise ValueError(f"Geen permissie op signalen: {perm}")
    return name


class SignalQuerySet(models.QuerySet):
    def visible_to(self, user, perm: str = "signals.view_signal"):
        """The one scope of signals: those on which `user` holds `perm`, through their own or
        their partner roles' object permissions (the direct-FK tables below). The only way
        lists, searches and counts read signals. No global permissions and no superuser
        bypass.

        The query guardian's `get_objects_for_user` makes for these tables (the signal ids
        in the user's group rows or in their own rows for that permission), built directly:
        guardian's general version cost more to build than the database took to run it."""
        from django.contrib.contenttypes.models import ContentType

        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        held = {"permission__codename": codename(perm),
                "permission__content_type": ContentType.objects.get_for_model(Signal)}
        return self.filter(
            Q(pk__in=SignalGroupObjectPermission.objects.filter(group__user=user, **held)
              .values("content_object_id"))
            | Q(pk__in=SignalUserObjectPermission.objects.filter(user=user, **held)
                .values("content_object_id"))
        )


class Signal(models.Model):
    """A registered signal. Read only through its one scope, `Signal.objects.visible_to`, and
    `signals.access` for one signal; permissions live in the direct-FK tables below."""

    reference = models.CharField(_("referentienummer"), max_length=30, unique=True)
    weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("weegploeg"), on_delete=models.PROTECT, related_name="signals"
    )
    person = models.ForeignKey(
        Person, verbose_name=_("betrokkene"), on_delete=models.PROTECT, related_name="signals"
    )
    received_on = models.DateField(_("datum ontvangst"))
    receiving_partner = models.ForeignKey(
        Partner,
        verbose_name=_("ontvangende partner"),
        on_delete=models.PROTECT,
        related_name="received_signals",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("geregistreerd door"),
        on_delete=models.PROTECT,
        related_name="registered_signals",
    )
    registered_at = models.DateTimeField(_("geregistreerd op"), db_default=Now())
    source_category = models.CharField(
        _("bron"), max_length=30, choices=SourceCategory.choices
    )
    source_sector = models.CharField(
        _("sector van de professional"),
        max_length=30,
        choices=ProfessionalSector.choices,
        blank=True,
    )
    reporter_name = models.CharField(_("naam melder"), max_length=200, blank=True,
                                     validators=[validate_single_line])
    reporter_organisation = models.CharField(_("organisatie melder"), max_length=200,
                                             blank=True, validators=[validate_single_line])
    reporter_contact = models.CharField(_("contactgegevens melder"), max_length=200,
                                        blank=True, validators=[validate_single_line])
    description = models.TextField(
        _("feitelijke beschrijving van het gedrag"), max_length=DESCRIPTION_MAX_LENGTH
    )
    behaviour_from = models.DateField(_("datum gedrag (vanaf)"))
    behaviour_to = models.DateField(_("datum gedrag (tot en met)"), null=True, blank=True)
    phenomenon = models.CharField(_("fenomeen"), max_length=30, choices=Phenomenon.choices)
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=SignalStatus.choices,
        default=SignalStatus.REGISTERED,
        db_default=SignalStatus.REGISTERED,
    )
    acute_danger = models.BooleanField(_("acuut gevaar gemeld"), default=False)
    is_repeat = models.BooleanField(
        _("herhaald signaal"),
        default=False,
        help_text=_("Bij registratie waren er al eerdere signalen over deze betrokkene."),
    )
    withdrawal_reason = models.TextField(
        _("reden van intrekking"), blank=True, max_length=REASON_MAX_LENGTH
    )
    withdrawn_at = models.DateTimeField(_("ingetrokken op"), null=True, blank=True)
    # The retention clock (docs/design.md §3 rule 8), set by `retention.clock` when an outcome
    # starts it: which rule applies, from which date, and the deletion date computed then —
    # stored, so the nightly selection is an indexed date comparison.
    retention_basis = models.CharField(_("bewaartermijn"), max_length=30, blank=True)
    retention_started_on = models.DateField(_("bewaartermijn loopt vanaf"), null=True, blank=True)
    deletion_due = models.DateField(
        _("te vernietigen op"), null=True, blank=True, db_index=True
    )
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    objects = SignalQuerySet.as_manager()

    class Meta:
        verbose_name = _("signaal")
        verbose_name_plural = _("signalen")
        ordering = ["-received_on", "-pk"]
        permissions = [
            ("view_dossier", _("Het dossier inzien als weegploeg")),
            ("view_reporter", _("Meldergegevens inzien")),
            ("contribute_signal", _("Informatie inbrengen")),
            ("manage_signal", _("Intrekken en overdragen")),
        ]
        indexes = [
            models.Index(fields=["weegploeg", "status", "-received_on"], name="signal_queue_idx"),
            models.Index(fields=["person"], name="signal_person_idx"),
            # Created CONCURRENTLY by migration 0005; the trigram indexes of that migration
            # cannot be declared here (docs/adr/0007-performance.md).
            models.Index(fields=["-received_on", "-id"], name="signal_open_received_idx",
                         condition=Q(status__in=OPEN_STATUSES)),
            models.Index(Upper("reference"), name="signal_reference_upper_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                name="signal_behaviour_period_ordered",
                condition=Q(behaviour_to__isnull=True)
                | Q(behaviour_to__gte=models.F("behaviour_from")),
                violation_error_message=_("De einddatum ligt vóór de begindatum."),
            ),
            models.CheckConstraint(
                name="signal_withdrawal_has_reason",
                condition=~Q(status=SignalStatus.WITHDRAWN) | ~Q(withdrawal_reason=""),
            ),
            text_within("description", DESCRIPTION_MAX_LENGTH,
                        name="signal_description_max_length"),
            text_within("withdrawal_reason", REASON_MAX_LENGTH,
                        name="signal_withdrawal_reason_max_length"),
        ]

    def __str__(self):
        return self.reference

    # The queue and the signal page show these in every row (`choice_label`).
    def get_status_display(self):
        return choice_label(SignalStatus, self.status)

    def get_phenomenon_display(self):
        return choice_label(Phenomenon, self.phenomenon)

    def get_source_category_display(self):
        return choice_label(SourceCategory, self.source_category)

    def get_source_sector_display(self):
        return choice_label(ProfessionalSector, self.source_sector)

    @property
    def is_withdrawn(self):
        return self.status == SignalStatus.WITHDRAWN

    @property
    def is_editable(self) -> bool:
        return self.status in EDITABLE_STATUSES

    @property
    def is_open(self) -> bool:
        """Still in the weegploeg's queue (`OPEN_STATUSES`)."""
        return self.status in OPEN_STATUSES


class ReferenceCounter(models.Model):
    """The last sequence number used per weegploeg and year (see `next_reference`)."""

    weegploeg = models.ForeignKey(Weegploeg, verbose_name=_("weegploeg"), on_delete=models.CASCADE)
    year = models.PositiveSmallIntegerField(_("jaar"))
    last = models.PositiveIntegerField(_("laatste volgnummer"))

    class Meta:
        verbose_name = _("volgnummerteller")
        verbose_name_plural = _("volgnummertellers")
        constraints = [
            models.UniqueConstraint(fields=["weegploeg", "year"], name="reference_counter_unique"),
        ]

    def __str__(self):
        return f"{self.weegploeg_id}-{self.year}"


class SignalUserObjectPermission(UserObjectPermissionBase):
    """django-guardian direct-FK table: per-user permissions on a signal."""

    content_object = models.ForeignKey(Signal, verbose_name=_("signaal"), on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = _("recht van een gebruiker op een signaal")
        verbose_name_plural = _("rechten van gebruikers op signalen")


class SignalGroupObjectPermission(GroupObjectPermissionBase):
    """django-guardian direct-FK table: per-group (partner role) permissions on a signal."""

    content_object = models.ForeignKey(Signal, verbose_name=_("signaal"), on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = _("recht van een groep op een signaal")
        verbose_name_plural = _("rechten van groepen op signalen")


def attachment_path(instance, filename):
    # Never the uploaded name: it may hold personal data. The name is kept in the row.
    return f"bijlagen/{instance.signal_id}/{uuid.uuid4().hex}"


class Attachment(models.Model):
    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="attachments",
    )
    file = models.FileField(_("bestand"), upload_to=attachment_path, max_length=300)
    original_name = models.CharField(_("bestandsnaam"), max_length=255)
    content_type = models.CharField(_("bestandstype"), max_length=120)
    size = models.PositiveBigIntegerField(_("grootte"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("toegevoegd door"), on_delete=models.PROTECT,
        related_name="+"
    )
    uploaded_at = models.DateTimeField(_("toegevoegd op"), db_default=Now())

    class Meta:
        verbose_name = _("bijlage")
        verbose_name_plural = _("bijlagen")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return f"Bijlage {self.pk}"


class ContributionVisibility(models.TextChoices):
    WEEGPLOEG = "weegploeg", _("Zichtbaar voor de weegploeg")
    OWN_PARTNER = "own_partner", _("Alleen eigen organisatie (afgeschermd)")


class ShieldedByPartner(models.Model):
    """Content a partner may mark "own partner only" (a contribution, a partner's assessment):
    then only that partner sees the content; the others see that it exists (docs/design.md §4.2)."""

    class Meta:
        abstract = True

    def is_shielded_for(self, partner_id) -> bool:
        own_only = self.visibility == ContributionVisibility.OWN_PARTNER
        return own_only and self.partner_id != partner_id


class Contribution(ShieldedByPartner):
    """Information a partner brings in (informatie-inbreng). Marked "own partner only" (e.g.
    a running criminal investigation), its content is shown to that partner alone; the
    others see that the partner holds shielded information."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="contributions",
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, related_name="+",
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("auteur"), on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(_("bron"), max_length=200, validators=[validate_single_line])
    information_date = models.DateField(_("datum van de informatie"))
    content = models.TextField(_("informatie"), max_length=CONTENT_MAX_LENGTH)
    visibility = models.CharField(
        _("zichtbaarheid"),
        max_length=20,
        choices=ContributionVisibility.choices,
        default=ContributionVisibility.WEEGPLOEG,
    )
    created_at = models.DateTimeField(_("ingebracht op"), db_default=Now())
    # Rule 13: the ground on which the partner shares it (empty only for contributions made
    # before the rule).
    legal_ground = models.ForeignKey(
        "pga.LegalGround", verbose_name=_("grondslag"), on_delete=models.PROTECT, null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("informatie-inbreng")
        verbose_name_plural = _("informatie-inbreng")
        ordering = ["created_at", "pk"]
        constraints = [
            text_within("content", CONTENT_MAX_LENGTH, name="contribution_content_max_length"),
        ]

    def __str__(self):
        return f"Inbreng {self.pk}"


class EventKind(models.TextChoices):
    REGISTERED = "registered", _("Geregistreerd")
    EDITED = "edited", _("Gewijzigd")
    IDENTITY = "identity", _("Identiteit aangevuld of gewijzigd")
    ATTACHMENT = "attachment", _("Bijlage toegevoegd")
    CONTRIBUTION = "contribution", _("Informatie ingebracht")
    ASSESSMENT = "assessment", _("Weging vastgelegd")
    ACUTE_DANGER = "acute_danger", _("Acuut gevaar gemeld aan de weegploeg")
    WITHDRAWN = "withdrawn", _("Ingetrokken")
    TRANSFERRED_IN = "transferred_in", _("Overgedragen aan deze weegploeg")
    STATUS = "status", _("Status gewijzigd")
    DECIDED = "decided", _("Besluit genomen")


class SignalEvent(models.Model):
    """The signal's timeline: what happened, when, by whom. Written by the services; holds no
    personal data of the betrokkene (that lives in the audit log)."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="events",
    )
    kind = models.CharField(_("soort gebeurtenis"), max_length=30, choices=EventKind.choices)
    at = models.DateTimeField(_("tijdstip"), db_default=Now())
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("gebruiker"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+"
    )
    note = models.CharField(_("toelichting"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("gebeurtenis bij een signaal")
        verbose_name_plural = _("gebeurtenissen bij signalen")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Gebeurtenis {self.pk}"

    def get_kind_display(self):  # every line of the timeline (`choice_label`)
        return choice_label(EventKind, self.kind)


class Transfer(models.Model):
    """A dossier moved to the weegploeg of the person's new municipality (docs/design.md rule 10).
    The sending weegploeg keeps this row, and nothing else, as its reference."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="transfers",
    )
    reference = models.CharField(_("kenmerk"), max_length=30)
    from_weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("van weegploeg"), on_delete=models.PROTECT, related_name="+",
    )
    to_weegploeg = models.ForeignKey(
        Weegploeg, verbose_name=_("naar weegploeg"), on_delete=models.PROTECT, related_name="+",
    )
    reason = models.TextField(_("reden"), max_length=REASON_MAX_LENGTH)
    transferred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("overgedragen door"), on_delete=models.PROTECT,
        related_name="+"
    )
    transferred_at = models.DateTimeField(_("overgedragen op"), db_default=Now())
    # The receiving weegploeg's procesregisseur has taken the dossier in (the work-list
    # entry ends).
    received_at = models.DateTimeField(_("ontvangen op"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("ontvangen door"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("overdracht")
        verbose_name_plural = _("overdrachten")
        ordering = ["-transferred_at"]
        constraints = [
            text_within("reason", REASON_MAX_LENGTH, name="transfer_reason_max_length"),
        ]

    def __str__(self):
        return f"Overdracht {self.reference}"


class MatchNoticeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of match notices: the procesregisseurs of the weegploeg that holds
        the notice's own signal; nobody else."""
        from pga.authz import has_role, weegploegen_of

        if not has_role(user, Role.COORDINATOR):
            return self.none()
        return self.filter(signal__weegploeg__in=weegploegen_of(user))


class MatchNotice(models.Model):
    """Rule 9 across weegploegen: a person registered (or identified) here matches a person
    known to another weegploeg. Each of the two weegploegen gets one notice that names only
    the other weegploeg, the two references and the role to contact there — never the other
    side's details. It goes when either signal goes (purge, by cascade)."""

    signal = models.ForeignKey(
        Signal, verbose_name=_("signaal"), on_delete=models.CASCADE, related_name="match_notices",
    )
    other_signal = models.ForeignKey(
        Signal, verbose_name=_("signaal van de andere weegploeg"), on_delete=models.CASCADE,
        related_name="+",
    )
    contact_role = models.CharField(_("contact via"), max_length=100)
    created_at = models.DateTimeField(_("aangemaakt op"), db_default=Now())

    objects = MatchNoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("melding van overeenkomst met een andere weegploeg")
        verbose_name_plural = _("meldingen van overeenkomst met een andere weegploeg")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["signal", "other_signal"], name="match_notice_once"),
        ]

    def __str__(self):
        return f"Overeenkomst {self.pk}"
