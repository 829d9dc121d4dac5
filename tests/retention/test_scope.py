"""Legal holds, the retention overview, purge runs and tombstones are scoped to the user's
weegploegen (issue 14): another weegploeg's hold cannot be read or ended, and its
references do not appear on any retention screen."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from pga.models import AuditEntry, Role
from retention.holds import place_hold
from retention.models import LegalHold
from retention.purge import purge_due
from tests.retention.factories import decided_signal, due_day
from tests.retention.test_notifications import casusoverleg  # noqa: F401 - fixture
from tests.signals.factories import register

REASON = "Lopend strafrechtelijk onderzoek naar de zaak-Zeeland"


@pytest.fixture
def their_hold(other_weegploeg, make_user):
    their_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    signal = register(their_meldpunt, weegploeg=other_weegploeg)
    their_admin = make_user(other_weegploeg.gemeente, Role.ADMIN)
    return place_hold(their_admin, reason=REASON, signal=signal,
                      until=timezone.localdate() + datetime.timedelta(days=30))


@pytest.fixture
def scoped_users(weegploeg, make_user):
    return [make_user(partner, role) for partner in (weegploeg.gemeente, weegploeg.politie,
                                                     weegploeg.om)
            for role in (Role.ADMIN, Role.AUDITOR)]


def test_another_weegploegs_hold_cannot_be_read_or_ended(client, login, their_hold,
                                                         scoped_users):
    url = reverse("retention:hold_end", args=[their_hold.pk])
    for user in scoped_users:
        login(user)
        assert client.get(url).status_code in (403, 404)
        assert client.post(url, {"end_reason": "Opgeheven"}).status_code in (403, 404)
    their_hold.refresh_from_db()
    assert their_hold.ended_at is None


def test_the_overview_lists_only_holds_of_the_own_weegploegen(client, login, their_hold,
                                                              scoped_users, weegploeg,
                                                              make_user, meldpunt):
    mine = place_hold(make_user(weegploeg.gemeente, Role.ADMIN), reason="Eigen blokkade",
                      signal=register(meldpunt, weegploeg=weegploeg),
                      until=timezone.localdate() + datetime.timedelta(days=30))
    for user in scoped_users:
        login(user)
        page = client.get(reverse("retention:overview")).content.decode()
        assert REASON not in page and their_hold.signal.reference not in page
        assert mine.signal.reference in page
    assert list(LegalHold.objects.visible_to(scoped_users[0])) == [mine]


def test_purge_runs_show_only_tombstones_of_the_own_weegploegen(
    client, login, other_weegploeg, make_user, scoped_users
):
    there = {"gemeente": make_user(other_weegploeg.gemeente, Role.MEMBER),
             "politie": make_user(other_weegploeg.politie, Role.MEMBER),
             "om": make_user(other_weegploeg.om, Role.MEMBER)}
    theirs = decided_signal(make_user(other_weegploeg.gemeente, Role.MELDPUNT), other_weegploeg,
                            coordinator=make_user(other_weegploeg.gemeente, Role.COORDINATOR),
                            members=there)
    report = purge_due(due_day(theirs), synchronous=True)
    for user in scoped_users:
        login(user)
        overview = client.get(reverse("retention:overview")).content.decode()
        run = client.get(reverse("retention:run", args=[report.run.pk])).content.decode()
        assert theirs.reference not in overview and theirs.reference not in run
    login(make_user(other_weegploeg.gemeente, Role.AUDITOR))
    assert theirs.reference in client.get(reverse("retention:run",
                                                  args=[report.run.pk])).content.decode()


def test_the_notification_page_records_its_read(client, login, casusoverleg,  # noqa: F811
                                                coordinator):
    login(coordinator)
    before = AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count()
    assert client.get(reverse("retention:notification",
                              args=[casusoverleg.pk])).status_code == 200
    assert AuditEntry.objects.filter(action=AuditEntry.Action.ACCESS).count() == before + 1
