"""Issue 18 point 5: the decision record (PDF) shows the session date, when and why the
session was opened on another day, and the time of the deciding vote — in the installation's
time zone, whoever renders it (a worker may run in UTC), as the decision page does."""

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import dateformat, timezone, translation

from tests.weegploeg.factories import vote
from tests.weegploeg.test_records import MOTIVATIONS, pdf_text
from weegploeg.models import Outcome, Session
from weegploeg.record_content import render_decision_record
from weegploeg.services import open_session

LOCAL = ZoneInfo(settings.TIME_ZONE)


def local(value: datetime.datetime, fmt: str) -> str:
    with translation.override("nl"):
        return dateformat.format(value.astimezone(LOCAL), fmt)


def decide(item, members):
    decision = None
    for partner, motivation in MOTIVATIONS.items():
        decision = vote(members[partner], item, Outcome.CASUSOVERLEG, motivation)
    return decision


def rendered_elsewhere(decision) -> str:
    with timezone.override(datetime.UTC):
        return pdf_text(render_decision_record(decision))


def test_record_shows_the_session_date_the_opening_reason_and_the_deciding_vote_locally(
    coordinator, item, members
):
    open_session(coordinator, item.session, reason="Vervroegd wegens spoed.")
    decision = decide(item, members)
    session = Session.objects.get(pk=item.session_id)
    text = rendered_elsewhere(decision)
    assert f"Datum overleg {local(session.starts_at, 'j F Y')}" in text
    assert (f"Geopend op {local(session.opened_at, 'j F Y')}, reden: Vervroegd wegens spoed."
            in text)
    assert f"Tijdstip beslissende stem {local(decision.taken_at, 'j F Y, H:i')}" in text


def test_record_of_a_session_opened_on_its_date_shows_no_opening_note(
    coordinator, item, members
):
    Session.objects.filter(pk=item.session_id).update(starts_at=timezone.now())
    open_session(coordinator, item.session)
    decision = decide(item, members)
    text = rendered_elsewhere(decision)
    assert f"Datum overleg {local(timezone.now(), 'j F Y')}" in text
    assert "Geopend op" not in text
