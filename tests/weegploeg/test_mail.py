"""E-mail (issue 5, item 8): the agenda goes to the members of the three partners; a decision
goes to the registering partner with reference and outcome only."""

from django.core import mail

from tests.weegploeg.factories import vote
from weegploeg.models import Outcome
from weegploeg.services import publish_agenda


def test_published_agenda_goes_to_the_members_of_the_three_partners(
    item, members, coordinator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        publish_agenda(coordinator, item.session)
    recipients = {message.to[0] for message in mail.outbox}
    assert {m.email for m in members.values()} <= recipients
    for message in mail.outbox:
        assert item.signal.reference in message.body
        assert item.signal.person.surname not in message.body


def test_decision_mail_to_the_registering_partner_holds_reference_and_outcome_only(
    item, members, meldpunt, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for member in members.values():
            vote(member, item, Outcome.CASUSOVERLEG, "Bespreken in casusoverleg.")
    decision_mail = [m for m in mail.outbox if meldpunt.email in m.to]
    assert len(decision_mail) == 1
    body = decision_mail[0].body
    assert item.signal.reference in body
    assert "Casusoverleg" in body
    assert item.signal.person.surname not in body
    assert "Bespreken in casusoverleg." not in body
