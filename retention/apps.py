from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RetentionConfig(AppConfig):
    name = "retention"
    verbose_name = _("Bewaartermijnen en rechten van betrokkenen")

    def ready(self):
        from django.apps import apps
        from django.db.models.signals import post_delete

        from pga import audit
        from retention import models
        from retention.clock import start_clock
        from retention.erasure import file_fields, note_deleted_files
        from retention.page import signal_annotations, signal_page_context
        from signals import lifecycle, sections

        # The retention clock starts when a signal reaches an outcome (docs/design.md §3 rule 8).
        lifecycle.subscribe(start_clock)
        sections.register("retention/_signal_retention.html", signal_page_context,
                          signal_annotations)
        # The purge removes the stored files of what it deletes, after the commit.
        for model in apps.get_models():
            if file_fields(model):
                post_delete.connect(note_deleted_files, sender=model,
                                    dispatch_uid=f"retention-files-{model._meta.label}")

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        audit.register(models.RetentionRule,
                       kept=["basis", "unit", "anchor", "legal_source", "updated_at",
                             "recomputed_at"])
        audit.register(
            models.LegalHold,
            kept=["until", "placed_at", "ended_at"],
            withheld=["reason", "end_reason"],
            weegploeg=["signal__weegploeg", "person__municipality__weegploeg",
                       "person__signals__weegploeg"],
        )
        audit.register(models.PurgeRun, kept=["trigger", "started_at", "finished_at"])
        audit.register(models.PurgeFailure, kept=["reference", "error", "at"])
        # The tombstone holds no personal data. The list of files still to remove is
        # bookkeeping of the purge, not a change worth an entry each time it empties.
        audit.register(
            models.DeletedSignal,
            kept=["reference", "received_on", "registered_on", "decided_on", "withdrawn_on",
                  "outcome", "status", "phenomenon", "source_category", "deletion_due",
                  "deleted_at"],
            excluded=["pending_files"],
            weegploeg="weegploeg",
        )
        audit.register(
            models.Notification,
            kept=["status", "notified_on", "method", "ground", "recheck_on", "recorded_at"],
            withheld=["notified_by", "ground_detail"],
            excluded=["recheck_reminder_sent_on"],
            weegploeg="decision__item__session__weegploeg",
        )
        audit.register(
            models.SubjectRequest,
            kept=["kind", "case_number", "received_on", "status", "handled_on", "created_at"],
            withheld=["request_text", "handling"],
            weegploeg=["person__municipality__weegploeg", "person__signals__weegploeg"],
        )
