"""The conformance report (docs/design.md §3 rule 13, issue 20): how well the weegploegen
follow their own rules, for the FG and for a supervisor (toezichthouder, e.g. the Inspectie),
per weegploeg and nationally, per calendar year — as a page and as a PDF/A annual statement.

- **Who sees what.** The FG (`Role.AUDITOR`) sees the weegploegen their partner takes part
  in (`pga.authz.weegploegen_of`, as the audit screen) and the national total; the
  toezichthouder (`Role.SUPERVISOR`) sees every weegploeg and the national total. Nobody
  else. Only counts, shares and medians: no person, no text, no name of staff.
- **Small cells.** Every count below `stats.services.SUPPRESS_BELOW` is shown as "<5", as in
  the trend export; a share only when its numerator and denominator are both shown, a median
  only when it rests on at least that many values (`Cell`).
- **Definitions** (the year is the calendar year in the installation's time zone):
  1. *Besluiten*: decisions taken in the year that are not a correction.
  2. *Gewogen door alle drie de partners*: of those decisions, the ones whose signal has a
     weging of its own (rule 3) by each of the three partners that voted, recorded before
     the decision.
  3. *Elk criterium onderbouwd*: of those decisions, the ones whose joint weging at the time
     of the decision (`weegploeg.record_content.joints_in_force`) was complete
     (`criteria.selectors.judgements_complete`: every criterion a value, every value but "onbekend"
     substantiated, a conclusion).
  4. *Doorlooptijd*: the median number of days from registration to a decision casusoverleg
     or geen casusoverleg taken in the year, over live signals and the tombstones of purged
     ones (which keep both dates); figures 2 and 3 count live signals only (a tombstone
     keeps no weging).
  5. *Rondes en escalaties*: the agenda items of sessions held in the year, those that ended
     without a unanimous outcome, and those marked for escalation to the lokale driehoek
     (`AgendaItem.escalate`); and the mean round of the decisions of figure 1.
  6. *Notificatie uitgesteld*: of the casusoverleg decisions of figure 1, those whose
     notification is postponed now, and the median days from the decision to the re-check
     date; and those with no notification recorded.
  7. *Vernietiging*: the signals purged in the year and of those the ones purged no later
     than the day after their deletion date (the nightly run); the signals whose deletion
     date lies more than a day in the past, not yet purged and not under a legal hold
     (now); the legal holds in force (now).
  8. *Uitwisselingen per grondslag*: contributions (answers included) and information
     requests made in the year, per legal ground (rule 13), and those without one.
  9. *Afwijking per criterium en soort partner*: for the decisions of figure 1 with a joint
     weging at the time, each core partner's latest own weging before the decision under the
     same version, compared criterion by criterion: how many judgements were compared and
     how many had another scale value than the joint weging.
  10. *Uitkomsten per versie*: the decisions casusoverleg and geen casusoverleg of figure 1,
     by the version of the referentiekader of the joint weging at the time, and the share
     casusoverleg among them.
"""

import dataclasses
import datetime
import statistics

from django.db.models import Count, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from criteria.models import Assessment, AssessmentKind, Criterion, Judgement
from criteria.selectors import judgements_complete
from pga.authz import has_role, weegploegen_of
from pga.models import PartnerKind, Role, Weegploeg
from pga.services import RuleViolation
from retention.holds import active_holds
from retention.models import DeletedSignal, Notification, NotificationStatus
from signals.legal import NO_GROUND
from signals.models import Contribution, Signal
from stats.services import SUPPRESS_BELOW
from weegploeg.models import (
    AgendaItem,
    Decision,
    InformationRequest,
    ItemStatus,
    Outcome,
    Vote,
)
from weegploeg.record_content import joints_in_force

CONFORMANCE_ROLES = (Role.AUDITOR, Role.SUPERVISOR)
FIRST_YEAR = 2000
FINAL_OUTCOMES = (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG)


