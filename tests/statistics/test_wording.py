"""Counted words agree with their number (issue 22): "over 1 besluit", not "over 1
besluiten"."""

from django.urls import reverse

from tests.weegploeg.factories import vote
from weegploeg.models import Outcome


def test_the_median_over_one_decision_says_one_besluit(client, login, coordinator, item,
                                                       members):
    for member in members.values():
        vote(member, item, Outcome.CASUSOVERLEG, "Zorgen over geweldsbereidheid.")
    login(coordinator)
    page = " ".join(client.get(reverse("statistics:dashboard")).content.decode().split())
    assert "(over 1 besluit tot wel of geen casusoverleg)" in page
    assert "1 besluiten" not in page
