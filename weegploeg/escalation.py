"""Escalation to the lokale driehoek (docs/design.md §3 rules 4 and 12). An agenda item is
flagged after `ESCALATION_ROUNDS` rounds without unanimity (`services.close_session`); the
procesregisseur then records that the case was sent on (when, to whom) and, later, the
driehoek's outcome (casusoverleg or not, its date and what it decided). That outcome closes a
case still in the queue, with its retention clock, and counts in the statistics. When no
outcome is recorded `DRIEHOEK_REMINDER_DAYS` after the escalation, the procesregisseurs get
one reminder."""

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals import lifecycle
from signals.models import EventKind, Signal, SignalStatus
from signals.services import record_event, sync_signal_permissions
from signals.tasks import mail_coordinators
from weegploeg.models import AgendaItem, DriehoekOutcome, Escalation
from weegploeg.roles import require_coordinator

# A signal still in the queue is closed by the driehoek's outcome.
QUEUE_STATUSES = (SignalStatus.REGISTERED, SignalStatus.IN_PREPARATION)


def flagged_items(signal: Signal):
    """The signal's agenda items flagged for the driehoek, with their escalation if any."""
    return (signal.agenda_items.filter(escalate=True).select_related("escalation")
            .order_by("round"))


@transaction.atomic
def record_escalation(user, item: AgendaItem, *, sent_on: datetime.date,
                      sent_to: str) -> Escalation:
    """The procesregisseur records that a flagged item was sent on to the driehoek."""
    with processing(ProcessingActivity.DECISION):
        item = (AgendaItem.objects.select_for_update(of=("self",))
                .select_related("signal__weegploeg", "session").get(pk=item.pk))
        require_coordinator(user, item.signal.weegploeg)
        if not item.escalate:
            raise RuleViolation(_("Dit agendapunt is niet gemarkeerd voor escalatie."))
        if Escalation.objects.filter(item=item).exists():
            raise RuleViolation(_("De escalatie van dit agendapunt is al vastgelegd."))
        sent_to = (sent_to or "").strip()
        if not sent_to:
            raise RuleViolation(_("Noem aan wie de casus is doorgestuurd."), field="sent_to")
        session = item.session
        ended_on = timezone.localdate(session.closed_at or session.starts_at)
        if sent_on is None or not ended_on <= sent_on <= timezone.localdate():
            raise RuleViolation(
                _("De datum van doorsturen ligt tussen het overleg van %(date)s en vandaag.")
                % {"date": ended_on.strftime("%d-%m-%Y")}, field="sent_on")
        escalation = Escalation.objects.create(signal=item.signal, item=item, sent_on=sent_on,
                                               sent_to=sent_to, recorded_by=user)
        record_event(user, item.signal, EventKind.STATUS,
                     _("Geëscaleerd naar de lokale driehoek"))
    return escalation


@transaction.atomic
def record_driehoek_outcome(user, escalation: Escalation, *, outcome: str,
                            outcome_on: datetime.date, outcome_text: str) -> Escalation:
    """The driehoek's outcome becomes part of the dossier. A case still in the queue is
    closed by it (decided, its retention clock started as for that outcome); a case on an
    agenda waits until the session is done."""
    with processing(ProcessingActivity.DECISION):
        escalation = (Escalation.objects.select_for_update(of=("self",))
                      .select_related("signal__weegploeg").get(pk=escalation.pk))
        require_coordinator(user, escalation.signal.weegploeg)
        if escalation.outcome:
            raise RuleViolation(_("De uitkomst van de driehoek is al vastgelegd."))
        if outcome not in DriehoekOutcome.values:
            raise RuleViolation(_("Kies de uitkomst van de driehoek."), field="outcome")
        if outcome_on is None or not escalation.sent_on <= outcome_on <= timezone.localdate():
            raise RuleViolation(_("De datum van de uitkomst ligt tussen het doorsturen en "
                                  "vandaag."), field="outcome_on")
        outcome_text = (outcome_text or "").strip()
        if not outcome_text:
            raise RuleViolation(_("Beschrijf wat de driehoek heeft besloten."),
                                field="outcome_text")
        signal = Signal.objects.select_for_update().get(pk=escalation.signal_id)
        if signal.status == SignalStatus.ON_AGENDA:
            raise RuleViolation(_("Dit signaal staat op de agenda van een overleg. Leg de "
                                  "uitkomst vast als het overleg voorbij is."))
        escalation.outcome, escalation.outcome_on = outcome, outcome_on
        escalation.outcome_text, escalation.outcome_recorded_by = outcome_text, user
        escalation.save()
        record_event(user, signal, EventKind.DECIDED, _("Uitkomst lokale driehoek: %(o)s")
                     % {"o": DriehoekOutcome(outcome).label})
        if signal.status in QUEUE_STATUSES:
            signal.status = SignalStatus.DECIDED
            signal.save(update_fields=["status", "updated_at"])
            sync_signal_permissions(signal)
            at = timezone.make_aware(datetime.datetime.combine(outcome_on, datetime.time(12)))
            lifecycle.outcome_reached(signal, outcome, at)
    return escalation


def send_driehoek_reminders(today: datetime.date | None = None) -> int:
    """Daily: remind the procesregisseurs, once, of an escalation whose outcome is still not
    recorded `DRIEHOEK_REMINDER_DAYS` after it was sent on. References only."""
    today = today or timezone.localdate()
    limit = today - datetime.timedelta(days=settings.DRIEHOEK_REMINDER_DAYS)
    due = Escalation.objects.filter(outcome="", reminded_on__isnull=True, sent_on__lte=limit)
    sent = 0
    for pk in list(due.values_list("pk", flat=True)):
        with transaction.atomic(), processing(ProcessingActivity.DECISION):
            escalation = (Escalation.objects.select_for_update(of=("self",))
                          .select_related("signal__weegploeg").get(pk=pk))
            if escalation.outcome or escalation.reminded_on is not None:
                continue
            ref = escalation.signal.reference
            subject = _("Uitkomst lokale driehoek ontbreekt bij signaal %(ref)s") % {"ref": ref}
            body = _("Signaal %(ref)s is op %(date)s naar de lokale driehoek gestuurd; de "
                     "uitkomst is nog niet vastgelegd. Leg haar vast in Weegploeg.") % {
                "ref": ref, "date": escalation.sent_on.strftime("%d-%m-%Y")}
            sent += mail_coordinators(escalation.signal.weegploeg, subject, body)
            escalation.reminded_on = today
            escalation.save(update_fields=["reminded_on"])
    return sent
