"""Helpers for retention tests: signals taken to an outcome through the real services
(registration, agenda, three votes, withdrawal), so every clock starts the way it does in
use."""

import datetime

from django.utils import timezone

from signals.services import withdraw_signal
from tests.signals.factories import person_fields, register
from tests.weegploeg.factories import vote
from weegploeg.models import Outcome
from weegploeg.services import add_to_agenda, plan_session, prepare_decision

MOTIVATION = "Feiten afgewogen; de weegploeg is eensgezind."


def decide(signal, outcome, *, coordinator, members, session=None):
    """Put `signal` on an agenda and let the three core partners vote `outcome`; returns
    the decision. casusoverleg needs a complete joint assessment first (rule 4)."""
    session = session or plan_session(
        coordinator, signal.weegploeg, timezone.now() + datetime.timedelta(days=1),
        location="Stadhuis",
    )
    item = add_to_agenda(coordinator, session, signal)
    prepare_decision(coordinator, item, invited_parties=["zorg_ggz"],
                     joint_reasoning="Gezamenlijke motivering van de weegploeg.")
    decision = None
    for partner in ("gemeente", "politie", "om"):
        decision = vote(members[partner], item, outcome, MOTIVATION)
    signal.refresh_from_db()
    return decision


def decided_signal(meldpunt, weegploeg, *, coordinator, members,
                   outcome=Outcome.NO_CASUSOVERLEG, **person):
    signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        municipality=weegploeg.gemeente, **person))
    decide(signal, outcome, coordinator=coordinator, members=members)
    return signal


def withdrawn_signal(meldpunt, weegploeg, coordinator, **person):
    signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        municipality=weegploeg.gemeente, **person))
    return withdraw_signal(coordinator, signal, "Onterecht geregistreerd: verkeerde persoon.")


def due_day(signal, extra_days=1) -> datetime.datetime:
    """A moment `extra_days` after the signal's deletion date, noon in Amsterdam."""
    day = signal.deletion_due + datetime.timedelta(days=extra_days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))
