"""How the process performs (issue 8): the statistics of a user's own weegploegen, and the
anonymised trend export for national coordination.

- **Whose numbers.** A user sees the weegploegen their partner takes part in
  (`pga.authz.weegploegen_of`) and no other; members, coordinators, functioneel
  beheerders and the FG may look (`STATISTICS_ROLES`). The national trend export covers every
  weegploeg and is for the functioneel beheerder only (`may_export_trends`): its cells hold
  no personal data and none below `SUPPRESS_BELOW`.
- **Survives deletion.** Every figure about a period counts the live signals *and* the
  tombstones of purged ones (`DeletedSignal`, rule 8), so the numbers of 2024 do not drop
  when 2024's signals are deleted. A tombstone keeps exactly what is counted here (dates,
  outcome, phenomenon, source, repeat); nothing here reads a person, a text or a name.
- **Definitions.**
  - A signal counts in the period in which it was *received* (`received_on`).
  - Its outcome: withdrawn; or, when decided, the outcome of its latest decision that is
    not a correction (a correction keeps the outcome) — casusoverleg or geen
    casusoverleg; "nadere duiding" while it waits for information; otherwise still open.
    A tombstone keeps the outcome the signal had.
  - Time to decision: the days from registration to that decision, for the signals with
    outcome casusoverleg or geen casusoverleg; the median is reported.
  - Repeat rate: the share of signals registered as a repeat signal (rule 9).
  - Now, not per period: information requests not yet answered, open (deadline today or
    later) and overdue; and stale signals (`retention.selectors.stale`).
- A transferred signal counts in the weegploeg that has it now (rule 10).
"""

import collections
import dataclasses
import datetime
import statistics

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db.models import Case, Count, Exists, F, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pga.authz import has_role, weegploegen_of
from pga.models import Role, Weegploeg
from pga.services import RuleViolation
from retention.clock import add_period
from retention.models import DeletedSignal, PeriodUnit, RetentionBasis
from retention.selectors import stale
from signals.models import Phenomenon, Signal, SignalStatus, SourceCategory
from weegploeg.models import (
    Decision,
    DriehoekOutcome,
    Escalation,
    InformationRequest,
    Outcome,
)

STATISTICS_ROLES = (Role.MEMBER, Role.COORDINATOR, Role.ADMIN, Role.AUDITOR)
SUPPRESS_BELOW = 5
# A period longer than this is refused: the dashboard shows months one by one.
MAX_PERIOD_MONTHS = 120

# The outcomes counted here: a decision's, or these two of the statistics' own.
WITHDRAWN, OPEN = "withdrawn", "open"
FINAL_OUTCOMES = (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG)
OUTCOME_LABELS = {
    Outcome.CASUSOVERLEG: Outcome.CASUSOVERLEG.label,
    Outcome.NO_CASUSOVERLEG: Outcome.NO_CASUSOVERLEG.label,
    Outcome.MORE_INFORMATION: gettext_lazy("Nadere duiding (wacht op informatie)"),
    WITHDRAWN: gettext_lazy("Ingetrokken"),
    OPEN: gettext_lazy("Nog in behandeling"),
}


def _live_facts(weegploegen, start, end):
    """The signals received in the period, each with the facts the figures count: its
    outcome, and its dates of registration and decision (local dates)."""
    latest = (Decision.objects.filter(signal=OuterRef("pk"), corrects__isnull=True)
              .order_by("-taken_at", "-pk"))

    def of_decided(field):  # looked up for decided signals only
        return Case(When(status=SignalStatus.DECIDED,
                         then=Subquery(latest.values(field)[:1])))

    # A case closed by the lokale driehoek (weegploeg/escalation.py) has its outcome.
    driehoek = Escalation.objects.filter(signal=OuterRef("pk")).exclude(outcome="")

    return (
        Signal.objects.filter(weegploeg__in=weegploegen, received_on__range=(start, end))
        .annotate(decision_outcome=of_decided("outcome"), decided_at=of_decided("taken_at"))
        .annotate(
            fact_outcome=Case(
                When(status=SignalStatus.WITHDRAWN, then=Value(WITHDRAWN)),
                When(status=SignalStatus.DECIDED, decision_outcome__isnull=False,
                     then=F("decision_outcome")),
                When(Exists(driehoek), status=SignalStatus.DECIDED,
                     then=Subquery(driehoek.order_by("-outcome_on").values("outcome")[:1])),
                When(status=SignalStatus.MORE_INFORMATION,
                     then=Value(Outcome.MORE_INFORMATION)),
                default=Value(OPEN),
            ),
            fact_registered_on=TruncDate("registered_at"),
            fact_decided_on=TruncDate("decided_at"),
        )
    )