@dataclasses.dataclass(frozen=True)
class Cell:
    """A figure as it may be shown: a count, or "<5" when it is below SUPPRESS_BELOW."""

    value: int

    @property
    def suppressed(self) -> bool:
        return self.value < SUPPRESS_BELOW

    def __str__(self):
        return f"<{SUPPRESS_BELOW}" if self.suppressed else str(self.value)


def share(part: int, whole: int) -> str:
    """A percentage, only when neither count is suppressed."""
    if Cell(part).suppressed or Cell(whole).suppressed:
        return "–"
    return f"{round(100 * part / whole)}%"


def median(values: list) -> str:
    """A median in days, only over at least SUPPRESS_BELOW values."""
    if len(values) < SUPPRESS_BELOW:
        return "–"
    return number_format(statistics.median(values), decimal_pos=1)


@dataclasses.dataclass
class Figures:
    """The raw figures of one scope (a weegploeg, or the nation). The page and the PDF show
    them through `Cell`, `share` and `median`; tests read them raw."""

    label: str
    decisions: int = 0
    weighed_by_three: int = 0
    substantiated: int = 0
    days_to_decision: list = dataclasses.field(default_factory=list)
    items: int = 0
    no_consensus: int = 0
    escalations: int = 0
    rounds: list = dataclasses.field(default_factory=list)
    casusoverleg: int = 0
    postponed: int = 0
    postponed_days: list = dataclasses.field(default_factory=list)
    not_recorded: int = 0
    purged: int = 0
    purged_on_time: int = 0
    purge_overdue: int = 0
    holds: int = 0
    exchanges: dict = dataclasses.field(default_factory=dict)  # ground name → count
    # (criterion number, partner kind) → [judgements compared, of which different]
    divergence: dict = dataclasses.field(default_factory=dict)
    # framework version → {outcome: count}
    per_version: dict = dataclasses.field(default_factory=dict)

    def rows(self) -> list[tuple[str, str, str]]:
        """(figure, shown value, share or median) in the order of the definitions."""
        return [
            (_("Besluiten"), str(Cell(self.decisions)), ""),
            (_("Gewogen door alle drie de partners"), str(Cell(self.weighed_by_three)),
             share(self.weighed_by_three, self.decisions)),
            (_("Elk criterium onderbouwd"), str(Cell(self.substantiated)),
             share(self.substantiated, self.decisions)),
            (_("Doorlooptijd registratie tot besluit (mediaan, dagen)"),
             str(Cell(len(self.days_to_decision))), median(self.days_to_decision)),
            (_("Agendapunten (rondes)"), str(Cell(self.items)), ""),
            (_("Rondes zonder eensluidend oordeel"), str(Cell(self.no_consensus)),
             share(self.no_consensus, self.items)),
            (_("Escalaties naar de lokale driehoek"), str(Cell(self.escalations)), ""),
            (_("Ronde van het besluit (gemiddeld)"), str(Cell(len(self.rounds))),
             number_format(statistics.mean(self.rounds), decimal_pos=1)
             if len(self.rounds) >= SUPPRESS_BELOW
             else "–"),
            (_("Notificatie uitgesteld (mediaan dagen tot herbeoordeling)"),
             str(Cell(self.postponed)), median(self.postponed_days)),
            (_("Casusoverleg zonder vastgelegde notificatie"), str(Cell(self.not_recorded)),
             share(self.not_recorded, self.casusoverleg)),
            (_("Vernietigd"), str(Cell(self.purged)), ""),
            (_("Vernietigd op tijd"), str(Cell(self.purged_on_time)),
             share(self.purged_on_time, self.purged)),
            (_("Vernietiging te laat (nu)"), str(Cell(self.purge_overdue)), ""),
            (_("Juridische blokkades van kracht (nu)"), str(Cell(self.holds)), ""),
        ]

    def divergence_rows(self) -> list[tuple[str, str, str, str]]:
        """(criterion, partner kind, compared, share different)."""
        kinds = dict(PartnerKind.choices)
        return [(str(number), str(kinds[kind]), str(Cell(compared)), share(differed, compared))
                for (number, kind), (compared, differed) in sorted(self.divergence.items())]

    def version_rows(self) -> list[tuple[str, str, str, str]]:
        """(version, casusoverleg, geen casusoverleg, share casusoverleg)."""
        rows = []
        for version, counts in sorted(self.per_version.items()):
            yes, no = counts.get(Outcome.CASUSOVERLEG, 0), counts.get(Outcome.NO_CASUSOVERLEG, 0)
            # Both counts are shown next to the share: it may not give away a suppressed one.
            rate = share(yes, yes + no) if not Cell(no).suppressed else "–"
            rows.append((str(version), str(Cell(yes)), str(Cell(no)), rate))
        return rows

    def exchange_rows(self) -> list[tuple[str, str]]:
        return [(ground, str(Cell(count))) for ground, count in sorted(self.exchanges.items())]


