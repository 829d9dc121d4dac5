"""Issue 8: the dashboard counts what the definitions in `stats.services` say, for the
user's own weegploegen only, live signals and tombstones alike — so its numbers survive the
purge."""

import datetime
import re

import pytest
from django.urls import reverse
from freezegun import freeze_time

from pga.models import Role
from retention.purge import purge_due
from signals.models import SignalStatus
from stats import services as statistics
from tests.factories import WeegploegFactory
from tests.retention.factories import decided_signal, due_day
from tests.statistics import factories as make

TODAY = datetime.date(2026, 5, 15)
MARCH, APRIL = datetime.date(2026, 3, 1), datetime.date(2026, 4, 30)
PERIOD = {"date_from": MARCH, "date_to": APRIL, "today": TODAY}


def day(month, number, year=2026):
    return datetime.date(year, month, number)


@pytest.fixture
def hand_built(weegploeg, other_weegploeg, meldpunt, coordinator, make_user):
    """Weegploeg A, signals received in March and April 2026 unless said otherwise:

    live: a1 casusoverleg (nadere duiding first), 20 days from registration to decision;
          a2 geen casusoverleg after 30 days, its decision corrected later;
          a3 withdrawn, repeat; a4 nadere duiding with one overdue, one open and one
          answered request; a5 open, repeat; a6 open since February (stale, outside the
          period); a7 received in May (outside the period).
    tombstones: t1 geen casusoverleg after 10 days; t2 withdrawn, repeat; t3 in December.
    Weegploeg B: one decided signal and one tombstone in March.
    """
    signal = make.signal
    a1 = signal(weegploeg, meldpunt, received_on=day(3, 2), registered_on=day(3, 3),
                status=SignalStatus.DECIDED)
    make.decision(a1, "more_information", on=day(3, 9), recorded_by=coordinator)
    make.decision(a1, "casusoverleg", on=day(3, 23), recorded_by=coordinator)
    a2 = signal(weegploeg, meldpunt, received_on=day(3, 10), phenomenon="rechts_extremisme",
                source="burger", status=SignalStatus.DECIDED)
    first = make.decision(a2, "no_casusoverleg", on=day(4, 9), recorded_by=coordinator)
    make.decision(a2, "no_casusoverleg", on=day(4, 20), recorded_by=coordinator,
                  corrects=first)
    signal(weegploeg, meldpunt, received_on=day(3, 15), source="politie_registratie",
           status=SignalStatus.WITHDRAWN, repeat=True)
    a4 = signal(weegploeg, meldpunt, received_on=day(4, 1), phenomenon="other",
                status=SignalStatus.MORE_INFORMATION)
    make.decision(a4, "more_information", on=day(4, 15), recorded_by=coordinator)
    for deadline, answered in ((day(5, 1), False), (day(5, 31), False), (day(5, 2), True)):
        make.information_request(a4, weegploeg.politie, coordinator, deadline=deadline,
                                 answered=answered)
    signal(weegploeg, meldpunt, received_on=day(4, 20), phenomenon="links_extremisme",
           repeat=True)
    signal(weegploeg, meldpunt, received_on=day(2, 1))
    signal(weegploeg, meldpunt, received_on=day(5, 2))
    make.tombstone(weegploeg, received_on=day(3, 5), decided_on=day(3, 15),
                   outcome="no_casusoverleg", status="decided")
    make.tombstone(weegploeg, received_on=day(4, 10), withdrawn_on=day(4, 12),
                   outcome="withdrawn", status="withdrawn", phenomenon="rechts_extremisme",
                   source="burger", repeat=True)
    make.tombstone(weegploeg, received_on=day(12, 1, 2025), decided_on=day(12, 20, 2025),
                   outcome="casusoverleg", status="decided")
    b_meldpunt = make_user(other_weegploeg.gemeente, Role.MELDPUNT)
    b1 = signal(other_weegploeg, b_meldpunt, received_on=day(3, 5),
                status=SignalStatus.DECIDED, surname="Bakker")
    make.decision(b1, "casusoverleg", on=day(3, 6), recorded_by=coordinator)
    make.tombstone(other_weegploeg, received_on=day(3, 20), decided_on=day(3, 30),
                   outcome="no_casusoverleg", status="decided")


