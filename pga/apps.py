from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PgaConfig(AppConfig):
    name = "pga"
    verbose_name = _("Kern: partners, gebruikers en audit")

    def ready(self):
        from pga import audit
        from pga.models import LegalGround, Partner, RoleGroup, User, Weegploeg

        # What each audit entry keeps of the values: docs/adr/0005 (`pga.audit.register`).
        audit.register(Partner, kept=["kind", "name", "code"], weegploeg="weegploeg")
        audit.register(Weegploeg, kept=["name", "code"], weegploeg="pk")
        audit.register(RoleGroup, kept=["role"])
        audit.register(LegalGround, kept=["name", "source", "in_force"])
        # Staff, not data subjects: who works here is what the log must be able to show.
        # Password hashes and login times are not worth keeping in the log.
        audit.register(User, kept=["email", "full_name", "date_joined"],
                       excluded=["password", "last_login"], m2m_fields={"groups"})
