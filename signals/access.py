"""Who may do what with one signal: the object-permission checks on top of the signals'
one scope (`Signal.objects.visible_to`). Permissions live in guardian's direct-FK tables of
`signals.models`, granted to the partners' role groups by `signals.services` (docs/adr/0001).
"""

from django.contrib.contenttypes.models import ContentType
from django.contrib.postgres.fields import ArrayField
from django.db.models import CharField
from django.db.models.expressions import RawSQL
from django.http import Http404

from signals.models import Signal, SignalGroupObjectPermission, SignalUserObjectPermission, codename


def _held_on_signal(user):
    """The permission codenames `user` holds on the signal of the row, through their groups
    and directly, as one array from the direct-FK tables: an index probe on that signal's
    permission rows (`content_object_id`), where `Signal.objects.visible_to` hashes the user's whole
    permission set — right for lists, wasteful for one signal."""
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


def holding(user, perm: str, signals):
    """Of `signals`, those on which `user` holds `perm`, through their groups or directly —
    the answer of `Signal.objects.visible_to`, but probed per row on that signal's
    permission rows (the probe of `get_visible_signal`). For short lists of one person (the
    earlier signals), not for lists over all signals."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return signals.none()
    return signals.alias(**_held_on_signal(user)).filter(authz_held__contains=[codename(perm)])


def can(user, perm: str, signal) -> bool:
    """Whether `user` holds `perm` on `signal` (object permissions only). For a signal read
    by `get_visible_signal` the answer comes from the permissions read with the signal row,
    in the same query (so no staler than the row itself); otherwise from one index probe on
    the signal's permission rows."""
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
    return codename(perm) in held[1]


def get_visible_signal(user, pk, perm: str = "signals.view_signal", annotations=None):
    """The one check of every detail view: the signal if visible, else 404 — the same answer
    whether it exists or not, so nothing leaks about other partners' signals. The user's
    permissions on it are read in the same query and kept on the instance for `can`, as are
    `annotations` (expressions over `Signal`, e.g. `sections.signal_annotations`)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise Http404
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise Http404 from None
    try:
        signal = (
            Signal.objects.select_related(
                "person", "person__municipality", "weegploeg", "receiving_partner"
            )
            .annotate(**_held_on_signal(user), **(annotations or {}))
            .get(pk=pk)
        )
    except Signal.DoesNotExist:
        raise Http404 from None
    held = frozenset(signal.authz_held)
    if codename(perm) not in held:
        raise Http404
    signal._authz_held = (user.pk, held)
    return signal
