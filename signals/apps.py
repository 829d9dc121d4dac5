from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SignalsConfig(AppConfig):
    name = "signals"
    verbose_name = _("Signalen")

    def ready(self):
        from auditlog.registry import auditlog

        from signals import models

        auditlog.register(models.Person, exclude_fields=["normalised_name"])
        auditlog.register(models.Signal)
        auditlog.register(models.Attachment)
        auditlog.register(models.Contribution)
        auditlog.register(models.Transfer)
        auditlog.register(models.MatchNotice)
