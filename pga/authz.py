"""Authorisation: the one place that answers "what may this user see and do".

Rules (DESIGN.md §4):
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
- Lists go through `visible_signals(user, perm)`, detail views through one check that turns
  "not visible" into 404, so another partner's object does not even show that it exists.
- Roles decide which *kinds* of action a user may take (403 when the role does not allow it);
  object permissions decide *which* objects (404 when not granted).
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from pga.models import RoleGroup, Weegploeg


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


def require_role(*roles: str):
    """View decorator: 403 unless the user holds one of `roles`."""

    def decorate(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorate


def weegploegen_of(user):
    """The weegploegen in which the user's partner takes part."""
    if not getattr(user, "is_authenticated", False) or user.partner_id is None:
        return Weegploeg.objects.none()
    partner = user.partner
    return Weegploeg.objects.filter(
        pk__in=Weegploeg.objects.filter(
            gemeenten=partner
        ).values("pk").union(
            Weegploeg.objects.filter(politie=partner).values("pk"),
            Weegploeg.objects.filter(om=partner).values("pk"),
        )
    )




def visible_signals(user, perm: str = "signals.view_signal"):
    """The signals on which `user` holds `perm`, through their own or their partner roles'
    object permissions (the direct-FK tables of `signals.models`). The only way lists,
    searches and counts read signals. No global permissions and no superuser bypass.

    The query guardian's `get_objects_for_user` makes for these tables (the signal ids in
    the user's group rows or in their own rows for that permission), built directly:
    guardian's general version cost more to build than the database took to run it."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Q

    from signals.models import Signal, SignalGroupObjectPermission, SignalUserObjectPermission

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Signal.objects.none()
    held = {"permission__codename": _codename(perm),
            "permission__content_type": ContentType.objects.get_for_model(Signal)}
    return Signal.objects.filter(
        Q(pk__in=SignalGroupObjectPermission.objects.filter(group__user=user, **held)
          .values("content_object_id"))
        | Q(pk__in=SignalUserObjectPermission.objects.filter(user=user, **held)
            .values("content_object_id"))
    )


def _held_on_signal(user):
    """The permission codenames `user` holds on the signal of the row, through their groups
    and directly, as one array from the direct-FK tables: an index probe on that signal's
    permission rows (`content_object_id`), where `visible_signals` hashes the user's whole
    permission set — right for lists, wasteful for one signal. Written as SQL because
    compiling the ORM's version of it cost more than running it."""
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.postgres.fields import ArrayField
    from django.db.models import CharField
    from django.db.models.expressions import RawSQL

    from signals.models import Signal, SignalGroupObjectPermission, SignalUserObjectPermission

    content_type = ContentType.objects.get_for_model(Signal).pk
    # Table names from the models, values as parameters.
    held = f"""ARRAY(
        SELECT p.codename FROM {SignalGroupObjectPermission._meta.db_table} g
          JOIN {user._meta.model.groups.through._meta.db_table} ug ON ug.group_id = g.group_id
          JOIN auth_permission p ON p.id = g.permission_id
         WHERE g.content_object_id = {Signal._meta.db_table}.id AND ug.user_id = %s
           AND p.content_type_id = %s
        UNION ALL
        SELECT p.codename FROM {SignalUserObjectPermission._meta.db_table} u
          JOIN auth_permission p ON p.id = u.permission_id
         WHERE u.content_object_id = {Signal._meta.db_table}.id AND u.user_id = %s
           AND p.content_type_id = %s)"""  # noqa: S608
    params = (user.pk, content_type, user.pk, content_type)
    return {"authz_held": RawSQL(held, params, output_field=ArrayField(CharField()))}  # noqa: S611


def holding(user, perm: str, signal_ref: str = "pk"):
    """A filter: the rows whose signal (the field `signal_ref`) `user` holds `perm` on,
    through their groups or directly — the answer of `visible_signals`, but probed per row
    on that signal's permission rows. For short lists tied to one signal or person (the
    earlier signals, the lists of the signal page), not for lists over all signals."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import Exists, OuterRef, Q

    from signals.models import Signal, SignalGroupObjectPermission, SignalUserObjectPermission

    held = {"content_object": OuterRef(signal_ref), "permission__codename": _codename(perm),
            "permission__content_type": ContentType.objects.get_for_model(Signal)}
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Q(pk__in=[])
    return Exists(SignalGroupObjectPermission.objects.filter(group__user=user, **held)) | Exists(
        SignalUserObjectPermission.objects.filter(user=user, **held)
    )


def _codename(perm: str) -> str:
    app_label, _dot, codename = perm.rpartition(".")
    if app_label not in ("", "signals"):
        raise ValueError(f"Geen permissie op signalen: {perm}")
    return codename


def can(user, perm: str, signal) -> bool:
    """Whether `user` holds `perm` on `signal` (object permissions only). For a signal read
    by `get_visible_signal` the answer comes from the permissions read with the signal row,
    in the same query (so no staler than the row itself); otherwise from one index probe on
    the signal's permission rows."""
    from signals.models import Signal

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    held = getattr(signal, "_authz_held", None)
    if held is None or held[0] != user.pk:
        row = (
            Signal.objects.filter(pk=signal.pk)
            .annotate(**_held_on_signal(user))
            .values("authz_held")
            .first()
        )
        held = (user.pk, frozenset(row["authz_held"]) if row else frozenset())
    return _codename(perm) in held[1]


def _signal_with_permissions(user, pk):
    from signals.models import Signal

    return (
        Signal.objects.select_related(
            "person", "person__municipality", "weegploeg", "receiving_partner"
        )
        .annotate(**_held_on_signal(user))
        .filter(pk=pk)[:1]
    )


def get_visible_signal(user, pk, perm: str = "signals.view_signal"):
    """The one check of every detail view: the signal if visible, else 404 — the same answer
    whether it exists or not, so nothing leaks about other partners' signals. The user's
    permissions on it are read in the same query and kept on the instance for `can`. Read
    on every page of a signal, that query is compiled once and prepared (`pga.nested.first`)."""
    from django.http import Http404

    from pga import nested

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    signal = nested.first(_signal_with_permissions, user, pk)
    if signal is None:
        raise Http404
    held = frozenset(signal.authz_held)
    if _codename(perm) not in held:
        raise Http404
    signal._authz_held = (user.pk, held)
    return signal