@dataclasses.dataclass
class Report:
    year: int
    today: datetime.date
    per_weegploeg: list[Figures]
    national: Figures
    suppress_below: int = SUPPRESS_BELOW


def may_view_conformance(user) -> bool:
    return has_role(user, *CONFORMANCE_ROLES)


def conformance_weegploegen(user):
    """The weegploegen whose own figures `user` sees: the supervisor every one, the FG those
    of their partner (as the audit screen), nobody else any."""
    if has_role(user, Role.SUPERVISOR):
        return Weegploeg.objects.order_by("name")
    if has_role(user, Role.AUDITOR):
        return weegploegen_of(user).order_by("name")
    return Weegploeg.objects.none()


def _in_year(field: str, year: int) -> Q:
    return Q(**{f"{field}__year": year})


def figures(weegploeg_ids, year: int, today: datetime.date, label: str) -> Figures:
    """The raw figures of the weegploegen `weegploeg_ids` together for `year` (the module's
    definitions)."""
    return merged(label, figures_by_weegploeg(weegploeg_ids, year, today).values())


def merged(label: str, parts) -> Figures:
    """The figures of several scopes as one: counts added, lists joined (medians and means
    are taken over the joined values), the tables added cell by cell."""
    total = Figures(label=label)
    for part in parts:
        for field in dataclasses.fields(Figures):
            mine, theirs = getattr(total, field.name), getattr(part, field.name)
            if field.name == "label":
                continue
            if isinstance(mine, int):
                setattr(total, field.name, mine + theirs)
            elif isinstance(mine, list):
                mine.extend(theirs)
        for ground, count in part.exchanges.items():
            total.exchanges[ground] = total.exchanges.get(ground, 0) + count
        for key, (compared, differed) in part.divergence.items():
            cell = total.divergence.setdefault(key, [0, 0])
            cell[0] += compared
            cell[1] += differed
        for version, counts in part.per_version.items():
            into = total.per_version.setdefault(version, {})
            for outcome, count in counts.items():
                into[outcome] = into.get(outcome, 0) + count
    return total


