"""Core model: partners, weegploegen, users with their partner and roles, the audit entry."""

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, Group, PermissionsMixin
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _


def text_within(field: str, max_length: int, *, name: str) -> models.CheckConstraint:
    """The database's half of a free text's maximum: a TextField's `max_length` is checked
    by forms only, so without this any other way in could still store ten megabytes."""
    return models.CheckConstraint(
        condition=LessThanOrEqual(Length(field), max_length),
        name=name,
        violation_error_message=format_lazy(
            _("Deze tekst is te lang: hoogstens {max_length} tekens."), max_length=max_length
        ),
    )


def choice_label(choices: type[models.Choices], value) -> str:
    """The label of `value` among `choices`, or the value itself if it is none of them: what
    Django's `get_FOO_display` gives, found by the enum. A model that shows a field in long
    lists defines its `get_FOO_display` with this (Django keeps one defined on the model):
    Django's own builds the dict of all choices on each call, translating every label
    (docs/adr/0007)."""
    try:
        return str(choices(value).label)
    except ValueError:
        return value


class PartnerKind(models.TextChoices):
    GEMEENTE = "gemeente", _("Gemeente")
    POLITIE = "politie", _("Politie")
    OM = "om", _("Openbaar Ministerie")


class Role(models.TextChoices):
    MELDPUNT = "meldpunt", _("Meldpunt")
    MEMBER = "member", _("Weegploeglid")
    COORDINATOR = "coordinator", _("Procesregisseur")
    ADMIN = "admin", _("Functioneel beheerder")
    AUDITOR = "auditor", _("Functionaris gegevensbescherming")
    SUPERVISOR = "supervisor", _("Toezichthouder")


class ProcessingActivity(models.TextChoices):
    """The purpose recorded with every audit entry, after the "Logboek Dataverwerkingen"
    standard: each processing of personal data names the processing activity it serves."""

    INTAKE = "signaalregistratie", _("Registratie en voorbereiding van signalen")
    ASSESSMENT = "weging", _("Weging op de vijf criteria")
    DECISION = "besluitvorming", _("Besluitvorming in de weegploeg")
    RETENTION = "bewaartermijn", _("Bewaartermijnen en vernietiging")
    SUBJECT_RIGHTS = "rechten_betrokkene", _("Rechten van de betrokkene")
    MANAGEMENT = "beheer", _("Functioneel beheer")
    STATISTICS = "statistiek", _("Statistiek en verantwoording")
    SUPERVISION = "toezicht", _("Toezicht op de verwerking")
    AUTHENTICATION = "authenticatie", _("Inloggen en beveiliging")


class Weegploeg(models.Model):
    """The body of the three core parties that weighs signals (docs/design.md §3, rule 1).

    Exactly one politie and one OM partner (the foreign keys), and one or more gemeente
    partners (a regional weegploeg): `Partner.weegploeg` of each municipality it serves.
    """

    name = models.CharField(_("naam"), max_length=200, unique=True)
    code = models.SlugField(
        _("code"),
        max_length=20,
        unique=True,
        help_text=_("Korte code, gebruikt in referentienummers (bijvoorbeeld WP)."),
    )
    politie = models.ForeignKey(
        "Partner",
        verbose_name=_("politie-eenheid"),
        on_delete=models.PROTECT,
        related_name="weegploegen_as_politie",
        limit_choices_to={"kind": PartnerKind.POLITIE},
    )
    om = models.ForeignKey(
        "Partner",
        verbose_name=_("OM-parket"),
        on_delete=models.PROTECT,
        related_name="weegploegen_as_om",
        limit_choices_to={"kind": PartnerKind.OM},
    )

    class Meta:
        verbose_name = _("weegploeg")
        verbose_name_plural = _("weegploegen")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        # docs/design.md §3 rule 1: the politie and OM seats hold partners of that kind.
        errors = {}
        if self.politie_id and self.politie.kind != PartnerKind.POLITIE:
            errors["politie"] = _("Kies een partner van de soort politie.")
        if self.om_id and self.om.kind != PartnerKind.OM:
            errors["om"] = _("Kies een partner van de soort Openbaar Ministerie.")
        if errors:
            raise ValidationError(errors)

    def partners(self):
        """All partners that take part: the gemeenten served, the politie and the OM."""
        return Partner.objects.filter(
            Q(weegploeg=self) | Q(pk=self.politie_id) | Q(pk=self.om_id)
        )

    def takes_part(self, partner) -> bool:
        """Whether `partner` is one of `partners()`, answered from the rows in hand."""
        return partner is not None and (
            partner.weegploeg_id == self.pk or partner.pk in (self.politie_id, self.om_id)
        )


