from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from pga.authz import has_role
from pga.models import Role

# (url name, label, roles that see it). Later apps add their entries here.
NAVIGATION = [
    ("home", _("Overzicht"), None),
    ("signals:register", _("Nieuw signaal"), (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR)),
    ("signals:mine", _("Mijn registraties"), (Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR)),
    ("referrals:intake", _("Meldpunt"), (Role.MELDPUNT,)),
    ("signals:queue", _("Wachtrij"), (Role.MEMBER, Role.COORDINATOR)),
    ("weegploeg:sessions", _("Overleggen"), (Role.MEMBER, Role.COORDINATOR)),
    ("beheer:index", _("Beheer"), (Role.ADMIN,)),
    ("criteria:manage", _("Referentiekader"), (Role.ADMIN,)),
    ("audit:log", _("Auditlog"), (Role.AUDITOR,)),
    ("statistics:dashboard", _("Statistieken"),
     (Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)),
    ("statistics:conformance", _("Conformiteit"), (Role.AUDITOR, Role.SUPERVISOR)),
    ("retention:notifications", _("Notificaties"), (Role.COORDINATOR,)),
    ("retention:stale", _("Zonder besluit"), (Role.COORDINATOR,)),
    ("retention:overview", _("Bewaartermijnen"), (Role.ADMIN, Role.AUDITOR)),
    ("rights:subject_search", _("Rechten betrokkenen"), (Role.ADMIN, Role.AUDITOR)),
]


def navigation(request):
    user = getattr(request, "user", None)
    items = []
    if user is not None and user.is_authenticated:
        for url_name, label, roles in NAVIGATION:
            if roles is None or has_role(user, *roles):
                url = reverse(url_name)
                items.append({"url": url, "label": label, "current": request.path == url})
    return {
        "nav_items": items,
        "two_factor_required": settings.TWO_FACTOR_REQUIRED,
    }
