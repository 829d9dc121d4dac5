"""The conformance report (issue 20, docs/design.md §3 rule 13): its figures against a data
set built row by row, counted by hand; who sees which weegploegen; small cells suppressed;
the page and the PDF/A annual statement show no personal data."""

import datetime
import io
import re

import pytest
from django.urls import reverse
from pypdf import PdfReader

from criteria.assessments import record_joint_assessment, record_partner_assessment
from criteria.inputs import JudgementInput
from pga.models import LegalGround, Role
from pga.services import RuleViolation
from retention.models import (
    DeletedSignal,
    LegalHold,
    Notification,
    NotificationMethod,
    NotificationStatus,
    PostponementGround,
)
from signals.models import Contribution, Signal
from stats import conformance
from tests.criteria.factories import SUBSTANTIATION, judgements, published, scale_value
from tests.factories import legal_ground
from tests.signals.factories import person_fields, register
from tests.statistics import factories as make
from weegploeg.models import AgendaItem, InformationRequest, ItemStatus, Outcome, Session

YEAR = 2026
TODAY = datetime.date(YEAR, 12, 31)
REGISTERED = datetime.date(YEAR, 2, 20)


def day(month, number):
    return datetime.date(YEAR, month, number)


def set_created(obj, on):
    """Written as the record of a fact on `on` (the database stamps the real time)."""
    obj.created_at = make.at(on)
    obj.save(update_fields=["created_at"])


def registered_signal(meldpunt, weegploeg, surname):
    signal = register(meldpunt, weegploeg=weegploeg, person=person_fields(
        municipality=weegploeg.gemeente, surname=surname))
    signal.registered_at = make.at(REGISTERED)
    signal.save(update_fields=["registered_at"])
    return signal


def own_views(signal, members, kinds=("gemeente", "politie", "om")):
    for kind in kinds:
        set_created(record_partner_assessment(members[kind], signal, judgements()), day(2, 25))


