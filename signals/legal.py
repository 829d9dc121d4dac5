"""Rule 13 (docs/design.md §3): every exchange of information — a contribution, an
information request, an answer — names the legal ground it rests on, chosen from the list
the functioneel beheerder keeps (`pga.LegalGround`). Only a ground in force can be chosen;
the FG's export of exchanges per ground is `stats.exchanges`."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pga.models import LegalGround
from pga.services import RuleViolation

# How a report names the ground of an exchange recorded before the rule (it has none).
NO_GROUND = gettext_lazy("(geen grondslag vastgelegd)")


def grounds_in_force():
    """The grounds a new exchange may name."""
    return LegalGround.objects.filter(in_force=True)


def require_legal_ground(ground) -> LegalGround:
    """Refuse an exchange without a ground in force; return the ground."""
    if ground is None or not grounds_in_force().filter(pk=ground.pk).exists():
        raise RuleViolation(_("Kies de grondslag waarop de informatie wordt gedeeld."),
                            field="legal_ground")
    return ground
