"""A hand-built data set for the statistics: signals, decisions, information requests and
tombstones made row by row with the dates the test names, so every expected number can be
counted by hand."""

import datetime
import itertools

from django.utils import timezone

from retention.models import DeletedSignal
from signals.models import Person, Signal, SignalStatus
from weegploeg.models import AgendaItem, Decision, InformationRequest, Session, Vote

_numbers = itertools.count(1)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def signal(weegploeg, registrar, *, received_on, phenomenon="jihadisme",
           source="professional", status=SignalStatus.REGISTERED, registered_on=None,
           repeat=False, person=None, surname="Visser"):
    number = next(_numbers)
    person = person or Person.objects.create(
        weegploeg=weegploeg, first_names="Anna", surname=surname,
        date_of_birth=datetime.date(2001, 4, 5),
        bsn="", normalised_name=f"anna {surname.lower()}", municipality=weegploeg.gemeente,
    )
    return Signal.objects.create(
        reference=f"ST-{number:06d}", weegploeg=weegploeg, person=person,
        received_on=received_on, receiving_partner=weegploeg.gemeente,
        registered_by=registrar, registered_at=at(registered_on or received_on),
        source_category=source, phenomenon=phenomenon, status=status, is_repeat=repeat,
        description=f"Beschrijving {number} van het gedrag van Anna {surname}.",
        behaviour_from=received_on,
        withdrawal_reason="Onterecht geregistreerd." if status == SignalStatus.WITHDRAWN
        else "",
    )


def decision(signal, outcome, *, on: datetime.date, recorded_by, corrects=None):
    """A decision taken on `on`, on an agenda item of its own session (round by round)."""
    item = AgendaItem.objects.filter(signal=signal).order_by("-round").first()
    if corrects is None:
        session = Session.objects.create(weegploeg=signal.weegploeg, starts_at=at(on, 9),
                                         online=True, created_by=recorded_by)
        item = AgendaItem.objects.create(session=session, signal=signal, position=1,
                                         round=(item.round + 1) if item else 1,
                                         status="decided")
        # The database takes a decision only on three equal votes of the core partners.
        weegploeg = signal.weegploeg
        for partner_id in (signal.person.municipality_id or weegploeg.gemeenten.first().pk,
                           weegploeg.politie_id, weegploeg.om_id):
            Vote.objects.create(item=item, partner_id=partner_id, voter=recorded_by,
                                outcome=outcome, motivation="Stem.", cast_at=at(on, 10))
    return Decision.objects.create(
        signal=signal, item=item, outcome=outcome, reasoning="Gezamenlijke motivering.",
        invited_parties=["zorg_ggz"] if outcome == "casusoverleg" else [],
        taken_at=at(on, 11), recorded_by=recorded_by, corrects=corrects,
        correction_reason="Motivering aangevuld." if corrects else "",
    )


def information_request(signal, partner, created_by, *, deadline, answered=False):
    return InformationRequest.objects.create(
        signal=signal, question="Wat is bekend over het netwerk?", assigned_partner=partner,
        deadline=deadline, created_by=created_by,
        answered_at=at(deadline - datetime.timedelta(days=3)) if answered else None,
    )


def tombstone(weegploeg, *, received_on, outcome, status, phenomenon="jihadisme",
              source="professional", decided_on=None, withdrawn_on=None, repeat=False):
    number = next(_numbers)
    return DeletedSignal.objects.create(
        signal_id=900_000 + number, reference=f"ST-VERNIETIGD-{number:06d}",
        weegploeg=weegploeg, received_on=received_on, registered_on=received_on,
        decided_on=decided_on, withdrawn_on=withdrawn_on, outcome=outcome, status=status,
        phenomenon=phenomenon, source_category=source, is_repeat=repeat,
        voting_rounds=1 if decided_on else 0,
    )