@pytest.fixture
def data_set(meldpunt, weegploeg, other_weegploeg, members, coordinator, make_user):
    """Weegploeg A in 2026, by hand:

    s1..s6 registered 20 February, decided 1..6 March (9..14 days): s1-s4 casusoverleg,
    s5-s6 geen casusoverleg. Own wegingen of all three partners before the decision: s1, s2,
    s3; s4 two partners only; s5 all three but the OM's after the decision. A complete joint
    weging before the decision: s1, s2; the politie's latest own weging of s1 is higher on
    criterion 3 than the joint one. s1 corrected on 10 March (not counted again). s6 had
    a first round without unanimity, marked for escalation. Notifications: s1 postponed to
    30 days after its decision, s2 notified, s3 postponed to 60 days after, s4 none. s7
    decided in 2025 (other year). Two tombstones purged in 2026: one on time (decided 10
    days after registration, casusoverleg), one ten days late. Now: one signal overdue for
    deletion, one overdue but under a legal hold. Exchanges: two contributions under Wpg
    art. 20, one without a ground, one information request under Wjsg art. 39f. Weegploeg B:
    one decision in 2026 with no own wegingen."""
    signals = [registered_signal(meldpunt, weegploeg, f"Conform{n}") for n in range(1, 8)]
    s1, s2, s3, s4, s5, s6, s7 = signals
    for signal in (s1, s2, s3, s5):
        own_views(signal, members)
    own_views(s4, members, kinds=("gemeente", "politie"))
    late = s5.assessments.get(partner=members["om"].partner)
    set_created(late, day(4, 1))
    # The politie weighs s1 again, higher on criterion 3 than the joint weging will.
    set_created(record_partner_assessment(members["politie"], s1, judgements(c3=JudgementInput(
        criterion=3, scale_value=scale_value(3, 3).pk, substantiation=SUBSTANTIATION,
        source="BVH"))), day(2, 26))
    for signal in (s1, s2):
        set_created(record_joint_assessment(members["om"], signal, judgements(), "Conclusie."),
                    day(2, 26))
    first_round = Session.objects.create(weegploeg=weegploeg, starts_at=make.at(day(2, 27)),
                                         online=True, created_by=coordinator)
    AgendaItem.objects.create(session=first_round, signal=s6, position=1, round=1,
                              status=ItemStatus.NO_CONSENSUS, escalate=True)
    decisions = {}
    for n, signal in enumerate(signals[:6], start=1):
        outcome = Outcome.CASUSOVERLEG if n <= 4 else Outcome.NO_CASUSOVERLEG
        decisions[n] = make.decision(signal, outcome, on=day(3, n), recorded_by=coordinator)
    make.decision(s1, Outcome.CASUSOVERLEG, on=day(3, 10), recorded_by=coordinator,
                  corrects=decisions[1])
    make.decision(s7, Outcome.NO_CASUSOVERLEG, on=datetime.date(YEAR - 1, 6, 1),
                  recorded_by=coordinator)
    for n, days in ((1, 30), (3, 60)):
        Notification.objects.create(
            decision=decisions[n], status=NotificationStatus.POSTPONED,
            ground=PostponementGround.NATIONAL_SECURITY,
            recheck_on=day(3, n) + datetime.timedelta(days=days), recorded_by=coordinator)
    Notification.objects.create(decision=decisions[2], status=NotificationStatus.NOTIFIED,
                                notified_on=day(3, 20), notified_by="Wijkagent",
                                method=NotificationMethod.IN_PERSON, recorded_by=coordinator)
    for n, (due, deleted) in enumerate(((day(6, 1), day(6, 2)), (day(6, 1), day(6, 11)))):
        DeletedSignal.objects.create(
            signal_id=800_000 + n, reference=f"CF-VERNIETIGD-{n}", weegploeg=weegploeg,
            received_on=day(3, 22), registered_on=day(3, 22), decided_on=day(4, 1),
            outcome=Outcome.CASUSOVERLEG, status="decided", phenomenon="jihadisme",
            source_category="professional", deletion_due=due, deleted_at=make.at(deleted))
    overdue = registered_signal(meldpunt, weegploeg, "Overdue")
    held = registered_signal(meldpunt, weegploeg, "Held")
    for signal in (overdue, held):
        signal.deletion_due = TODAY - datetime.timedelta(days=5)
        signal.save(update_fields=["deletion_due"])
    LegalHold.objects.create(signal=held, reason="Procedure bij de AP.", until=TODAY,
                             placed_by=make_user(weegploeg.gemeente, Role.ADMIN))
    for ground in (legal_ground(), legal_ground(), None):
        set_created(Contribution.objects.create(
            signal=s1, partner=weegploeg.politie, author=members["politie"], source="BVH",
            information_date=day(2, 1), content="Inbreng.", legal_ground=ground), day(2, 22))
    wjsg = LegalGround.objects.get(name="Wjsg art. 39f")
    set_created(InformationRequest.objects.create(
        signal=s5, question="Wat weet het OM?", assigned_partner=weegploeg.om,
        deadline=day(5, 1), created_by=coordinator, legal_ground=wjsg), day(4, 20))
    b_signal = make.signal(other_weegploeg, meldpunt, received_on=day(2, 1))
    make.decision(b_signal, Outcome.NO_CASUSOVERLEG, on=day(3, 1), recorded_by=coordinator)
    return signals


def test_the_figures_match_the_hand_built_data_set(data_set, weegploeg):
    figures = conformance.figures([weegploeg.pk], YEAR, TODAY, weegploeg.name)
    assert figures.decisions == 6
    assert figures.weighed_by_three == 3
    assert figures.substantiated == 2
    assert sorted(figures.days_to_decision) == [9, 10, 10, 10, 11, 12, 13, 14]
    assert figures.items == 7
    assert figures.no_consensus == 1
    assert figures.escalations == 1
    assert sorted(figures.rounds) == [1, 1, 1, 1, 1, 2]
    assert figures.casusoverleg == 4
    assert figures.postponed == 2
    assert sorted(figures.postponed_days) == [30, 60]
    assert figures.not_recorded == 1
    assert figures.purged == 2
    assert figures.purged_on_time == 1
    assert figures.purge_overdue == 1
    assert figures.holds == 1
    assert figures.exchanges == {"Wpg art. 20": 2, "(geen grondslag vastgelegd)": 1,
                                 "Wjsg art. 39f": 1}
    # s1 and s2 have a joint weging: three own wegingen each, five criteria each.
    assert figures.divergence == {
        (number, kind): [2, 1 if (number, kind) == (3, "politie") else 0]
        for number in range(1, 6) for kind in ("gemeente", "politie", "om")}
    assert figures.per_version == {published().version: {Outcome.CASUSOVERLEG: 2}}


def test_the_national_figures_add_every_weegploeg(data_set, weegploeg, other_weegploeg):
    national = conformance.figures([weegploeg.pk, other_weegploeg.pk], YEAR, TODAY, "NL")
    assert national.decisions == 7
    assert national.weighed_by_three == 3
    assert conformance.figures([other_weegploeg.pk], YEAR, TODAY, "B").decisions == 1


