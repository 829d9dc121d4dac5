from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeegploegConfig(AppConfig):
    name = "weegploeg"
    verbose_name = _("Weegploegoverleg en besluiten")

    def ready(self):
        from pga import audit
        from signals import lifecycle, sections
        from weegploeg import models
        from weegploeg.services import signal_page_context
        from weegploeg.session_exports import discard_exports_of_transferred

        sections.register("weegploeg/_signal_decisions.html", signal_page_context)
        lifecycle.subscribe_transfer(discard_exports_of_transferred)

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        audit.register(
            models.Session,
            kept=["starts_at", "status", "agenda_published_at", "opened_at", "closed_at"],
            withheld=["location", "opening_reason"],
            weegploeg="weegploeg",
            m2m_fields={"attendees"},
        )
        audit.register(
            models.AgendaItem,
            kept=["status", "invited_parties", "referral", "follow_up_on"],
            withheld=["joint_reasoning", "other_party"],
            weegploeg="signal__weegploeg",
        )
        # The rounds, votes, decisions and records belong to the dossier's weegploeg: they
        # move with it when it is transferred (docs/design.md rule 10).
        audit.register(models.Vote, kept=["outcome", "cast_at"], withheld=["motivation"],
                       weegploeg="item__signal__weegploeg")
        audit.register(models.IntegralStatement, kept=["result", "stated_at"],
                       weegploeg="item__signal__weegploeg")
        audit.register(
            models.Decision,
            kept=["outcome", "invited_parties", "referral", "follow_up_on", "taken_at"],
            withheld=["reasoning", "other_party", "correction_reason"],
            weegploeg="signal__weegploeg",
        )
        audit.register(models.DecisionRecord, kept=["file", "sha256", "created_at"],
                       weegploeg="decision__signal__weegploeg")
        audit.register(
            models.InformationRequest,
            kept=["deadline", "created_at", "answered_at", "reminder_sent_on",
                  "overdue_notice_sent_on"],
            withheld=["question", "external_body"],
            weegploeg="signal__weegploeg",
        )
        audit.register(
            models.FollowUp,
            kept=["kind", "due_on", "reminded_on", "referral_result", "next_on", "recorded_at"],
            withheld=["checked", "result", "taken_up_by"],
            weegploeg="signal__weegploeg",
        )
        audit.register(models.Reweighing, kept=["reason_kind", "requested_at"],
                       withheld=["reason"], weegploeg="signal__weegploeg")
        audit.register(
            models.Escalation,
            kept=["sent_on", "reminded_on", "outcome", "outcome_on"],
            withheld=["sent_to", "outcome_text"],
            weegploeg="signal__weegploeg",
        )
        audit.register(models.SessionExport, kept=["status", "file", "sha256", "created_at"],
                       weegploeg="session__weegploeg")
