from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RightsConfig(AppConfig):
    name = "rights"
    verbose_name = _("Rechten van betrokkenen")

    def ready(self):
        from django.db.models.signals import post_delete

        from pga import audit
        from rights import models, services
        from signals.models import Signal

        # An export never outlives the data it shows (rights.services, "removing exports").
        post_delete.connect(services.discard_exports_of_signal, sender=Signal,
                            dispatch_uid="rights-exports-with-signal")
        post_delete.connect(services.remove_file_of_deleted_export,
                            sender=models.SubjectAccessExport,
                            dispatch_uid="rights-export-file")
        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        audit.register(
            models.SubjectAccessExport,
            kept=["export_format", "purpose", "case_number", "include_reporter", "status",
                  "created_at", "finished_at", "downloaded_at", "file_removed_at"],
            excluded=["file", "sha256"],
            weegploeg="person__weegploeg",
        )
