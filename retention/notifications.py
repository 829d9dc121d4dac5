"""Notification of the person (docs/design.md §3 rule 7): after a casusoverleg decision the
person is told that they are discussed — or the notification is postponed on a legal ground
and re-checked on a set date. The procesregisseur records it; a daily task reminds the
weegploeg's coordinators of re-checks that are due.

Recording or updating a notification is a processing for the casus: it restarts a
retention clock that runs "after the last processing" (`clock.record_processing`).
"""

import datetime

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.authz import has_role, members_of, weegploegen_of
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from retention import clock
from retention.models import (
    Notification,
    NotificationMethod,
    NotificationStatus,
    PostponementGround,
)
from signals.access import can
from signals.models import Signal
from weegploeg.models import Decision, Outcome


def casusoverleg_decisions():
    """The decisions that call for a notification: casusoverleg, the original decision of
    its round (a correction keeps the notification of the decision it corrects)."""
    return Decision.objects.filter(outcome=Outcome.CASUSOVERLEG, corrects__isnull=True)


def notification_for_signal(signal):
    return Notification.objects.filter(decision__signal=signal).select_related(
        "recorded_by").first()


def _coordinator_decisions(user):
    if not has_role(user, Role.COORDINATOR):
        return Decision.objects.none()
    return casusoverleg_decisions().filter(
        signal__in=Signal.objects.visible_to(user, "signals.view_dossier"),
        signal__weegploeg__in=weegploegen_of(user),
    )


def open_notifications(user, today: datetime.date | None = None) -> dict:
    """The coordinator's overview: casusoverleg decisions without a notification yet,
    postponements whose re-check is due, and the other postponements."""
    today = today or timezone.localdate()
    decisions = _coordinator_decisions(user).select_related("signal", "signal__weegploeg")
    postponed = Notification.objects.visible_to(user).filter(
        decision__in=decisions, status=NotificationStatus.POSTPONED
    ).select_related("decision__signal", "decision__signal__weegploeg").order_by("recheck_on")
    return {
        "not_recorded": decisions.filter(notification__isnull=True).order_by("taken_at"),
        "recheck_due": postponed.filter(recheck_on__lte=today),
        "postponed": postponed.filter(recheck_on__gt=today),
    }


def get_decision_for_notification(user, pk) -> Decision:
    """A casusoverleg decision of the coordinator's weegploeg; anything else is None (the
    view answers 404)."""
    return _coordinator_decisions(user).select_related("signal").filter(pk=pk).first()


def _validate(status, notified_on, notified_by, method, ground, ground_detail, recheck_on,
              today):
    if status == NotificationStatus.NOTIFIED:
        if notified_on is None:
            raise RuleViolation(_("Vul de datum van de notificatie in."), field="notified_on")
        if notified_on > today:
            raise RuleViolation(_("De datum van de notificatie ligt niet in de toekomst."),
                                field="notified_on")
        if not notified_by:
            raise RuleViolation(_("Vul in door wie de betrokkene is geïnformeerd."),
                                field="notified_by")
        if method not in NotificationMethod.values:
            raise RuleViolation(_("Kies hoe de betrokkene is geïnformeerd."), field="method")
    elif status == NotificationStatus.POSTPONED:
        if ground not in PostponementGround.values:
            raise RuleViolation(_("Uitstel kan alleen op een wettelijke grond; kies de grond."),
                                field="ground")
        if ground == PostponementGround.OTHER and not ground_detail:
            raise RuleViolation(_("Licht de andere grond toe."), field="ground_detail")
        if recheck_on is None:
            raise RuleViolation(_("Uitstel vraagt een datum waarop het opnieuw wordt "
                                  "beoordeeld."), field="recheck_on")
        if recheck_on <= today:
            raise RuleViolation(_("De datum van herbeoordeling ligt in de toekomst."),
                                field="recheck_on")
    else:
        raise RuleViolation(_("Kies: genotificeerd of uitgesteld."), field="status")


@transaction.atomic
def record_notification(user, decision: Decision, *, status: str, notified_on=None,
                        notified_by: str = "", method: str = "", ground: str = "",
                        ground_detail: str = "", recheck_on=None) -> Notification:
    """Rule 7: record that the person was notified (date, by whom, how), or that the
    notification is postponed on a legal ground (national security, a criminal
    investigation, the protection of others, or another ground explained) with a re-check
    date. A later recording replaces the state; the audit log keeps the history."""
    today = timezone.localdate()
    notified_by, ground_detail = (notified_by or "").strip(), (ground_detail or "").strip()
    _validate(status, notified_on, notified_by, method, ground, ground_detail, recheck_on, today)
    with processing(ProcessingActivity.SUBJECT_RIGHTS):
        decision = casusoverleg_decisions().select_related("signal").filter(pk=decision.pk).first()
        if (
            decision is None
            or not has_role(user, Role.COORDINATOR)
            or not can(user, "signals.view_dossier", decision.signal)
            or not weegploegen_of(user).filter(pk=decision.signal.weegploeg_id).exists()
        ):
            raise RuleViolation(_("Alleen de procesregisseur van de weegploeg legt de "
                                  "notificatie bij een besluit tot casusoverleg vast."))
        notification = (Notification.objects.select_for_update().filter(decision=decision).first()
                        or Notification(decision=decision))
        notified = status == NotificationStatus.NOTIFIED
        if notification.recheck_on != (None if notified else recheck_on):
            notification.recheck_reminder_sent_on = None
        notification.status = status
        notification.notified_on = notified_on if notified else None
        notification.notified_by = notified_by if notified else ""
        notification.method = method if notified else ""
        notification.ground = "" if notified else ground
        notification.ground_detail = "" if notified else ground_detail
        notification.recheck_on = None if notified else recheck_on
        notification.recorded_by = user
        notification.save()
        clock.record_processing(decision.signal, timezone.now())
    return notification


def send_recheck_reminders(today: datetime.date | None = None) -> int:
    """Daily: tell the coordinators of the weegploeg that a postponed notification is due
    for re-check — once per re-check date (the date sent is stored). References only."""
    today = today or timezone.localdate()
    # A new re-check date clears the sent date (`record_notification`).
    due = Notification.objects.filter(
        status=NotificationStatus.POSTPONED, recheck_on__lte=today,
        recheck_reminder_sent_on__isnull=True,
    ).select_related("decision__signal__weegploeg")
    sent = 0
    for notification in due:
        signal = notification.decision.signal
        subject = _("Herbeoordeling uitstel notificatie bij signaal %(ref)s") % {
            "ref": signal.reference}
        body = _("Het uitstel van de notificatie van de betrokkene bij signaal %(ref)s moest "
                 "uiterlijk %(date)s opnieuw worden beoordeeld. Leg de notificatie of het "
                 "verdere uitstel vast in Weegploeg.") % {
            "ref": signal.reference, "date": notification.recheck_on.strftime("%d-%m-%Y")}
        with transaction.atomic(), processing(ProcessingActivity.SUBJECT_RIGHTS):
            sent += send_mass_mail([
                (subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
                for user in members_of(signal.weegploeg.partners().values_list("pk", flat=True),
                                        [Role.COORDINATOR])
            ])
            notification.recheck_reminder_sent_on = today
            notification.save(update_fields=["recheck_reminder_sent_on"])
    return sent