def by_code(tallies):
    return {t.code: (t.signals, t.deleted) for t in tallies}


def test_dashboard_numbers_match_the_hand_built_data_set(hand_built, coordinator):
    figures = statistics.dashboard(coordinator, **PERIOD)
    assert (figures.total, figures.deleted) == (7, 2)
    assert [(t.code, t.signals, t.deleted) for t in figures.per_month] == [
        ("2026-03-01", 4, 1), ("2026-04-01", 3, 1),
    ]
    assert by_code(figures.per_phenomenon) == {
        "jihadisme": (3, 1), "rechts_extremisme": (2, 1), "links_extremisme": (1, 0),
        "anti_institutioneel": (0, 0), "other": (1, 0),
    }
    assert by_code(figures.per_source) == {
        "professional": (4, 1), "burger": (2, 1), "politie_registratie": (1, 0),
        "ambtsbericht_aivd": (0, 0), "doorverwijzing_lse": (0, 0), "om": (0, 0),
        "other": (0, 0),
    }
    assert by_code(figures.outcomes) == {
        "casusoverleg": (1, 0), "no_casusoverleg": (2, 1), "more_information": (1, 0),
        "withdrawn": (2, 1), "open": (1, 0),
    }
    # Days from registration to the latest decision that is not a correction: 20, 30, 10.
    assert figures.decided == 3
    assert figures.median_days == 20
    assert [(count, median) for _label, count, median in figures.median_days_by_outcome] == [
        (1, 20), (2, 20),
    ]
    assert figures.repeats == 3
    assert figures.repeat_percentage == pytest.approx(300 / 7)
    assert (figures.requests_open, figures.requests_overdue) == (1, 1)
    assert figures.stale == 1


def test_the_dashboard_page_shows_the_numbers_with_a_table_for_each_chart(
    hand_built, coordinator, login
):
    with freeze_time("2026-05-15 12:00"):
        response = login(coordinator).get(
            reverse("statistics:dashboard"), {"date_from": "2026-03-01", "date_to": "2026-04-30"}
        )
    assert response.status_code == 200
    html = response.content.decode()
    assert "7, waarvan 2 inmiddels vernietigd" in html
    assert "20,0 dagen" in html
    # Five charts (the fifth: the lokale driehoek's outcomes, issue 19), each an SVG image
    # named by its title and its numbers in words, followed by its table; the lead-time
    # table is a table only.
    assert html.count('role="img" aria-labelledby="grafiek-') == 5
    assert "aria-hidden" not in html
    names = re.findall(r'<title id="grafiek-[\w-]+-titel">([^<]+)</title>', html)
    assert len(names) == 5 and all(name.startswith("Staafdiagram: ") for name in names)
    assert re.search(r'<desc id="grafiek-[\w-]+-cijfers">[^<]*maart 2026: 4 signalen '
                     r'\(waarvan 1 vernietigd\)', html)
    assert html.count("<table>") == 6
    assert html.count("<caption>") == 6
    assert re.search(r'<th scope="row">maart 2026</th><td>4</td><td>1</td>', html)
    # The CSP allows no inline style: the charts use SVG attributes only.
    assert " style=" not in html


