"""The work list per role on the home page (issue 18): what is waiting for this user. Read-only
selectors over several apps — which is why they live in the top layer — each reading through
the model's one scope (`visible_to(user)`), never around it. At most `LISTED` rows a list."""

import datetime

from django.db.models import Q
from django.utils import timezone

from criteria.selectors import awaiting_own_weging
from pga.models import AuditEntry
from signals.models import Signal, SignalStatus
from signals.services import transfers_in
from weegploeg.models import (
    AgendaItem,
    FollowUp,
    InformationRequest,
    ItemStatus,
    Session,
    SessionStatus,
)
from weegploeg.readiness import items_readiness

LISTED = 10
# Office hours for the FG's list of reads outside them (Monday to Friday, 07:00–19:00).
OFFICE_HOURS = (7, 19)
RECENT_DAYS = 7
# The signals that still need a weging: open, not yet decided.
WEIGHING_STATUSES = (SignalStatus.REGISTERED, SignalStatus.IN_PREPARATION,
                     SignalStatus.ON_AGENDA)


def my_registrations(user):
    """Meldpunt: the signals this user registered, newest first (status only: the meldpunt
    never sees what was decided, docs/design.md rule 14 — the status is what "Mijn
    registraties" shows too)."""
    return (Signal.objects.visible_to(user).filter(registered_by=user)
            .select_related("person").order_by("-registered_at", "-pk")[:LISTED])


def waiting_for_my_weging(user):
    """Member: open signals of the user's weegploegen on which the user's organisation has
    no current weging yet, longest waiting first."""
    signals = Signal.objects.visible_to(user, "signals.view_dossier").filter(
        status__in=WEIGHING_STATUSES)
    return (awaiting_own_weging(user, signals)
            .select_related("person").order_by("received_on", "pk"))


def requests_for_my_organisation(user):
    """Member: open information requests addressed to the user's organisation."""
    return (InformationRequest.objects.visible_to(user)
            .filter(assigned_partner_id=user.partner_id, answered_at__isnull=True)
            .select_related("signal").order_by("deadline", "pk")[:LISTED])


def next_session(user):
    """Member and procesregisseur: the next session that is not closed."""
    return (Session.objects.visible_to(user).exclude(status=SessionStatus.CLOSED)
            .filter(starts_at__gte=timezone.now() - datetime.timedelta(hours=12))
            .select_related("weegploeg").order_by("starts_at").first())


def items_not_ready(user):
    """Procesregisseur: open agenda items of sessions not yet closed for which not every
    outcome can be voted (`weegploeg.readiness`), with what is missing."""
    items = (AgendaItem.objects.visible_to(user)
             .filter(status=ItemStatus.OPEN).exclude(session__status=SessionStatus.CLOSED)
             .select_related("session", "signal", "signal__person").order_by("session__starts_at",
                                                                             "position"))
    return [(item, ready) for item, ready in items_readiness(items[:50]) if not ready.ready]


def overdue_requests(user, today=None):
    """Procesregisseur: information requests past their deadline without an answer."""
    today = today or timezone.localdate()
    return (InformationRequest.objects.visible_to(user)
            .filter(answered_at__isnull=True, deadline__lt=today)
            .select_related("signal", "assigned_partner").order_by("deadline", "pk")[:LISTED])


def follow_ups_due(user, today=None):
    """Procesregisseur: follow-ups whose date has come and that are not yet recorded — the
    decision's follow-up date, a review, the check of a referral (rule 12)."""
    today = today or timezone.localdate()
    return (FollowUp.objects.visible_to(user)
            .filter(recorded_at__isnull=True, due_on__lte=today)
            .select_related("signal").order_by("due_on", "pk")[:LISTED])


def escalations_open(user):
    """Procesregisseur: agenda items flagged for the lokale driehoek whose escalation or
    whose driehoek outcome is not yet recorded (rule 12)."""
    return (AgendaItem.objects.visible_to(user).filter(escalate=True)
            .filter(Q(escalation__isnull=True) | Q(escalation__outcome=""))
            .select_related("signal", "escalation").order_by("signal_id", "round")[:LISTED])


def transfers_received(user):
    """Procesregisseur: dossiers transferred to the user's weegploegen, not yet taken in
    (rule 10)."""
    return transfers_in(user)[:LISTED]


def sessions_to_close(user):
    """Procesregisseur: sessions that are open, or planned for a day that has passed."""
    start_of_today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return (Session.objects.visible_to(user)
            .filter(Q(status=SessionStatus.OPEN)
                    | Q(status=SessionStatus.PLANNED, starts_at__lt=start_of_today))
            .order_by("starts_at")[:LISTED])


def reads_outside_office_hours(user, now=None):
    """FG: reads of personal data in the last week outside office hours (evening, night,
    weekend), in the FG's own scope of the log."""
    now = now or timezone.now()
    start, end = OFFICE_HOURS
    return (AuditEntry.objects.visible_to(user)
            .filter(action=AuditEntry.Action.ACCESS,
                    timestamp__gte=now - datetime.timedelta(days=RECENT_DAYS))
            .filter(Q(timestamp__hour__lt=start) | Q(timestamp__hour__gte=end)
                    | Q(timestamp__week_day__in=(1, 7)))
            .select_related("actor").order_by("-timestamp", "-pk"))


def recent_exports(user, now=None):
    """FG: exports of the last week (audit entries of a read that names an export)."""
    now = now or timezone.now()
    return (AuditEntry.objects.visible_to(user)
            .filter(action=AuditEntry.Action.ACCESS, additional_data__has_key="export",
                    timestamp__gte=now - datetime.timedelta(days=RECENT_DAYS))
            .select_related("actor").order_by("-timestamp", "-pk"))