def _tombstone_facts(weegploegen, start, end):
    """The same facts of the signals received in the period and purged since: a tombstone
    keeps the outcome its signal had (the rule it was deleted under, or its decision)."""
    kept = [
        When(outcome=RetentionBasis.WITHDRAWN, then=Value(WITHDRAWN)),
        When(outcome__in=[RetentionBasis.CASUSOVERLEG, Outcome.CASUSOVERLEG],
             then=Value(Outcome.CASUSOVERLEG)),
        When(outcome__in=[RetentionBasis.NO_CASUSOVERLEG, Outcome.NO_CASUSOVERLEG],
             then=Value(Outcome.NO_CASUSOVERLEG)),
    ]
    return (
        DeletedSignal.objects.filter(weegploeg__in=weegploegen,
                                     received_on__range=(start, end))
        .annotate(fact_outcome=Case(*kept, default=Value(OPEN)),
                  fact_registered_on=F("registered_on"), fact_decided_on=F("decided_on"))
    )


def _counts(weegploegen, start, end, *facts: str) -> list[dict]:
    """The number of signals, live and purged, per combination of `facts` (of `month`,
    `weegploeg`, `phenomenon`, `source_category`, `outcome`, `is_repeat`, `days`): one
    grouped query for the signals and one for the tombstones. Each row says which it is
    (`deleted`)."""
    expressions = {
        "month": TruncMonth("received_on"),
        "outcome": F("fact_outcome"),
        "days": F("fact_decided_on") - F("fact_registered_on"),
    }
    rows = []
    for deleted, facts_of in ((False, _live_facts), (True, _tombstone_facts)):
        queryset = facts_of(weegploegen, start, end).values(
            *[fact for fact in facts if fact not in expressions],
            **{f"fact_{fact}": expressions[fact] for fact in facts if fact in expressions})
        for row in queryset.annotate(signals=Count("pk")).order_by():
            rows.append({**{fact: row.get(f"fact_{fact}", row.get(fact)) for fact in facts},
                         "signals": row["signals"], "deleted": deleted})
    return rows


@dataclasses.dataclass(frozen=True)
class Tally:
    """One bar of a figure: what is counted (code and label) and how many, of which how many
    are signals purged since (tombstones)."""

    code: str
    label: str
    signals: int
    deleted: int = 0


@dataclasses.dataclass(frozen=True)
class Dashboard:
    weegploegen: list
    start: datetime.date
    end: datetime.date
    today: datetime.date
    total: int
    deleted: int
    per_month: list[Tally]
    per_phenomenon: list[Tally]
    per_source: list[Tally]
    outcomes: list[Tally]
    repeats: int
    decided: int
    median_days: float | None
    median_days_by_outcome: list[tuple[str, int, float | None]]
    requests_open: int
    requests_overdue: int
    stale: int
    stale_days: int

    @property
    def repeat_percentage(self) -> float | None:
        return 100 * self.repeats / self.total if self.total else None


def may_view_statistics(user) -> bool:
    return has_role(user, *STATISTICS_ROLES)


def may_export_trends(user) -> bool:
    """The national trend export: the functioneel beheerder, who manages the instance for
    every weegploeg on it (like the retention runs), and nobody else."""
    return has_role(user, Role.ADMIN)