class Partner(models.Model):
    """A core party: a gemeente (on behalf of the burgemeester), a politie eenheid, an OM
    parket. A gemeente belongs to the one weegploeg that serves its inhabitants."""

    kind = models.CharField(_("soort"), max_length=10, choices=PartnerKind.choices)
    name = models.CharField(_("naam"), max_length=200, unique=True)
    code = models.SlugField(_("code"), max_length=40, unique=True)
    weegploeg = models.ForeignKey(
        Weegploeg,
        verbose_name=_("weegploeg (voor gemeenten)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="gemeenten",
    )

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                name="partner_only_gemeente_has_weegploeg",
                condition=Q(kind=PartnerKind.GEMEENTE) | Q(weegploeg__isnull=True),
                violation_error_message=_(
                    "Alleen een gemeente hoort via dit veld bij een weegploeg; politie en OM "
                    "worden bij de weegploeg zelf gekozen."
                ),
            ),
        ]

    def __str__(self):
        return self.name


class RoleGroup(models.Model):
    """The group that stands for one role within one partner ("Politie Oost — weegploeglid").

    Object permissions (django-guardian, direct-FK tables) are granted to these groups, so
    access follows the partner and role, never a global permission.
    """

    partner = models.ForeignKey(
        Partner, verbose_name=_("partner"), on_delete=models.CASCADE, related_name="role_groups",
    )
    role = models.CharField(_("rol"), max_length=20, choices=Role.choices)
    group = models.OneToOneField(
        Group, verbose_name=_("groep"), on_delete=models.CASCADE, related_name="role_group",
    )

    class Meta:
        verbose_name = _("rolgroep")
        verbose_name_plural = _("rolgroepen")
        constraints = [
            models.UniqueConstraint(fields=["partner", "role"], name="rolegroup_unique_role"),
        ]

    def __str__(self):
        return self.group.name


