"""The inzage export as a stored object (issue 16 point 5): asked for in a request, built by a
Celery task (`rights.tasks`), downloaded once, then removed.

An export holds everything about one person as one user of one partner may see it (shielded
information of other partners without its content), so it belongs to the user who asked for
it: `SubjectAccessExport.objects.visible_to`. The row holds no personal data (ids, the
purpose, the request's case number, dates); the file does, and lives no longer than needed:
removed after the download, after SUBJECT_EXPORT_KEEP_HOURS, and with the person's data
(`rights.services`, "removing exports").
"""

from django.conf import settings
from django.db import models
from django.db.models.functions import Now
from django.utils.translation import gettext_lazy as _

from pga.authz import has_role
from pga.models import Role
from signals.models import Person
from weegploeg.models import ExportStatus

RIGHTS_ROLES = (Role.ADMIN, Role.AUDITOR)


class AccessPurpose(models.TextChoices):
    """Why a person is looked up here; recorded with every search, view and export."""

    ACCESS = "inzageverzoek", _("Inzageverzoek van de betrokkene")
    RECTIFICATION = "rectificatieverzoek", _("Rectificatieverzoek")
    ERASURE = "verwijderverzoek", _("Verwijderverzoek")
    LEGAL_HOLD = "juridische_blokkade", _("Juridische blokkade instellen")
    SUPERVISION = "toezicht", _("Toezicht door de functionaris gegevensbescherming")


class ExportFormat(models.TextChoices):
    JSON = "json", _("JSON")
    PDF = "pdf", _("PDF/A")


class SubjectAccessExportQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one scope of inzage exports: the functioneel beheerder's or FG's own, of a
        person still in their weegploegen. Anyone else's export does not exist for them."""
        if not has_role(user, *RIGHTS_ROLES):
            return self.none()
        return self.filter(requested_by=user, person__in=Person.objects.visible_to(user))


class SubjectAccessExport(models.Model):
    """One inzage export (AVG art. 15) of one person, built in the background."""

    person = models.ForeignKey(Person, verbose_name=_("betrokkene"), on_delete=models.CASCADE,
                               related_name="+")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("aangevraagd door"),
                                     on_delete=models.PROTECT, related_name="+")
    export_format = models.CharField(_("formaat"), max_length=4, choices=ExportFormat.choices)
    purpose = models.CharField(_("doel"), max_length=20, choices=AccessPurpose.choices)
    case_number = models.CharField(_("kenmerk"), max_length=60)
    include_reporter = models.BooleanField(_("met de identiteit van de melder"), default=False)
    status = models.CharField(_("stand"), max_length=10, choices=ExportStatus.choices,
                              default=ExportStatus.PENDING, db_default=ExportStatus.PENDING)
    file = models.FileField(max_length=300, blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(_("aangevraagd op"), db_default=Now())
    finished_at = models.DateTimeField(_("klaar op"), null=True, blank=True)
    downloaded_at = models.DateTimeField(_("gedownload op"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("bestand verwijderd op"), null=True, blank=True)

    objects = SubjectAccessExportQuerySet.as_manager()

    class Meta:
        verbose_name = _("inzage-export")
        verbose_name_plural = _("inzage-exports")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"Inzage-export {self.pk}"

    @property
    def is_waiting(self) -> bool:
        return self.status in (ExportStatus.PENDING, ExportStatus.RUNNING)

    @property
    def is_available(self) -> bool:
        """Ready and not yet downloaded or removed: the download link is shown."""
        return (self.status == ExportStatus.DONE and bool(self.file)
                and self.downloaded_at is None and self.file_removed_at is None)