def default_period(today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The last twelve months: from the first day of the month eleven months ago to today."""
    return add_period(today.replace(day=1), -11, PeriodUnit.MONTHS), today


def _month_count(start: datetime.date, end: datetime.date) -> int:
    between = relativedelta(end.replace(day=1), start.replace(day=1))
    return between.years * 12 + between.months + 1


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start` to `end`, counted, not stepped through
    dates: December 9999 has no next month to step to."""
    return [add_period(start.replace(day=1), n, PeriodUnit.MONTHS)
            for n in range(_month_count(start, end))]


def statistics_weegploegen(user):
    """The weegploegen whose statistics `user` sees: their own."""
    if not may_view_statistics(user):
        return Weegploeg.objects.none()
    return weegploegen_of(user).order_by("name")


@dataclasses.dataclass
class _Figure:
    signals: int = 0
    deleted: int = 0
    repeats: int = 0
    days: list = dataclasses.field(default_factory=list)  # to a final decision, per signal

    @property
    def median_days(self) -> float | None:
        return float(statistics.median(self.days)) if self.days else None


def dashboard(user, *, weegploeg=None, date_from=None, date_to=None,
              today: datetime.date | None = None) -> Dashboard:
    """The dashboard of `user`'s weegploegen (or of one of them, `weegploeg`) for signals
    received from `date_from` to `date_to` (default: the last twelve months)."""
    if not may_view_statistics(user):
        raise RuleViolation(_("Alleen weegploegleden, procesregisseurs, functioneel "
                              "beheerders en de FG zien de statistieken."))
    today = today or timezone.localdate()
    start, end = default_period(today)
    start, end = date_from or start, date_to or end
    if end < start:
        raise RuleViolation(_("De einddatum ligt vóór de begindatum."), field="date_to")
    if _month_count(start, end) > MAX_PERIOD_MONTHS:
        raise RuleViolation(_("Kies een periode van hoogstens tien jaar."), field="date_from")
    weegploegen = list(statistics_weegploegen(user))
    if weegploeg is not None:
        if weegploeg.pk not in {w.pk for w in weegploegen}:
            raise RuleViolation(_("Kies een van uw eigen weegploegen."), field="weegploeg")
        weegploegen = [weegploeg]
    ids = [w.pk for w in weegploegen]
    figures = collections.defaultdict(_Figure)
    for row in _counts(ids, start, end, "month", "phenomenon", "source_category", "outcome",
                       "is_repeat", "days"):
        final = row["outcome"] in FINAL_OUTCOMES and row["days"] is not None
        for key in (("month", row["month"]), ("phenomenon", row["phenomenon"]),
                    ("source", row["source_category"]), ("outcome", row["outcome"]), "total"):
            figure = figures[key]
            figure.signals += row["signals"]
            figure.deleted += row["signals"] if row["deleted"] else 0
            figure.repeats += row["signals"] if row["is_repeat"] else 0
            if final:
                figure.days += [row["days"].days] * row["signals"]

    def counts(dimension, choices) -> list[Tally]:
        return [Tally(code, str(label), figures[dimension, code].signals,
                      figures[dimension, code].deleted)
                for code, label in choices]

    total = figures["total"]
    requests = InformationRequest.objects.filter(
        signal__weegploeg__in=ids, answered_at__isnull=True).aggregate(
        open=Count("pk", filter=Q(deadline__gte=today)),
        overdue=Count("pk", filter=Q(deadline__lt=today)))
    return Dashboard(
        weegploegen=weegploegen,
        start=start,
        end=end,
        today=today,
        total=total.signals,
        deleted=total.deleted,
        per_month=[Tally(month.isoformat(), date_format(month, "F Y"),
                         figures["month", month].signals, figures["month", month].deleted)
                   for month in _months(start, end)],
        per_phenomenon=counts("phenomenon", Phenomenon.choices),
        per_source=counts("source", SourceCategory.choices),
        outcomes=counts("outcome", OUTCOME_LABELS.items()),
        repeats=total.repeats,
        decided=len(total.days),
        median_days=total.median_days,
        median_days_by_outcome=[
            (str(OUTCOME_LABELS[code]), len(figures["outcome", code].days),
             figures["outcome", code].median_days)
            for code in FINAL_OUTCOMES
        ],
        requests_open=requests["open"],
        requests_overdue=requests["overdue"],
        stale=stale(Signal.objects.filter(weegploeg__in=ids), today).count(),
        stale_days=settings.STALE_SIGNAL_DAYS,
    )


def driehoek_outcomes(weegploeg_ids, start: datetime.date,
                      end: datetime.date) -> list[Tally]:
    """The escalations to the lokale driehoek of the signals received in the period (docs/
    design.md rule 12), by the driehoek's outcome, and those still without one. Live signals
    only: a tombstone does not keep its escalation."""
    counts = dict(
        Escalation.objects.filter(signal__weegploeg__in=weegploeg_ids,
                                  signal__received_on__range=(start, end))
        .values_list("outcome").annotate(n=Count("pk")).order_by()
    )
    return [Tally(code, str(label), counts.get(code, 0))
            for code, label in [*DriehoekOutcome.choices,
                                ("", gettext_lazy("Uitkomst nog niet bekend"))]]


@dataclasses.dataclass(frozen=True)
class TrendRow:
    month: str
    region: str
    phenomenon: str
    outcome: str
    signals: int | None  # None: fewer than SUPPRESS_BELOW, not shown

    @property
    def shown(self) -> str:
        return str(self.signals) if self.signals is not None else f"<{SUPPRESS_BELOW}"


def trend_rows(user, *, date_from=None, date_to=None,
               today: datetime.date | None = None) -> list[TrendRow]:
    """The anonymised national trends: signals per month of receipt, region (weegploeg),
    phenomenon and outcome, over every weegploeg, live and purged alike. No personal data;
    a cell with fewer than SUPPRESS_BELOW signals shows "<5" instead of its number, and no
    totals are given, so a suppressed number cannot be found by subtraction."""
    if not may_export_trends(user):
        raise RuleViolation(_("Alleen de functioneel beheerder maakt de landelijke export."))
    today = today or timezone.localdate()
    start = date_from or datetime.date(today.year - 5, 1, 1)
    end = date_to or today
    counts = collections.Counter()
    for row in _counts(Weegploeg.objects.all(), start, end,
                       "month", "weegploeg", "phenomenon", "outcome"):
        counts[row["month"], row["weegploeg"], row["phenomenon"], row["outcome"]] += (
            row["signals"])
    regions = dict(Weegploeg.objects.values_list("pk", "name"))
    phenomena = dict(Phenomenon.choices)
    rows = sorted(((month, regions[weegploeg], phenomenon, outcome), signals)
                  for (month, weegploeg, phenomenon, outcome), signals in counts.items())
    return [
        TrendRow(
            month=month.strftime("%Y-%m"),
            region=region,
            phenomenon=str(phenomena.get(phenomenon, phenomenon)),
            outcome=str(OUTCOME_LABELS.get(outcome, outcome)),
            signals=signals if signals >= SUPPRESS_BELOW else None,
        )
        for (month, region, phenomenon, outcome), signals in rows
    ]
