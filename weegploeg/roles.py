"""Who prepares the weegploeg's work: its procesregisseur (docs/design.md §2)."""

from django.utils.translation import gettext as _

from pga.authz import check_role
from pga.models import Role
from pga.services import RuleViolation


def require_coordinator(user, weegploeg):
    """Only the procesregisseur of a partner of `weegploeg` prepares its sessions, decisions
    and records; anyone else gets a `RuleViolation`."""
    refusal = _("Alleen de procesregisseur van deze weegploeg doet dit.")
    check_role(user, Role.COORDINATOR, refusal=refusal)
    if user.partner_id not in set(weegploeg.partners().values_list("pk", flat=True)):
        raise RuleViolation(refusal)
