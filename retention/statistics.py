"""How the process performs (issue 8): the statistics of a user's own weegploegen, and the
anonymised trend export for national coordination.

- **Whose numbers.** A user sees the weegploegen their partner takes part in
  (`pga.authz.weegploegen_of`) and no other; members, coordinators and functioneel
  beheerders may look (`STATISTICS_ROLES`). The national trend export covers every
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
    later) and overdue; and stale signals — still in the queue, received more than
    STALE_SIGNAL_DAYS days ago.
- A transferred signal counts in the weegploeg that has it now (rule 10).
"""

import dataclasses
import datetime

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from pga.authz import has_role, weegploegen_of
from pga.models import Role, Weegploeg
from pga.services import RuleViolation
from signals.models import OPEN_STATUSES, Phenomenon, SourceCategory
from weegploeg.models import Outcome

STATISTICS_ROLES = (Role.MEMBER, Role.COORDINATOR, Role.ADMIN)
SUPPRESS_BELOW = 5
# A period longer than this is refused: the dashboard shows months one by one.
MAX_PERIOD_MONTHS = 120

WITHDRAWN, OPEN = "withdrawn", "open"
FINAL_OUTCOMES = (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG)
OUTCOME_LABELS = {
    Outcome.CASUSOVERLEG: Outcome.CASUSOVERLEG.label,
    Outcome.NO_CASUSOVERLEG: Outcome.NO_CASUSOVERLEG.label,
    Outcome.MORE_INFORMATION: gettext_lazy("Nadere duiding (wacht op informatie)"),
    WITHDRAWN: gettext_lazy("Ingetrokken"),
    OPEN: gettext_lazy("Nog in behandeling"),
}

# One row per signal received in the period, live or purged: the facts every figure counts.
FACTS = """
WITH facts AS (
    SELECT s.weegploeg_id, s.received_on,
           (s.registered_at AT TIME ZONE %(tz)s)::date AS registered_on,
           d.decided_on,
           CASE s.status WHEN 'withdrawn' THEN 'withdrawn'
                         WHEN 'decided' THEN coalesce(d.outcome, 'open')
                         WHEN 'more_information' THEN 'more_information'
                         ELSE 'open' END AS outcome,
           s.phenomenon, s.source_category, s.is_repeat, false AS deleted
      FROM signals_signal s
      LEFT JOIN LATERAL (
            SELECT dd.outcome, (dd.taken_at AT TIME ZONE %(tz)s)::date AS decided_on
              FROM weegploeg_decision dd
             WHERE dd.signal_id = s.id AND dd.corrects_id IS NULL
             ORDER BY dd.taken_at DESC, dd.id DESC
             LIMIT 1) d ON s.status = 'decided'
     WHERE s.weegploeg_id = ANY(%(weegploegen)s)
       AND s.received_on BETWEEN %(start)s AND %(end)s
    UNION ALL
    SELECT t.weegploeg_id, t.received_on, t.registered_on, t.decided_on,
           CASE WHEN t.outcome IN ('casusoverleg', 'no_casusoverleg', 'withdrawn')
                THEN t.outcome ELSE 'open' END,
           t.phenomenon, t.source_category, t.is_repeat, true
      FROM retention_deletedsignal t
     WHERE t.weegploeg_id = ANY(%(weegploegen)s)
       AND t.received_on BETWEEN %(start)s AND %(end)s
)
"""

# All period figures in one pass: per month, phenomenon, source and outcome, and in total;
# per group the deleted share, the repeats and the median days to a final decision.
PERIOD_FIGURES = FACTS + """
SELECT CASE WHEN GROUPING(month) = 0 THEN 'month'
            WHEN GROUPING(phenomenon) = 0 THEN 'phenomenon'
            WHEN GROUPING(source_category) = 0 THEN 'source'
            WHEN GROUPING(outcome) = 0 THEN 'outcome'
            ELSE 'total' END AS dimension,
       coalesce(to_char(month, 'YYYY-MM-DD'), phenomenon, source_category, outcome, '')
           AS value,
       count(*) AS signals,
       count(*) FILTER (WHERE deleted) AS deleted,
       count(*) FILTER (WHERE is_repeat) AS repeats,
       count(*) FILTER (WHERE outcome IN ('casusoverleg', 'no_casusoverleg')
                          AND decided_on IS NOT NULL) AS decided,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY decided_on - registered_on)
           FILTER (WHERE outcome IN ('casusoverleg', 'no_casusoverleg')
                     AND decided_on IS NOT NULL) AS median_days
  FROM (SELECT date_trunc('month', received_on)::date AS month, * FROM facts) f
 GROUP BY GROUPING SETS ((month), (phenomenon), (source_category), (outcome), ())
"""  # noqa: S608 - constant SQL; the values are parameters

