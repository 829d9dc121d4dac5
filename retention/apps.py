from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Bewaartermijnen en rechten van betrokkenen")

    def ready(self):
        from auditlog.registry import auditlog

        from retention import models
        from retention.page import page_rows, signal_page_context
        from retention.services import start_clock
        from signals import lifecycle, sections

        # The retention clock starts when a signal reaches an outcome (DESIGN.md §3 rule 8).
        lifecycle.subscribe(start_clock)
        sections.register(
            "retention/_signal_retention.html", signal_page_context, page_rows
        )

        auditlog.register(models.RetentionRule)
        auditlog.register(models.LegalHold)
        auditlog.register(models.PurgeRun)
        auditlog.register(models.PurgeFailure)
        # The list of files still to remove is bookkeeping of the purge, not a change
        # worth an entry each time it empties.
        auditlog.register(models.DeletedSignal, exclude_fields=["pending_files"])
        auditlog.register(models.Notification, exclude_fields=["recheck_reminder_sent_on"])
        auditlog.register(models.SubjectRequest)
