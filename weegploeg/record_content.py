"""What a decision record shows, and its rendering (docs/design.md §3 rule 6, §4 "PDFs").

- A record shows the signal summary, the joint assessment per criterion with its conclusion
  (no totals: rule 3), each partner's vote with name, time and motivation, the outcome and
  its reasoning, the parties invited or the referral, a correction note and the retention
  date; a decision that ends a re-weighing names the earlier decision and the reason, and
  the planned follow-up dates are listed (rule 12).
- It shows the joint assessment the decision was taken on, also when the signal was
  re-assessed later: a record rendered again still shows what the weegploeg weighed.
- It shows each core partner's statement that it consulted its own systems, with the
  result (rule 13, `weegploeg.integral`): only the result, never what was found.
- It shows the date of the session, and — when the session was opened on another day —
  when it was opened and the reason recorded then (issue 18), next to the time of the
  deciding vote; dates and times in the installation's time zone (`TIME_ZONE`, as every
  PDF of `pga.pdf`), so the record and the decision page agree.
- It is a PDF/A, always in Dutch, rendered by WeasyPrint from
  `templates/weegploeg/records/decision_record.html` with the fonts bundled in
  `static/fonts/` and no network fetches (`pga.pdf`).

Reads only; storing the PDF is `weegploeg.records`.
"""

import dataclasses
import datetime

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from criteria.models import Assessment, AssessmentKind
from pga.pdf import render_pdf
from weegploeg.models import CaseParty, Decision, Outcome, Referral, Reweighing
from weegploeg.reweighing import reweighing_of

TEMPLATE = "weegploeg/records/decision_record.html"


@dataclasses.dataclass
class RecordFacts:
    """Everything the decision record and the hand-over show of one decision."""

    decision: Decision
    assessment: Assessment | None
    criteria: list  # (criterion, judgement or None) per criterion of its framework version
    votes: list
    statements: list  # the IntegralStatements of the decision's agenda item
    invited_parties: list[str]
    deletion_due: datetime.date | None
    # A decision that ends a re-weighing names the earlier decision (rule 12), and every
    # decision its planned follow-up dates.
    reweighing: Reweighing | None = None
    follow_ups: list = dataclasses.field(default_factory=list)

    @property
    def signal(self):
        return self.decision.signal

    @property
    def person(self):
        return self.decision.signal.person

    @property
    def session(self):
        return self.decision.item.session

    @property
    def session_date(self) -> datetime.date:
        return timezone.localdate(self.session.starts_at)

    @property
    def opened_on_another_day(self) -> bool:
        """Opened before or after the day it was planned for (then with a recorded reason)."""
        opened_at = self.session.opened_at
        return opened_at is not None and timezone.localdate(opened_at) != self.session_date


def joints_in_force(signal, moment):
    """The joint assessments of `signal` recorded at or before `moment`, the one in force at
    `moment` first: a new joint assessment supersedes the one before it, so the one in force
    is the last one recorded by then. `signal` and `moment` may be `OuterRef`s (the
    conformance report reads the joint assessment of many decisions in one query)."""
    return (Assessment.objects.filter(signal=signal, kind=AssessmentKind.JOINT,
                                      created_at__lte=moment)
            .order_by("-created_at", "-pk"))


def assessment_at_decision(decision: Decision) -> Assessment | None:
    """The joint assessment the decision was taken on: the current one, or — when the signal
    was re-assessed after the decision (e.g. after nadere duiding) — the one in force at the
    time. So a record rendered again later still shows what the weegploeg weighed."""
    return (joints_in_force(decision.signal_id, decision.taken_at)
            .select_related("framework", "partner", "author")
            .prefetch_related("judgements__scale_value", "observations")
            .first())


def record_facts(decision: Decision) -> RecordFacts:
    """What the record shows, read fresh from the database (the caller's instance may be
    stale), labels resolved in the active language."""
    decision = Decision.objects.select_related(
        "signal__person__municipality", "signal__weegploeg", "item__session", "corrects",
        "recorded_by",
    ).get(pk=decision.pk)
    assessment = assessment_at_decision(decision)
    parties = [str(CaseParty(code).label) for code in decision.invited_parties
               if code != CaseParty.OTHER]
    if CaseParty.OTHER in decision.invited_parties:
        parties.append(decision.other_party or str(CaseParty.OTHER.label))
    return RecordFacts(
        decision=decision,
        assessment=assessment,
        criteria=assessment.judgement_rows() if assessment else [],
        votes=list(
            decision.item.votes.select_related("partner", "voter").order_by("cast_at", "pk")
        ),
        statements=list(decision.item.integral_statements.select_related("partner", "stated_by")
                        .order_by("partner__kind", "partner__name")),
        invited_parties=parties,
        # Stored on the signal when the retention clock starts (rule 8); None before.
        deletion_due=decision.signal.deletion_due,
        reweighing=reweighing_of(decision),
        follow_ups=list(decision.follow_ups.order_by("due_on", "pk")),
    )


def render_decision_record(decision: Decision, *, version: int | None = None) -> bytes:
    """The decision record as PDF/A bytes (rule 6): signal summary, the joint assessment per
    criterion with its conclusion (no totals: rule 3), each partner's vote with name, time
    and motivation, the outcome and its reasoning, the parties invited or the referral, a
    correction note and the retention date. Always in Dutch, the language of the record."""
    generated_at = timezone.localtime().replace(microsecond=0)
    with translation.override(settings.LANGUAGE_CODE):
        facts = record_facts(decision)
        return render_pdf(TEMPLATE, {
            "facts": facts,
            "version": version,
            "generated_at": generated_at,
            # W3C date for the PDF's creation date (Info and XMP, kept equal as PDF/A asks).
            "created_w3c": generated_at.isoformat(),
            "outcome": Outcome,
            "referral_label": str(Referral(decision.referral).label) if decision.referral
            else "",
        }, footer=_("Besluitverslag %(reference)s") % {"reference": facts.signal.reference})