CURRENT_FIGURES = """
SELECT count(*) FILTER (WHERE r.deadline >= %(today)s) AS requests_open,
       count(*) FILTER (WHERE r.deadline < %(today)s) AS requests_overdue,
       (SELECT count(*) FROM signals_signal s
         WHERE s.weegploeg_id = ANY(%(weegploegen)s) AND s.status = ANY(%(open)s)
           AND s.received_on < %(stale_before)s) AS stale
  FROM weegploeg_informationrequest r
  JOIN signals_signal s ON s.id = r.signal_id
 WHERE s.weegploeg_id = ANY(%(weegploegen)s) AND r.answered_at IS NULL
"""

TRENDS = FACTS + """
SELECT date_trunc('month', f.received_on)::date AS month, w.name AS region, f.phenomenon,
       f.outcome, count(*) AS signals
  FROM facts f JOIN pga_weegploeg w ON w.id = f.weegploeg_id
 GROUP BY 1, 2, 3, 4
 ORDER BY 1, 2, 3, 4
"""  # noqa: S608 - constant SQL; the values are parameters


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
    months = today.year * 12 + today.month - 1 - 11
    return datetime.date(months // 12, months % 12 + 1, 1), today


def _month_count(start: datetime.date, end: datetime.date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def _months(start: datetime.date, end: datetime.date) -> list[datetime.date]:
    """The first days of the months from `start` to `end`, counted, not stepped through
    dates: December 9999 has no next month to step to."""
    return [datetime.date(start.year + (start.month - 1 + n) // 12,
                          (start.month - 1 + n) % 12 + 1, 1)
            for n in range(_month_count(start, end))]


def statistics_weegploegen(user):
    """The weegploegen whose statistics `user` sees: their own."""
    if not may_view_statistics(user):
        return Weegploeg.objects.none()
    return weegploegen_of(user).order_by("name")


def _rows(sql: str, params: dict) -> list[dict]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        names = [column.name for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def dashboard(user, *, weegploeg=None, date_from=None, date_to=None,
              today: datetime.date | None = None) -> Dashboard:
    """The dashboard of `user`'s weegploegen (or of one of them, `weegploeg`) for signals
    received from `date_from` to `date_to` (default: the last twelve months)."""
    if not may_view_statistics(user):
        raise RuleViolation(_("Alleen weegploegleden, procesregisseurs en functioneel "
                              "beheerders zien de statistieken."))
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
    rows = _rows(PERIOD_FIGURES, {"tz": settings.TIME_ZONE, "weegploegen": ids,
                                  "start": start, "end": end})
    by = {(row["dimension"], row["value"]): row for row in rows}

    def counts(dimension, choices) -> list[Tally]:
        return [Tally(code, str(label), by.get((dimension, code), {}).get("signals", 0),
                      by.get((dimension, code), {}).get("deleted", 0))
                for code, label in choices]

    total = by.get(("total", ""), {})
    stale_days = settings.STALE_SIGNAL_DAYS
    (current,) = _rows(CURRENT_FIGURES, {
        "weegploegen": ids, "today": today, "open": list(OPEN_STATUSES),
        "stale_before": today - datetime.timedelta(days=stale_days)})
    months = [(month.isoformat(), month) for month in _months(start, end)]
    return Dashboard(
        weegploegen=weegploegen,
        start=start,
        end=end,
        today=today,
        total=total.get("signals", 0),
        deleted=total.get("deleted", 0),
        per_month=[Tally(code, date_format(month, "F Y"),
                         by.get(("month", code), {}).get("signals", 0),
                         by.get(("month", code), {}).get("deleted", 0))
                   for code, month in months],
        per_phenomenon=counts("phenomenon", Phenomenon.choices),
        per_source=counts("source", SourceCategory.choices),
        outcomes=counts("outcome", OUTCOME_LABELS.items()),
        repeats=total.get("repeats", 0),
        decided=total.get("decided", 0),
        median_days=total.get("median_days"),
        median_days_by_outcome=[
            (str(OUTCOME_LABELS[code]), by.get(("outcome", code), {}).get("decided", 0),
             by.get(("outcome", code), {}).get("median_days"))
            for code in FINAL_OUTCOMES
        ],
        requests_open=current["requests_open"],
        requests_overdue=current["requests_overdue"],
        stale=current["stale"],
        stale_days=stale_days,
    )


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
    rows = _rows(TRENDS, {"tz": settings.TIME_ZONE,
                          "weegploegen": list(Weegploeg.objects.values_list("pk", flat=True)),
                          "start": start, "end": end})
    phenomena = dict(Phenomenon.choices)
    return [
        TrendRow(
            month=row["month"].strftime("%Y-%m"),
            region=row["region"],
            phenomenon=str(phenomena.get(row["phenomenon"], row["phenomenon"])),
            outcome=str(OUTCOME_LABELS.get(row["outcome"], row["outcome"])),
            signals=row["signals"] if row["signals"] >= SUPPRESS_BELOW else None,
        )
        for row in rows
    ]
