from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PgaConfig(AppConfig):
    name = "pga"
    verbose_name = _("Kern: partners, gebruikers en audit")

    def ready(self):
        from auditlog.registry import auditlog

        from pga.models import Partner, RoleGroup, User, Weegploeg

        auditlog.register(Partner)
        auditlog.register(Weegploeg)
        auditlog.register(RoleGroup)
        # Password hashes and login times are not worth keeping in the log.
        auditlog.register(User, exclude_fields=["password", "last_login"], m2m_fields={"groups"})