def test_a_user_sees_the_statistics_of_their_own_weegploeg_only(
    hand_built, weegploeg, other_weegploeg, make_user, members, login
):
    b_member = make_user(other_weegploeg.gemeente, Role.MEMBER)
    assert statistics.dashboard(members["gemeente"], **PERIOD).total == 7
    assert statistics.dashboard(members["politie"], **PERIOD).total == 7
    assert statistics.dashboard(b_member, **PERIOD).total == 2
    assert [w.pk for w in statistics.dashboard(b_member, **PERIOD).weegploegen] == [
        other_weegploeg.pk
    ]
    with pytest.raises(statistics.RuleViolation):
        statistics.dashboard(b_member, weegploeg=weegploeg, **PERIOD)
    # Asking for another weegploeg in the URL is an invalid choice: the page shows the
    # user's own numbers and says so.
    with freeze_time("2026-05-15 12:00"):
        response = login(b_member).get(reverse("statistics:dashboard"), {
            "weegploeg": weegploeg.pk, "date_from": "2026-03-01", "date_to": "2026-04-30"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2, waarvan 1 inmiddels vernietigd" in html
    assert weegploeg.name not in html


def test_a_partner_in_two_weegploegen_sees_both_and_can_narrow_to_one(
    hand_built, weegploeg, make_user
):
    second = WeegploegFactory(politie=weegploeg.politie)
    make.tombstone(second, received_on=day(3, 3), outcome="withdrawn", status="withdrawn")
    politie_member = make_user(weegploeg.politie, Role.MEMBER)
    assert statistics.dashboard(politie_member, **PERIOD).total == 8
    assert statistics.dashboard(politie_member, weegploeg=second, **PERIOD).total == 1


@pytest.mark.parametrize(("role", "status"), [
    (Role.MEMBER, 200), (Role.COORDINATOR, 200), (Role.ADMIN, 200), (Role.AUDITOR, 200),
    (Role.MELDPUNT, 403), (Role.SUPERVISOR, 403),
])
def test_who_may_see_the_dashboard(role, status, weegploeg, make_user, login):
    response = login(make_user(weegploeg.gemeente, role)).get(reverse("statistics:dashboard"))
    assert response.status_code == status


def test_the_numbers_survive_the_purge_of_a_signal(meldpunt, weegploeg, coordinator, members):
    """Rule 8 deletes the signal; the tombstone keeps what the statistics count."""
    signal = decided_signal(meldpunt, weegploeg, coordinator=coordinator, members=members)
    period = {"date_from": signal.received_on.replace(day=1), "date_to": signal.received_on,
              "today": due_day(signal).date()}

    def figures():
        shown = statistics.dashboard(coordinator, **period)
        counted = [{t.code: t.signals for t in tallies} for tallies in (
            shown.per_month, shown.per_phenomenon, shown.per_source, shown.outcomes)]
        return shown.total, counted, shown.decided, shown.median_days, shown.repeats

    before = figures()
    assert before[0] == 1 and before[1][3]["no_casusoverleg"] == 1
    report = purge_due(due_day(signal), synchronous=True)
    assert [pk for pk, _ref in report.selected] == [signal.pk]
    assert figures() == before
    assert statistics.dashboard(coordinator, **period).deleted == 1


def test_the_default_period_is_the_last_twelve_months():
    assert statistics.default_period(TODAY) == (datetime.date(2025, 6, 1), TODAY)
    assert statistics.default_period(datetime.date(2026, 12, 31)) == (
        datetime.date(2026, 1, 1), datetime.date(2026, 12, 31))


def test_a_partner_without_a_weegploeg_sees_empty_statistics(make_user):
    from tests.factories import PartnerFactory

    loose = make_user(PartnerFactory(), Role.ADMIN)
    figures = statistics.dashboard(loose, **PERIOD)
    assert (figures.weegploegen, figures.total, figures.stale) == ([], 0, 0)


def test_a_long_label_fits_left_of_its_bar():
    """Chart labels are drawn right-aligned left of the bars: the room for them grows with the
    longest label (at a generous 8 units a character at font-size 13), so none is clipped at
    the chart's left edge (issue 22)."""
    from stats.services import Tally
    from stats.views import bar_chart

    label = "Rechts-extremisme en anti-institutioneel extremisme"
    chart = bar_chart("fenomeen", "Per fenomeen", "fenomeen",
                      [Tally("lang", label, 3, 0), Tally("kort", "Overig", 1, 0)])
    assert chart["label_x"] - len(label) * 8 >= 0
    assert chart["width"] >= chart["label_width"] + 320
    assert all(bar["value_x"] > chart["label_width"] for bar in chart["bars"])
