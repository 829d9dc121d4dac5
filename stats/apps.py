from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatisticsConfig(AppConfig):
    # The package is `stats`: a top-level `statistics` would hide Python's own module of
    # that name. The label keeps the name of the URLs, templates and tests.
    name = "stats"
    label = "statistics"
    verbose_name = _("Statistiek")

    def ready(self):
        from criteria import version_counts
        from stats.version_outcomes import outcomes_per_version

        version_counts.register(outcomes_per_version)
