from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CriteriaConfig(AppConfig):
    name = "criteria"
    verbose_name = _("Referentiekader en weging")

    def ready(self):
        from criteria import models
        from criteria.selectors import awaiting_own_weging, signal_page_context
        from pga import audit
        from signals import queue_filters, sections

        sections.register("criteria/_signal_assessments.html", signal_page_context)
        queue_filters.register("wacht_op_mijn_organisatie", _("Wacht op mijn organisatie"),
                               awaiting_own_weging)

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        # The framework is published text about no one: its values are kept.
        audit.register(models.Framework,
                       kept=["status", "notes", "created_at", "published_at", "retired_at"])
        audit.register(models.Criterion, kept=["title", "description", "guidance_questions"])
        audit.register(models.ScaleValue, kept=["label"])
        audit.register(models.Indicator, kept=["title", "description"])
        audit.register(models.Assessment, kept=["kind", "visibility", "created_at"],
                       withheld=["conclusion"], weegploeg="signal__weegploeg")
        audit.register(models.Judgement, withheld=["substantiation", "source"],
                       weegploeg="assessment__signal__weegploeg")
        audit.register(models.IndicatorObservation,
                       withheld=["observed_facts", "protective_factors"],
                       weegploeg="assessment__signal__weegploeg")
