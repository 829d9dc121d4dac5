from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "referrals"
    verbose_name = _("Meldpunt")

    def ready(self):
        from pga import audit
        from referrals import models, services
        from signals import lifecycle

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        audit.register(
            models.Submission,
            kept=["receipt_number", "submitted_at", "status", "reporter_sector", "acute_danger",
                  "handled_at", "received_feedback_at", "handled_feedback_at"],
            withheld=["reporter_name", "reporter_organisation", "reporter_role",
                      "reporter_email", "reporter_phone", "subject_first_names",
                      "subject_surname", "subject_date_of_birth", "subject_details",
                      "observation", "observed_from", "observed_to", "decline_reason"],
            weegploeg="gemeente__weegploeg",
        )
        audit.register(
            models.SubmissionAttachment,
            kept=["content_type", "size", "sha256"],
            withheld=["file", "original_name"],
            weegploeg="submission__gemeente__weegploeg",
        )
        # A standard text for reporters: free text, so which field changed, not the value.
        audit.register(models.FeedbackText, kept=["updated_at"], withheld=["text"],
                       weegploeg="gemeente__weegploeg")
        lifecycle.subscribe(services.signal_outcome_reached)
