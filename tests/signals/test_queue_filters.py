"""Issue 18: the queue filters on acute danger and on how long a signal has waited."""

import datetime

from django.utils import timezone

from signals.services import queue
from tests.signals.factories import register


def test_queue_filters_acute_danger_and_days_waiting(meldpunt, weegploeg, members):
    old = register(meldpunt, weegploeg=weegploeg,
                   received_on=timezone.localdate() - datetime.timedelta(days=20))
    acute = register(meldpunt, weegploeg=weegploeg, acute_danger=True,
                     received_on=timezone.localdate())
    member = members["politie"]
    assert set(queue(member, acute_danger=True)) == {acute}
    assert set(queue(member, waiting_days=14)) == {old}
    assert set(queue(member)) == {old, acute}
