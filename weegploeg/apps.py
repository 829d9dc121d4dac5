from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeegploegConfig(AppConfig):
    name = "weegploeg"
    verbose_name = _("Weegploegoverleg en besluiten")

    def ready(self):
        from auditlog.registry import auditlog

        from signals import sections
        from weegploeg import models
        from weegploeg.services import page_rows, signal_page_context

        sections.register(
            "weegploeg/_signal_decisions.html", signal_page_context, page_rows
        )

        auditlog.register(models.Session, m2m_fields={"attendees"})
        auditlog.register(models.AgendaItem)
        auditlog.register(models.Vote)
        auditlog.register(models.Decision)
        auditlog.register(models.DecisionRecord)
        auditlog.register(models.InformationRequest)
        auditlog.register(models.SessionExport)
