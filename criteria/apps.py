from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Referentiekader en weging")

    def ready(self):
        from auditlog.registry import auditlog

        from criteria import models
        from criteria.services import page_rows, signal_page_context
        from signals import sections

        sections.register(
            "criteria/_signal_assessments.html", signal_page_context, page_rows
        )

        for model in (
            models.Framework,
            models.Criterion,
            models.ScaleValue,
            models.Indicator,
            models.Assessment,
            models.Judgement,
            models.IndicatorObservation,
        ):
            auditlog.register(model)
