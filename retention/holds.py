"""Legal holds (docs/adr/0004, 8): a juridische blokkade on a signal or on a person stops the
purge of what it covers until the functioneel beheerder ends it, also after its date."""

import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from pga.audit import processing
from pga.authz import weegploegen_of
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from retention.clock import require_admin
from retention.models import (
    LegalHold,
)
from signals.models import Person, Signal


def active_holds():
    return LegalHold.objects.filter(ended_at__isnull=True)


def expired_holds(today: datetime.date):
    """Holds past their date that still block: to be ended or extended."""
    return active_holds().filter(until__lt=today)


def on_hold():
    holds = active_holds()
    return (Exists(holds.filter(signal_id=OuterRef("pk")))
            | Exists(holds.filter(person_id=OuterRef("person_id"))))


def find_signal(user, reference: str) -> Signal | None:
    """A signal by reference, among those of the weegploegen of the user's partner: another
    weegploeg's signal does not exist here either (docs/design.md §4.2)."""
    return Signal.objects.filter(
        weegploeg__in=weegploegen_of(user), reference__iexact=(reference or "").strip()
    ).first()


@transaction.atomic
def place_hold(user, *, reason: str, until: datetime.date, signal: Signal | None = None,
               person: Person | None = None) -> LegalHold:
    """A legal hold blocks the purge of a signal, or of all signals of a person, until it
    is ended. The signal or person row is locked, so a purge running at the same moment
    either finishes first or sees the hold."""
    require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van de blokkade."), field="reason")
    if until is None or until < timezone.localdate():
        raise RuleViolation(_("De einddatum ligt in het verleden: kies vandaag of later."),
                            field="until")
    if (signal is None) == (person is None):
        raise RuleViolation(_("Kies een signaal of een betrokkene."), field="reference")
    with processing(ProcessingActivity.RETENTION):
        if signal is not None:
            signal = Signal.objects.select_for_update().filter(pk=signal.pk).first()
        else:
            person = Person.objects.select_for_update().filter(pk=person.pk).first()
        if signal is None and person is None:
            raise RuleViolation(_("Dit signaal of deze betrokkene bestaat niet (meer)."),
                                field="reference")
        return LegalHold.objects.create(
            signal=signal, person=person, reason=reason, until=until, placed_by=user
        )


@transaction.atomic
def end_hold(user, hold: LegalHold, reason: str) -> LegalHold:
    """End a hold; from the next run the purge may delete what it covered, if due."""
    require_admin(user)
    reason = (reason or "").strip()
    if not reason:
        raise RuleViolation(_("Geef de reden van het beëindigen."), field="end_reason")
    with processing(ProcessingActivity.RETENTION):
        hold = LegalHold.objects.select_for_update().get(pk=hold.pk)
        if hold.ended_at is not None:
            raise RuleViolation(_("Deze blokkade is al beëindigd."))
        hold.ended_at, hold.ended_by, hold.end_reason = timezone.now(), user, reason
        hold.save()
    return hold