def figures_by_weegploeg(weegploeg_ids, year: int, today: datetime.date) -> dict:
    """The raw figures of each weegploeg of `weegploeg_ids` for `year` (weegploeg id →
    `Figures`), read with a fixed number of queries whatever the number of decisions: the
    rows come as plain values and are counted here, per weegploeg."""
    ids = list(Weegploeg.objects.filter(pk__in=weegploeg_ids).values_list("pk", flat=True))
    result = {pk: Figures(label="") for pk in ids}
    decided = Decision.objects.filter(_in_year("taken_at", year), corrects__isnull=True,
                                      signal__weegploeg__in=ids)
    _decision_figures(result, decided)

    for weegploeg, decided_on, registered_on in (
        DeletedSignal.objects.filter(weegploeg__in=ids, decided_on__year=year,
                                     outcome__in=FINAL_OUTCOMES)
        .values_list("weegploeg_id", "decided_on", "registered_on")
    ):
        result[weegploeg].days_to_decision.append((decided_on - registered_on).days)
    for row in (AgendaItem.objects.filter(_in_year("session__starts_at", year),
                                          session__weegploeg__in=ids)
                .values("session__weegploeg")
                .annotate(items=Count("pk"),
                          no_consensus=Count("pk", filter=Q(status=ItemStatus.NO_CONSENSUS)),
                          escalations=Count("pk", filter=Q(escalate=True)))):
        figures_of = result[row["session__weegploeg"]]
        figures_of.items = row["items"]
        figures_of.no_consensus = row["no_consensus"]
        figures_of.escalations = row["escalations"]
    for weegploeg, deleted_at, due in (
        DeletedSignal.objects.filter(weegploeg__in=ids, deleted_at__year=year)
        .values_list("weegploeg_id", "deleted_at", "deletion_due")
    ):
        result[weegploeg].purged += 1
        if due is not None and timezone.localdate(deleted_at) <= due + datetime.timedelta(days=1):
            result[weegploeg].purged_on_time += 1
    held = active_holds()
    for row in (
        Signal.objects.filter(weegploeg__in=ids,
                              deletion_due__lt=today - datetime.timedelta(days=1))
        .exclude(pk__in=held.filter(signal__isnull=False).values("signal"))
        .exclude(person__in=held.filter(person__isnull=False).values("person"))
        .values("weegploeg").annotate(overdue=Count("pk"))
    ):
        result[row["weegploeg"]].purge_overdue = row["overdue"]
    for on_signal, on_person in (
        held.filter(Q(signal__weegploeg__in=ids) | Q(person__weegploeg__in=ids))
        .values_list("signal__weegploeg", "person__weegploeg")
    ):
        for weegploeg in {on_signal, on_person} & result.keys():
            result[weegploeg].holds += 1
    unnamed = str(NO_GROUND)
    for model in (Contribution, InformationRequest):
        for row in (model.objects.filter(_in_year("created_at", year), signal__weegploeg__in=ids)
                    .values("signal__weegploeg", "legal_ground__name")
                    .annotate(count=Count("pk"))):
            exchanges = result[row["signal__weegploeg"]].exchanges
            name = row["legal_ground__name"] or unnamed
            exchanges[name] = exchanges.get(name, 0) + row["count"]
    return result


