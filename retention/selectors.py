"""Reads of retention (no changes): what is due for the purge, what it may delete, the
deletions per month, the purge runs with their results, and the signals waiting too long.
The changes are in `retention.clock`, `retention.holds` and `retention.purge`."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Count, OuterRef, Subquery
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.authz import weegploegen_of
from retention.clock import add_period
from retention.holds import on_hold
from retention.models import (
    DeletedSignal,
    PeriodUnit,
    PurgeFailure,
    PurgeRun,
)
from signals.models import OPEN_STATUSES, Signal


def due_signals(today: datetime.date):
    """Signals whose deletion date has come and whose clock started at least
    RETENTION_MIN_AGE_DAYS ago (a guard against a mistaken rule), held or not."""
    oldest_start = today - datetime.timedelta(days=settings.RETENTION_MIN_AGE_DAYS)
    return Signal.objects.filter(deletion_due__lte=today, retention_started_on__lte=oldest_start)


def purgeable_signals(today: datetime.date):
    """What the purge deletes: due and under no legal hold (signal or person), oldest
    deletion date first."""
    return due_signals(today).filter(~on_hold()).order_by("deletion_due", "pk")


def deletions_due_per_month(user, today: datetime.date, months: int = 12) -> list[dict]:
    """Signals of the user's weegploegen with a deletion date by month, up to `months`
    ahead: overdue ones (held, or not yet run) in the first row, later ones in the last."""
    first = today.replace(day=1)
    horizon = add_period(first, months, PeriodUnit.MONTHS)
    rows = (
        Signal.objects.filter(deletion_due__isnull=False, weegploeg__in=weegploegen_of(user))
        .annotate(month=TruncMonth("deletion_due"), on_hold=on_hold())
        .values("month")
        .annotate(count=Count("pk"), held=Count("pk", filter=models.Q(on_hold=True)))
        .order_by("month")
    )
    overdue = {"label": _("eerder (achterstallig)"), "count": 0, "held": 0}
    later = {"label": _("later"), "count": 0, "held": 0}
    per_month = {}
    for row in rows:
        month = row["month"]
        target = overdue if month < first else later if month >= horizon else None
        if target is None:
            per_month[month] = {"month": month, "count": row["count"], "held": row["held"]}
        else:
            target["count"] += row["count"]
            target["held"] += row["held"]
    result = [overdue] if overdue["count"] else []
    month = first
    while month < horizon:
        result.append(per_month.get(month, {"month": month, "count": 0, "held": 0}))
        month = add_period(month, 1, PeriodUnit.MONTHS)
    if later["count"]:
        result.append(later)
    return result


def runs_with_results(user=None):
    """Purge runs with the number purged and failed (tombstones and failures of the run):
    for `user`, only those of their weegploegen (the run itself is one nightly job for the
    installation); without a user, for the command line, all of them."""
    if user is None:
        return PurgeRun.objects.annotate(
            purged=Count("tombstones", distinct=True), failed=Count("failures", distinct=True)
        )
    return PurgeRun.objects.annotate(
        purged=Coalesce(Subquery(
            DeletedSignal.objects.visible_to(user).filter(purge_run=OuterRef("pk"))
            .values("purge_run").annotate(n=Count("pk")).values("n")), 0),
        failed=Coalesce(Subquery(
            PurgeFailure.objects.visible_to(user).filter(run=OuterRef("pk"))
            .values("run").annotate(n=Count("pk")).values("n")), 0),
    )


def stale(signals, today: datetime.date | None = None):
    """The signals of `signals` waiting for a decision too long: still in the queue,
    received more than STALE_SIGNAL_DAYS days before `today`. The one definition, for the
    coordinator's list and the statistics."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=settings.STALE_SIGNAL_DAYS)
    return signals.filter(status__in=OPEN_STATUSES, received_on__lt=cutoff)


def stale_signals(user, today: datetime.date | None = None):
    """The stale signals (`stale`) that the user sees as weegploeg."""
    return (
        stale(Signal.objects.visible_to(user, "signals.view_dossier"), today)
        .select_related("weegploeg")
        .order_by("received_on", "pk")
    )
