from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Signalen")

    def ready(self):
        from pga import audit
        from signals import models
        from signals.audit import person_entries_match

        # The auditor's filter on a person (`pga.audit.entries_about_person`).
        audit.register_person_matcher(person_entries_match)

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        # A person belongs to one weegploeg (docs/adr/0006).
        audit.register(
            models.Person,
            kept=["created_at", "updated_at"],
            withheld=["label", "first_names", "surname_prefix", "surname", "date_of_birth",
                      "bsn", "address", "postcode"],
            excluded=["normalised_name"],
            weegploeg="weegploeg",
        )
        audit.register(
            models.Signal,
            kept=["reference", "received_on", "registered_at", "source_category",
                  "source_sector", "phenomenon", "status", "withdrawn_at", "retention_basis",
                  "retention_started_on", "deletion_due", "updated_at"],
            withheld=["reporter_name", "reporter_organisation", "reporter_contact",
                      "description", "behaviour_from", "behaviour_to", "withdrawal_reason"],
            weegploeg="weegploeg",
        )
        audit.register(
            models.Attachment,
            kept=["content_type", "sha256", "uploaded_at"],
            withheld=["file", "original_name"],
            weegploeg="signal__weegploeg",
        )
        audit.register(
            models.Contribution,
            kept=["visibility", "created_at"],
            withheld=["source", "information_date", "content"],
            weegploeg="signal__weegploeg",
        )
        # A transfer belongs to the weegploeg that sent the dossier.
        audit.register(models.Transfer, kept=["reference", "transferred_at", "received_at"],
                       withheld=["reason"], weegploeg="from_weegploeg")
        # A notice of a match with another weegploeg: references only, no values withheld.
        audit.register(models.MatchNotice, kept=["contact_role", "created_at"],
                       weegploeg="signal__weegploeg")
