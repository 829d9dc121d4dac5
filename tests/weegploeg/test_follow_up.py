"""Rule 12 and issue 18: on a decision's follow-up date the procesregisseurs are reminded,
once, with the reference only."""

import datetime

from django.core import mail
from django.utils import timezone

from tests.weegploeg.factories import vote
from weegploeg.models import Outcome, Referral
from weegploeg.services import prepare_decision
from weegploeg.tasks import send_follow_up_reminders

MOTIVATION = "Geen aanleiding; wel zorg."


def test_procesregisseur_is_reminded_once_on_the_follow_up_date(item, members, coordinator):
    follow_up = timezone.localdate() + datetime.timedelta(days=30)
    prepare_decision(coordinator, item, referral=Referral.CARE, follow_up_on=follow_up,
                     invited_parties=item.invited_parties)
    for member in members.values():
        vote(member, item, Outcome.NO_CASUSOVERLEG, MOTIVATION)
    mail.outbox.clear()
    assert send_follow_up_reminders((follow_up - datetime.timedelta(days=1)).isoformat()) == 0
    assert send_follow_up_reminders(follow_up.isoformat()) == 1
    assert mail.outbox[-1].to == [coordinator.email]
    assert item.signal.reference in mail.outbox[-1].subject
    assert item.signal.person.surname not in mail.outbox[-1].body
    assert send_follow_up_reminders(follow_up.isoformat()) == 0
