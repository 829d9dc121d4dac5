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
     of the decision (`weegploeg.record_content.assessment_at_decision`) was complete
     (`criteria.selectors.is_complete`: every criterion a value, every value but "onbekend"
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

from django.db.models import Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from criteria.models import Assessment, AssessmentKind
from criteria.selectors import is_complete
from pga.authz import has_role, weegploegen_of
from pga.models import PartnerKind, Role, Weegploeg
from pga.services import RuleViolation
from retention.holds import active_holds
from retention.models import DeletedSignal, Notification, NotificationStatus
from signals.models import Contribution, Signal
from stats.services import SUPPRESS_BELOW
from weegploeg.models import AgendaItem, Decision, InformationRequest, ItemStatus, Outcome
from weegploeg.record_content import assessment_at_decision

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
    """The raw figures of the weegploegen `weegploeg_ids` for `year` (the module's
    definitions)."""
    result = Figures(label=label)
    decisions = list(
        Decision.objects.filter(_in_year("taken_at", year), corrects__isnull=True,
                                signal__weegploeg__in=weegploeg_ids)
        .select_related("signal", "item").prefetch_related("item__votes")
    )
    result.decisions = len(decisions)
    own_views = {}
    for signal_id, partner_id, created_at in (
        Signal.objects.filter(pk__in=[d.signal_id for d in decisions])
        .filter(assessments__kind=AssessmentKind.PARTNER)
        .values_list("pk", "assessments__partner_id", "assessments__created_at")
    ):
        own_views.setdefault(signal_id, []).append((partner_id, created_at))
    partner_views = {}
    for view in (Assessment.objects.filter(signal__in=[d.signal_id for d in decisions],
                                           kind=AssessmentKind.PARTNER)
                 .select_related("partner", "framework")
                 .prefetch_related("judgements__criterion")):
        partner_views.setdefault(view.signal_id, []).append(view)
    for decision in decisions:
        voters = {vote.partner_id for vote in decision.item.votes.all()}
        weighed = {partner for partner, at in own_views.get(decision.signal_id, ())
                   if at <= decision.taken_at}
        if len(voters) == 3 and voters <= weighed:
            result.weighed_by_three += 1
        assessment = assessment_at_decision(decision)
        if assessment is not None and is_complete(assessment):
            result.substantiated += 1
        if assessment is not None:
            _compare(result, decision, assessment, partner_views.get(decision.signal_id, ()))
        result.rounds.append(decision.item.round)
        if decision.outcome in FINAL_OUTCOMES:
            result.days_to_decision.append(
                (timezone.localdate(decision.taken_at)
                 - timezone.localdate(decision.signal.registered_at)).days)
    result.days_to_decision += [
        (decided - registered).days for decided, registered in
        DeletedSignal.objects.filter(weegploeg__in=weegploeg_ids, decided_on__year=year,
                                     outcome__in=FINAL_OUTCOMES)
        .values_list("decided_on", "registered_on")
    ]
    items = AgendaItem.objects.filter(_in_year("session__starts_at", year),
                                      session__weegploeg__in=weegploeg_ids)
    result.items = items.count()
    result.no_consensus = items.filter(status=ItemStatus.NO_CONSENSUS).count()
    result.escalations = items.filter(escalate=True).count()
    casusoverleg = [d for d in decisions if d.outcome == Outcome.CASUSOVERLEG]
    result.casusoverleg = len(casusoverleg)
    notifications = {n.decision_id: n for n in
                     Notification.objects.filter(decision__in=[d.pk for d in casusoverleg])}
    for decision in casusoverleg:
        notification = notifications.get(decision.pk)
        if notification is None:
            result.not_recorded += 1
        elif notification.status == NotificationStatus.POSTPONED:
            result.postponed += 1
            if notification.recheck_on:
                result.postponed_days.append(
                    (notification.recheck_on - timezone.localdate(decision.taken_at)).days)
    purged = list(DeletedSignal.objects.filter(weegploeg__in=weegploeg_ids,
                                               deleted_at__year=year)
                  .values_list("deleted_at", "deletion_due"))
    result.purged = len(purged)
    result.purged_on_time = sum(
        1 for deleted_at, due in purged
        if due is not None and timezone.localdate(deleted_at) <= due + datetime.timedelta(days=1))
    held = active_holds()
    result.purge_overdue = (
        Signal.objects.filter(weegploeg__in=weegploeg_ids,
                              deletion_due__lt=today - datetime.timedelta(days=1))
        .exclude(pk__in=held.filter(signal__isnull=False).values("signal"))
        .exclude(person__in=held.filter(person__isnull=False).values("person")).count()
    )
    result.holds = held.filter(Q(signal__weegploeg__in=weegploeg_ids)
                               | Q(person__weegploeg__in=weegploeg_ids)).count()
    unnamed = _("(geen grondslag vastgelegd)")
    for model in (Contribution, InformationRequest):
        for ground, in (model.objects.filter(_in_year("created_at", year),
                                             signal__weegploeg__in=weegploeg_ids)
                        .values_list("legal_ground__name")):
            name = ground or unnamed
            result.exchanges[name] = result.exchanges.get(name, 0) + 1
    return result


def _compare(result: Figures, decision, joint, views) -> None:
    """Figures 9 and 10 for one decision and its joint weging at the time."""
    if decision.outcome in FINAL_OUTCOMES:
        counts = result.per_version.setdefault(joint.framework.version, {})
        counts[decision.outcome] = counts.get(decision.outcome, 0) + 1
    latest = {}
    for view in sorted(views, key=lambda view: view.created_at):
        if view.created_at <= decision.taken_at and view.framework_id == joint.framework_id:
            latest[view.partner_id] = view
    joint_values = {j.criterion_id: j.scale_value_id for j in joint.judgements.all()}
    for view in latest.values():
        for judgement in view.judgements.all():
            if judgement.criterion_id not in joint_values:
                continue
            cell = result.divergence.setdefault(
                (judgement.criterion.number, view.partner.kind), [0, 0])
            cell[0] += 1
            cell[1] += judgement.scale_value_id != joint_values[judgement.criterion_id]


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
    return Report(
        year=year,
        today=today,
        per_weegploeg=[figures([w.pk], year, today, w.name)
                       for w in conformance_weegploegen(user)],
        national=figures(Weegploeg.objects.values("pk"), year, today, _("Landelijk")),
    )