def _decision_figures(result: dict, decided) -> None:
    """Figures 1–3, 4 (live signals), 5 (the round), 6, 9 and 10 of the decisions `decided`."""
    in_force = joints_in_force(OuterRef("signal"), OuterRef("taken_at")).values("pk")[:1]
    decided = decided.annotate(joint=Subquery(in_force))
    decisions = list(decided.values("pk", "signal_id", "item_id", "taken_at", "outcome",
                                    "item__round", "signal__registered_at",
                                    "signal__weegploeg", "joint"))
    voters = {}
    for item, partner in Vote.objects.filter(item__in=decided.values("item")).values_list(
            "item_id", "partner_id"):
        voters.setdefault(item, set()).add(partner)
    partner_views = Assessment.objects.filter(kind=AssessmentKind.PARTNER,
                                              signal__in=decided.values("signal"))
    views = {}  # signal → [(created_at, pk, partner, partner kind, framework)]
    for signal, *view in partner_views.values_list("signal_id", "created_at", "pk",
                                                    "partner_id", "partner__kind",
                                                    "framework_id"):
        views.setdefault(signal, []).append(tuple(view))
    view_values = {}  # partner view → {criterion: scale value}
    for assessment, criterion, value in Judgement.objects.filter(
            assessment__in=partner_views).values_list("assessment_id", "criterion_id",
                                                      "scale_value_id"):
        view_values.setdefault(assessment, {})[criterion] = value
    joints = {pk: (framework, version, conclusion) for pk, framework, version, conclusion in
              Assessment.objects.filter(pk__in=decided.values("joint")).values_list(
                  "pk", "framework_id", "framework__version", "conclusion")}
    judged = {}  # joint → {criterion: (value is "onbekend", substantiation)}
    joint_values = {}  # joint → {criterion: scale value}
    for assessment, criterion, value, unknown, substantiation in Judgement.objects.filter(
            assessment__in=decided.values("joint")).values_list(
            "assessment_id", "criterion_id", "scale_value_id", "scale_value__is_unknown",
            "substantiation"):
        judged.setdefault(assessment, {})[criterion] = (unknown, substantiation)
        joint_values.setdefault(assessment, {})[criterion] = value
    criteria, numbers = {}, {}
    for framework, criterion, number in Criterion.objects.values_list("framework_id", "pk",
                                                                      "number"):
        criteria.setdefault(framework, set()).add(criterion)
        numbers[criterion] = number
    notifications = dict(
        (decision, (status, recheck_on)) for decision, status, recheck_on in
        Notification.objects.filter(decision__in=decided.filter(outcome=Outcome.CASUSOVERLEG))
        .values_list("decision_id", "status", "recheck_on"))

    for decision in decisions:
        figures_of = result[decision["signal__weegploeg"]]
        taken_at = decision["taken_at"]
        figures_of.decisions += 1
        voted = voters.get(decision["item_id"], set())
        weighed = {partner for at, _pk, partner, _kind, _framework
                   in views.get(decision["signal_id"], ()) if at <= taken_at}
        if len(voted) == 3 and voted <= weighed:
            figures_of.weighed_by_three += 1
        joint = decision["joint"]
        if joint is not None:
            framework, version, conclusion = joints[joint]
            if judgements_complete(judged.get(joint, {}), criteria.get(framework, set()),
                                   needs_conclusion=True, conclusion=conclusion):
                figures_of.substantiated += 1
            if decision["outcome"] in FINAL_OUTCOMES:
                counts = figures_of.per_version.setdefault(version, {})
                counts[decision["outcome"]] = counts.get(decision["outcome"], 0) + 1
            # Figure 9: each partner's latest own weging before the decision, same version.
            latest = {}
            for at, pk, partner, kind, view_framework in sorted(
                    views.get(decision["signal_id"], ())):
                if at <= taken_at and view_framework == framework:
                    latest[partner] = (pk, kind)
            values = joint_values.get(joint, {})
            for pk, kind in latest.values():
                for criterion, value in view_values.get(pk, {}).items():
                    if criterion not in values:
                        continue
                    cell = figures_of.divergence.setdefault((numbers[criterion], kind), [0, 0])
                    cell[0] += 1
                    cell[1] += value != values[criterion]
        figures_of.rounds.append(decision["item__round"])
        if decision["outcome"] in FINAL_OUTCOMES:
            figures_of.days_to_decision.append(
                (timezone.localdate(taken_at)
                 - timezone.localdate(decision["signal__registered_at"])).days)
        if decision["outcome"] == Outcome.CASUSOVERLEG:
            figures_of.casusoverleg += 1
            status, recheck_on = notifications.get(decision["pk"], (None, None))
            if status is None:
                figures_of.not_recorded += 1
            elif status == NotificationStatus.POSTPONED:
                figures_of.postponed += 1
                if recheck_on:
                    figures_of.postponed_days.append(
                        (recheck_on - timezone.localdate(taken_at)).days)


def conformance_report(user, *, year: int | None = None,
                       today: datetime.date | None = None) -> Report:
    """The report `user` may see for `year` (default: this year): per weegploeg in their
    scope (`conformance_weegploegen`) and nationally."""
    if not may_view_conformance(user):
        raise RuleViolation(_("Alleen de functionaris gegevensbescherming en de toezichthouder "
                              "zien het conformiteitsrapport."))
    today = today or timezone.localdate()
    year = year or today.year
    if not FIRST_YEAR <= year <= today.year:
        raise RuleViolation(_("Kies een jaar van %(first)s tot en met %(last)s.")
                            % {"first": FIRST_YEAR, "last": today.year}, field="year")
    # One read of every weegploeg: the national figures are theirs together.
    everyone = figures_by_weegploeg(Weegploeg.objects.values("pk"), year, today)
    return Report(
        year=year,
        today=today,
        per_weegploeg=[dataclasses.replace(everyone[w.pk], label=w.name)
                       for w in conformance_weegploegen(user)],
        national=merged(_("Landelijk"), everyone.values()),
    )
