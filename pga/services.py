"""Services of the core: partners' role groups and users' roles.

Plain functions that take the acting user; each change runs in a transaction and is audited
through django-auditlog (the models are registered in `pga.apps`).
"""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from pga.models import Partner, Role, RoleGroup, User, role_group_name


def ensure_role_groups(partner: Partner) -> dict[str, Group]:
    """Make sure each role of `partner` has its group (idempotent); return them by role."""
    groups = {}
    for role in Role:
        rg = RoleGroup.objects.filter(partner=partner, role=role).select_related("group").first()
        if rg is None:
            group, _created = Group.objects.get_or_create(name=role_group_name(partner, role))
            rg = RoleGroup.objects.create(partner=partner, role=role, group=group)
        elif rg.group.name != role_group_name(partner, role):
            rg.group.name = role_group_name(partner, role)
            rg.group.save(update_fields=["name"])
        groups[role] = rg.group
    return groups


@transaction.atomic
def set_roles(actor, user: User, roles) -> None:
    """Give `user` exactly `roles` at their partner: membership of the partner's role groups.

    A user works for one partner; roles at any other partner are removed.
    """
    roles = {Role(r) for r in roles}
    if roles and user.partner_id is None:
        raise ValidationError(_("Kies eerst de partner van deze gebruiker."))
    user.groups.remove(*Group.objects.filter(role_group__isnull=False))
    if roles:
        groups = ensure_role_groups(user.partner)
        user.groups.add(*(groups[r] for r in roles))
    user._roles_cache = None


class RuleViolation(Exception):
    """A business rule refused an action. The message is Dutch and meant for the user;
    `field` names the form field it belongs to, if any. Views show it, never a 500."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.message = message
        self.field = field


def clear_expired_login_data(now=None) -> dict[str, int]:
    """Nightly clean-up of what logging in leaves behind (issue 15; docs/adr/0004: nothing
    kept longer than needed): expired sessions (Django's `clear_expired`) and django-axes'
    records — access logs, failure logs and failed attempts — older than LOGIN_RECORDS_DAYS.
    An attempt that still locks an account is kept: the lock-out does not expire by itself
    (the functioneel beheerder lifts it). A session may hold a search term of the queue (a
    name), so the session table is then rewritten (VACUUM FULL, a small table; outside a
    transaction only) to leave nothing of the expired sessions in its files. Returns the
    counts removed."""
    import datetime
    from importlib import import_module

    from axes.models import AccessAttempt, AccessFailureLog, AccessLog
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    now = now or timezone.now()
    expired_sessions = Session.objects.filter(expire_date__lt=now).count()
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()
    cutoff = now - datetime.timedelta(days=settings.LOGIN_RECORDS_DAYS)
    with transaction.atomic():
        logs, _ = AccessLog.objects.filter(attempt_time__lt=cutoff).delete()
        failures, _ = AccessFailureLog.objects.filter(attempt_time__lt=cutoff).delete()
        attempts, _ = AccessAttempt.objects.filter(
            attempt_time__lt=cutoff, failures_since_start__lt=settings.AXES_FAILURE_LIMIT
        ).delete()
    if expired_sessions and transaction.get_autocommit() and \
            settings.SESSION_ENGINE == "django.contrib.sessions.backends.db":
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f"VACUUM FULL {connection.ops.quote_name(Session._meta.db_table)}")
    return {"sessions": expired_sessions, "access_logs": logs, "failure_logs": failures,
            "attempts": attempts}