class LegalGround(models.Model):
    """A legal ground on which partners exchange information (docs/design.md §3 rule 13):
    every contribution, information request and answer names one. The list belongs to the
    functioneel beheerder (the beheer screens); a ground that is not (or no longer) in force
    stays in the list for the exchanges that named it, but is not offered for new ones."""

    name = models.CharField(_("grondslag"), max_length=200, unique=True)
    source = models.CharField(
        _("wettelijke bron"), max_length=300, blank=True,
        help_text=_("Het artikel en de regeling, of het convenant waarop de grondslag rust."),
    )
    in_force = models.BooleanField(
        _("van kracht"), default=True,
        help_text=_("Alleen een grondslag die van kracht is, kan bij een nieuwe uitwisseling "
                    "worden gekozen."),
    )

    class Meta:
        verbose_name = _("grondslag voor uitwisseling")
        verbose_name_plural = _("grondslagen voor uitwisseling")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("Een e-mailadres is verplicht.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person working for one partner; what they may do follows from their roles there."""

    email = models.EmailField(_("e-mailadres"), unique=True)
    full_name = models.CharField(_("naam"), max_length=200)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    is_active = models.BooleanField(_("actief"), default=True)
    is_staff = models.BooleanField(_("technisch beheer"), default=False)
    date_joined = models.DateTimeField(_("aangemaakt op"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")
        ordering = ["full_name"]

    def __str__(self):
        # Staff, not data subjects: their name is what the audit log must show.
        return self.full_name or self.email

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name


class AuditEntryQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of the audit log: an FG (role auditor) reads the entries whose actor
        worked for their own partner, and those about objects of the weegploegen their
        partner takes part in — nothing else, also not through a filter or the export.
        Nobody else reads the log on screen."""
        from pga.authz import has_role, weegploegen_of

        if not has_role(user, Role.AUDITOR):
            return self.none()
        return self.filter(Q(partner_id=user.partner_id) | Q(weegploeg__in=weegploegen_of(user)))


class AuditEntryManager(LogEntryManager.from_queryset(AuditEntryQuerySet)):
    """django-auditlog's manager, writing with each entry the weegploeg of the logged object
    (`pga.audit.weegploeg_of`, by the path its app declared when registering it); inside
    `pga.audit.entries_together` an entry is kept to be written with the others."""

    def create(self, **kwargs):
        from pga.audit import collected_entries

        collected = collected_entries()
        if collected is None:
            return super().create(**kwargs)
        entry = self.model(**kwargs)
        entry.fill_in_context()
        collected.append(entry)
        return entry

    def log_create(self, instance, force_log: bool = False, **kwargs):
        if kwargs.get("changes") is not None or force_log:
            from pga.audit import weegploeg_of

            kwargs.setdefault("weegploeg_id", weegploeg_of(instance))
        return super().log_create(instance, force_log=force_log, **kwargs)

    def log_m2m_changes(self, changed_queryset, instance, operation, field_name, **kwargs):
        if changed_queryset:
            from pga.audit import weegploeg_of

            kwargs.setdefault("weegploeg_id", weegploeg_of(instance))
        return super().log_m2m_changes(changed_queryset, instance, operation, field_name,
                                       **kwargs)


class AuditEntry(AbstractLogEntry):
    """The audit log (django-auditlog's entry plus the partner, the purpose and the
    weegploeg).

    Every create, update and delete of a registered model, and every read of personal data
    (action ACCESS, written by `pga.audit.record_access`), with the acting user, their partner,
    the processing activity it served ("Logboek Dataverwerkingen") and the weegploeg whose
    data it concerns. Values of personal or free-text fields are never stored
    (`pga.audit.register`), so no entry ever needs changing: PostgreSQL refuses every UPDATE
    and DELETE (docs/adr/0005).
    """

    # django-auditlog's fields, less the indexes the composite ones below cover (ADR 0007 §4).
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("soort object"),
        db_index=False,
    )
    object_pk = models.CharField(max_length=255, verbose_name=_("objectnummer"))
    actor = models.ForeignKey(
        "pga.User",
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("gebruiker"),
        db_index=False,
    )
    cid = models.CharField(max_length=255, blank=True, null=True,
                           verbose_name=_("correlatienummer"))
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose = models.CharField(
        _("verwerkingsactiviteit"), max_length=30, choices=ProcessingActivity.choices
    )
    # The weegploeg whose data the entry concerns, set when it is written (None for partners,
    # users, the framework). PROTECT: a weegploeg with entries is never deleted (the log
    # cannot be updated to forget it).
    weegploeg = models.ForeignKey(
        Weegploeg,
        verbose_name=_("weegploeg"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
    )
    # The hash chain (set by the database trigger on insert; see migrations 0003 and 0011 and
    # `pga.audit.verify_audit_chain`): each entry's hash covers the previous entry's hash and
    # every column of its own.
    chain_seq = models.BigIntegerField(
        _("plaats in de keten"), null=True, unique=True, editable=False,
    )
    prev_hash = models.CharField(
        _("hash van de vorige regel"), max_length=64, blank=True, editable=False,
    )
    entry_hash = models.CharField(
        _("hash van deze regel"), max_length=64, blank=True, editable=False,
    )

    objects = AuditEntryManager()

    class Meta(AbstractLogEntry.Meta):
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        indexes = [
            models.Index(fields=["content_type", "object_pk"], name="audit_object_idx"),
            models.Index(fields=["actor", "timestamp"], name="audit_actor_time_idx"),
            models.Index(fields=["cid"], name="audit_cid_idx"),
            # The auditor's scope: the entries of their weegploegen, newest first.
            models.Index(fields=["weegploeg", "timestamp"], name="audit_weegploeg_time_idx"),
        ]

    @property
    def changed_fields(self) -> list[str]:
        """The fields this entry says changed, by their label (the model field's
        `verbose_name`), in the order of the model; a field its model no longer has keeps
        its name. Only names: the entry holds no values of personal fields (docs/adr/0005)."""
        names = list((self.changes or {}).keys())
        model = self.content_type.model_class() if self.content_type_id else None
        if model is None:
            return names
        order = {field.name: n for n, field in enumerate(model._meta.get_fields())}
        labels = []
        for name in sorted(names, key=lambda name: (order.get(name, len(order)), name)):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                field = None
            if field is not None and field.auto_created and not field.concrete:
                # A relation from another model (django-auditlog names those too).
                labels.append(str(field.related_model._meta.verbose_name_plural))
            else:
                labels.append(str(getattr(field, "verbose_name", name)))
        return labels

    @property
    def local_timestamp(self) -> str:
        """The time of the entry as the screen and the export show it: local time (TIME_ZONE),
        day-month-year with seconds."""
        return date_format(timezone.localtime(self.timestamp), "d-m-Y H:i:s")

    def fill_in_context(self):
        """The actor, their partner and the purpose of the work being done, unless given."""
        from pga.audit import current_actor, current_purpose

        if self.actor_id is None:
            actor = current_actor()
            if actor is not None:
                self.actor = actor
                self.actor_email = actor.email
        if self.partner_id is None and self.actor_id is not None:
            self.partner_id = getattr(self.actor, "partner_id", None)
        if not self.purpose:
            self.purpose = current_purpose()

    def save(self, *args, **kwargs):
        self.fill_in_context()
        super().save(*args, **kwargs)


class AuditChainHead(models.Model):
    """The last link of the audit hash chain (one row, id 1), kept by the insert trigger so
    that a removed tail of the log is noticed too."""

    id = models.SmallIntegerField(_("id"), primary_key=True)
    last_seq = models.BigIntegerField(_("laatste plaats in de keten"))
    last_hash = models.CharField(_("laatste hash"), max_length=64)

    class Meta:
        verbose_name = _("kop van de auditketen")
        verbose_name_plural = _("kop van de auditketen")
        db_table = "pga_auditchain_head"

    def __str__(self):
        return f"Keten tot {self.last_seq}"


def role_group_name(partner: Partner, role: str) -> str:
    """Readable and unique (the partner's code is unique) within auth's 150 characters."""
    return f"{partner.name[:70]} ({partner.code}) — {Role(role).label}"


