"""Authorisation: the one place that answers "what may this user see and do".

Rules (docs/adr/0001-authorisation.md):
- A user works for one partner and holds roles there (`Role`); each (partner, role) is a
  group (`RoleGroup`), and object permissions are granted to those groups.
- Domain objects use django-guardian **direct-foreign-key** permission tables, never the
  generic ones (which do not scale) and never global permissions. For a model `Signal`:

      class SignalUserObjectPermission(UserObjectPermissionBase):
          content_object = models.ForeignKey(Signal, on_delete=models.CASCADE)

      class SignalGroupObjectPermission(GroupObjectPermissionBase):
          content_object = models.ForeignKey(Signal, on_delete=models.CASCADE)

  guardian finds these tables by their `content_object` foreign key, so `assign_perm` and
  `get_objects_for_user` use them without further configuration.
- Every object type that holds weegploeg data has one scope, `Model.objects.visible_to(user)`
  in its own app (signals: `Signal.objects.visible_to(user, perm)` and `signals.access` for
  one signal), through which views and services read it; "not visible" is 404, so another
  partner's object does not even show that it exists. This module keeps the vocabulary
  those scopes use: roles and the weegploegen of a user.
- Roles decide which *kinds* of action a user may take (403 when the role does not allow it);
  object permissions decide *which* objects (404 when not granted). A view guards with
  `require_role` (403), a service with `check_role` (a `RuleViolation` with a Dutch message);
  both ask `has_role`, so there is one answer to "does this user hold that role".
"""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from pga.models import Role, RoleGroup, User, Weegploeg
from pga.services import RuleViolation

# The roles that do the weegploeg's work: they see its queue, sessions and dossiers and are
# told about them by mail.
WEEGPLOEG_ROLES = (Role.MEMBER, Role.COORDINATOR)


def _roles_held(user_ref, partner_ref):
    """The roles a user holds at their own partner: the (partner, role) groups they are in."""
    return RoleGroup.objects.filter(partner_id=partner_ref, group__user=user_ref).values("role")


def with_partner_and_roles(users):
    """`users` with each one's partner and roles read in the same query (as `roles_of`
    answers), for the user of every request (`pga.authn.UserBackend`)."""
    from django.contrib.postgres.expressions import ArraySubquery
    from django.db.models import OuterRef

    return users.select_related("partner").annotate(
        held_roles=ArraySubquery(_roles_held(OuterRef("pk"), OuterRef("partner_id")))
    )


def roles_of(user) -> frozenset[str]:
    """The roles the user holds at their partner (cached on the user object per request;
    read with the user by `with_partner_and_roles`)."""
    if not getattr(user, "is_authenticated", False) or user.partner_id is None:
        return frozenset()
    cached = getattr(user, "_roles_cache", None)
    if cached is None:
        held = getattr(user, "held_roles", None)
        if held is None:
            held = _roles_held(user, user.partner_id).values_list("role", flat=True)
        cached = user._roles_cache = frozenset(held)
    return cached


def has_role(user, *roles: str) -> bool:
    """Whether the user holds at least one of `roles` (and is active)."""
    return bool(getattr(user, "is_active", False) and roles_of(user) & set(roles))


def deny_unless_role(user, *roles: str) -> None:
    """View guard: 403 (`PermissionDenied`) unless the user holds one of `roles`. Inside a
    view after the object was found (so another weegploeg's object is still a 404)."""
    if not has_role(user, *roles):
        raise PermissionDenied


def require_role(*roles: str):
    """View decorator: 403 unless the user holds one of `roles`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            deny_unless_role(request.user, *roles)
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def check_role(user, *roles: str, refusal: str) -> None:
    """Service guard: refuse with `RuleViolation(refusal)` — a Dutch message saying who does
    this — unless the user holds one of `roles` (and is active)."""
    if not has_role(user, *roles):
        raise RuleViolation(refusal)


def members_of(partners, roles):
    """The active users of `partners` (ids or a queryset) holding one of `roles`: whom a
    mail about the weegploeg's work goes to."""
    return User.objects.filter(
        is_active=True, partner_id__in=partners, groups__role_group__role__in=roles
    ).distinct()


def weegploegen_of(user):
    """The weegploegen in which the user's partner takes part."""
    if not getattr(user, "is_authenticated", False) or user.partner_id is None:
        return Weegploeg.objects.none()
    partner = user.partner
    # A gemeente names its weegploeg; a politie-eenheid or parket is named by its weegploegen.
    return Weegploeg.objects.filter(
        Q(pk=partner.weegploeg_id) | Q(politie=partner) | Q(om=partner)
    )