def test_small_cells_are_suppressed_as_in_the_trend_export(data_set, weegploeg):
    rows = dict((label, (count, extra)) for label, count, extra in conformance.figures(
        [weegploeg.pk], YEAR, TODAY, weegploeg.name).rows())
    assert rows["Besluiten"] == ("6", "")
    # 3 of 6: the numerator is below 5, so neither it nor the share is shown.
    assert rows["Gewogen door alle drie de partners"] == ("<5", "–")
    # Eight durations (9, 10, 10, 10, 11, 12, 13, 14 days): median 10.5.
    assert rows["Doorlooptijd registratie tot besluit (mediaan, dagen)"] == ("8", "10,5")
    assert rows["Notificatie uitgesteld (mediaan dagen tot herbeoordeling)"] == ("<5", "–")
    assert rows and conformance.share(5, 10) == "50%"
    assert conformance.share(4, 10) == "–"
    figures = conformance.Figures(label="x", per_version={1: {Outcome.CASUSOVERLEG: 7,
                                                             Outcome.NO_CASUSOVERLEG: 3}})
    # 7 of 10 would give away the 3 shown as "<5" next to it.
    assert figures.version_rows() == [("1", "7", "<5", "–")]


@pytest.mark.parametrize("role", [Role.MELDPUNT, Role.MEMBER, Role.COORDINATOR, Role.ADMIN])
def test_only_the_fg_and_the_supervisor_see_the_report(role, weegploeg, make_user, login):
    user = make_user(weegploeg.gemeente, role)
    with pytest.raises(RuleViolation):
        conformance.conformance_report(user)
    assert login(user).get(reverse("statistics:conformance")).status_code == 403


def test_the_fg_sees_own_weegploegen_the_supervisor_all(weegploeg, other_weegploeg,
                                                        make_user):
    fg = make_user(weegploeg.politie, Role.AUDITOR)
    supervisor = make_user(weegploeg.gemeente, Role.SUPERVISOR)
    assert [f.label for f in conformance.conformance_report(fg).per_weegploeg] == [
        weegploeg.name]
    assert {f.label for f in conformance.conformance_report(supervisor).per_weegploeg} == {
        weegploeg.name, other_weegploeg.name}


def test_a_year_outside_the_range_is_refused_in_dutch(weegploeg, make_user):
    with pytest.raises(RuleViolation, match="Kies een jaar"):
        conformance.conformance_report(make_user(weegploeg.gemeente, Role.SUPERVISOR),
                                       year=1999)


def test_the_page_and_the_annual_statement_show_no_personal_data(
    data_set, weegploeg, make_user, login
):
    client = login(make_user(weegploeg.gemeente, Role.SUPERVISOR))
    page = client.get(reverse("statistics:conformance"), {"year": YEAR}).content.decode()
    assert "Conformiteitsrapport" in page and "Gewogen door alle drie de partners" in page
    # Each chart is an image with a name and its figures in words (issue 22).
    charts = page.count("<svg")
    assert charts and page.count('role="img" aria-labelledby="grafiek-') == charts
    assert "aria-hidden" not in page
    assert re.search(r'<desc id="grafiek-[\w-]+-cijfers">[^<]*Landelijk: ', page)
    response = client.get(reverse("statistics:annual_statement"), {"year": YEAR})
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "Jaarverklaring conformiteit 2026" in " ".join(text.split())
    people = Signal.objects.filter(weegploeg=weegploeg).select_related("person")
    for signal in people:
        for shown in (page, text):
            assert signal.reference not in shown
            assert signal.person.surname not in shown
            assert signal.description[:30] not in shown


def test_the_report_reads_in_a_number_of_queries_that_does_not_grow_with_the_decisions(
    data_set, weegploeg, meldpunt, members, coordinator, django_assert_max_num_queries
):
    """A national year holds thousands of decisions: the figures are read with a fixed number
    of queries, never one per decision."""
    with django_assert_max_num_queries(99) as few:
        conformance.figures([weegploeg.pk], YEAR, TODAY, weegploeg.name)
    for n in range(4):
        signal = registered_signal(meldpunt, weegploeg, f"Meer{n}")
        own_views(signal, members)
        set_created(record_joint_assessment(members["om"], signal, judgements(), "Conclusie."),
                    day(2, 26))
        make.decision(signal, Outcome.CASUSOVERLEG, on=day(5, 1 + n), recorded_by=coordinator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        figures = conformance.figures([weegploeg.pk], YEAR, TODAY, weegploeg.name)
    assert figures.decisions == 10 and figures.substantiated == 6
