from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WeegploegConfig(AppConfig):
    name = "weegploeg"
    verbose_name = _("Weegploegoverleg en besluiten")
