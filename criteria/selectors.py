"""Reads of the referentiekader and the weging (docs/design.md §3 rule 3): what is in force,
who may record an assessment, what is complete, and what each user may see. Nothing here
changes data; the changes are in `criteria.frameworks` and `criteria.assessments`.

- The version in force is the one published version; anybody may read the published and
  retired versions, never a draft.
- A core partner's own view is recorded by a weegploeg member of that partner; the joint
  assessment by a member or the coordinator of a weegploeg partner — in both cases only
  while the user may add to the dossier.
- An assessment is complete when every criterion of its version has a value, every value
  other than "onbekend" a factual substantiation, and a joint assessment its conclusion.
- Assessments are shown to exactly those who see the dossier; a partner view marked "own
  partner only" is shown to the other partners as existing, without content.
- Changes between assessments are shown per criterion as labels: nothing is ever summed.
"""

import dataclasses

from django.db.models import Exists, OuterRef, Prefetch, prefetch_related_objects

from criteria.comparison import joint_differences
from criteria.models import (
    Assessment,
    AssessmentKind,
    Criterion,
    Framework,
    FrameworkStatus,
    IndicatorObservation,
    Judgement,
)
from pga.authz import has_role
from pga.models import Role
from signals.access import can
from signals.models import Signal

PARTNER_VIEW_ROLES = (Role.MEMBER,)
JOINT_ROLES = (Role.MEMBER, Role.COORDINATOR)


# -- the framework -------------------------------------------------------------------------


def published_framework() -> Framework | None:
    """The version in force: the one published version, with its content loaded."""
    return with_content(Framework.objects.filter(status=FrameworkStatus.PUBLISHED)).first()


def public_versions():
    """The versions anybody may read: published and retired ones, never drafts."""
    return Framework.objects.exclude(status=FrameworkStatus.DRAFT).order_by("-version")


def with_content(frameworks):
    return frameworks.prefetch_related("criteria__scale_values", "indicators")


# -- who records an assessment -------------------------------------------------------------


def _takes_part(user, signal: Signal) -> bool:
    """The user works for one of the signal's weegploeg partners and may add to the dossier
    (the grant follows docs/design.md rule 1 and the signal's state)."""
    return (
        user.partner_id is not None
        and signal.weegploeg.takes_part(user.partner)
        and can(user, "signals.contribute_signal", signal)
    )


def may_record_partner_assessment(user, signal: Signal) -> bool:
    """A partner's own view is entered by a weegploeg member of that partner."""
    return has_role(user, *PARTNER_VIEW_ROLES) and _takes_part(user, signal)


def may_record_joint_assessment(user, signal: Signal) -> bool:
    """The joint assessment is recorded by a member or the coordinator of a weegploeg
    partner."""
    return has_role(user, *JOINT_ROLES) and _takes_part(user, signal)


def awaiting_own_weging(user, signals):
    """Issue 18: of `signals`, those on which the user's organisation has no current partner
    weging yet ("wacht op mijn organisatie"). One `NOT EXISTS`, never a read of rows."""
    own = Assessment.objects.filter(signal=OuterRef("pk"), kind=AssessmentKind.PARTNER,
                                    partner_id=user.partner_id, superseded_by__isnull=True)
    return signals.filter(~Exists(own))


# -- the current assessment and its completeness -------------------------------------------


def latest_assessment(signal: Signal, kind: str, partner_id=None) -> Assessment | None:
    """The current assessment of this kind (and partner): the one not superseded."""
    return (
        signal.assessments.filter(kind=kind, partner_id=partner_id, superseded_by__isnull=True)
        .select_related("framework", "partner", "author")
        .prefetch_related("judgements__scale_value", "observations")
        .first()
    )


def latest_joint_assessment(signal: Signal) -> Assessment | None:
    return latest_assessment(signal, AssessmentKind.JOINT)


def is_complete(assessment: Assessment) -> bool:
    """Complete when every criterion of its version has a value, every value other than
    "onbekend" a factual substantiation, and a joint assessment its conclusion. Issue 5's
    rule: a casusoverleg outcome requires a complete joint assessment (docs/design.md rule 4)."""
    return judgements_complete(
        {j.criterion_id: (j.scale_value.is_unknown, j.substantiation)
         for j in assessment.judgements.all()},
        {c.pk for c in assessment.framework.criteria.all()},
        needs_conclusion=assessment.is_joint,
        conclusion=assessment.conclusion,
    )


def judgements_complete(judged: dict, criteria: set, *, needs_conclusion: bool,
                        conclusion: str) -> bool:
    """The rule of `is_complete` over plain values, for reads of many assessments at once
    (the conformance report): `judged` maps each judged criterion's id to (its value is
    "onbekend", its substantiation); `criteria` holds the ids of the version's criteria."""
    if not criteria or set(judged) != criteria:
        return False
    if any(not unknown and not substantiation.strip()
           for unknown, substantiation in judged.values()):
        return False
    return not (needs_conclusion and not conclusion.strip())


def has_complete_assessment(signal: Signal) -> bool:
    """Whether the signal's current joint assessment is complete (for the casusoverleg vote)."""
    assessment = latest_joint_assessment(signal)
    return assessment is not None and is_complete(assessment)


# -- what a user sees ----------------------------------------------------------------------


@dataclasses.dataclass
class AssessmentEntry:
    """An assessment as one user may see it: `shielded` hides its content."""

    assessment: Assessment
    shielded: bool
    complete: bool


def assessments_for(user, signal: Signal) -> list[AssessmentEntry]:
    """All assessments of the signal that this user may see, newest first: exactly those
    who see the dossier. A partner view marked "own partner only" is shown to the other
    partners as existing, without content (the rule of `Contribution.is_shielded_for`)."""
    return _entries(user, signal, _with_contents(signal.assessments.all()))


def assessment_entry(user, signal: Signal, pk) -> AssessmentEntry | None:
    """One assessment of the signal as `assessments_for` would show it, or None; with the
    assessments it replaced and that replaced it (`supersedes`, `superseded_by`)."""
    assessments = _with_contents(signal.assessments.filter(pk=pk),
                                 links=("supersedes", "superseded_by"))
    entries = _entries(user, signal, assessments)
    return entries[0] if entries else None


def _with_contents(assessments, links=()):
    """`assessments` (lazy) with what an entry shows: judgements, observations, criteria,
    whether a later assessment replaced it (`superseded`), and the linked assessments
    `links` (`supersedes`, `superseded_by`) with what a link to them shows. Each list is
    ordered within its one parent (the models' orderings, less their first field, which is
    the parent: no join to it)."""
    return assessments.select_related("framework", "partner", "author", *links).only(
        # Of the related rows only what an entry shows: fewer columns to read and build.
        *ASSESSMENT_COLUMNS, "framework__version", "partner__name", "author__full_name",
        *(f"{link}__{name}" for link in links for name in LINK_COLUMNS),
    ).annotate(
        superseded=Exists(Assessment.objects.filter(supersedes=OuterRef("pk"))),
        # Observations (development areas) are optional: read only for the assessments that
        # have them (`_entries`).
        has_observations=Exists(IndicatorObservation.objects.filter(assessment=OuterRef("pk"))),
    ).prefetch_related(
        Prefetch("framework__criteria",
                 Criterion.objects.only("framework_id", "number", "title").order_by("number")),
        Prefetch("judgements", Judgement.objects.select_related(
            "criterion", "scale_value", "source_partner").defer(
            "criterion__description", "criterion__guidance_questions",
        ).order_by("criterion__number")),
    )


OBSERVATIONS = Prefetch(
    "observations", IndicatorObservation.objects.select_related("indicator")
    .defer("indicator__description").order_by("indicator__number"),
)


# The assessment's own columns an entry shows (its text, links and facts).
ASSESSMENT_COLUMNS = ("signal_id", "framework_id", "kind", "partner_id", "author_id",
                      "created_at", "visibility", "conclusion", "supersedes_id")
# Of a linked assessment, what a link to it shows (its date, and whether it is shielded).
LINK_COLUMNS = ("signal_id", "framework_id", "kind", "partner_id", "created_at", "visibility")


def _entries(user, signal, assessments):
    if not can(user, "signals.view_dossier", signal):
        return []
    assessments = list(assessments)
    prefetch_related_objects([a for a in assessments if a.has_observations], OBSERVATIONS)
    return [
        AssessmentEntry(a, a.is_shielded_for(user.partner_id), is_complete(a))
        for a in assessments
    ]


@dataclasses.dataclass(frozen=True)
class CriterionChange:
    number: int
    title: str
    old_label: str | None
    new_label: str | None
    substantiation_changed: bool

    @property
    def value_changed(self) -> bool:
        return self.old_label != self.new_label


def changes_between(old: Assessment, new: Assessment) -> list[CriterionChange]:
    """Per criterion (by number, so across versions too): the value before and after, and
    whether the substantiation changed. Labels only — no positions are compared or summed."""
    before = {j.criterion.number: j for j in old.judgements.all()}
    after = {j.criterion.number: j for j in new.judgements.all()}
    changes = []
    for criterion in new.framework.criteria.all():
        was, now = before.get(criterion.number), after.get(criterion.number)
        changes.append(CriterionChange(
            number=criterion.number,
            title=criterion.title,
            old_label=was.scale_value.label if was else None,
            new_label=now.scale_value.label if now else None,
            substantiation_changed=(was.substantiation if was else "")
            != (now.substantiation if now else ""),
        ))
    return changes


def signal_page_context(user, signal: Signal) -> dict:
    """What the signal page shows of the weging (the section
    `criteria/_signal_assessments.html`, registered in `criteria.apps`): the current joint
    assessment and what changed since the one before, each partner's current view (shielded
    where needed), the history, and which assessments this user may record."""
    entries = assessments_for(user, signal)
    joint = [e for e in entries if e.assessment.is_joint]
    partner_views, seen = [], set()
    for entry in entries:
        if not entry.assessment.is_joint and entry.assessment.partner_id not in seen:
            seen.add(entry.assessment.partner_id)
            partner_views.append(entry)
    changes = changes_between(joint[1].assessment, joint[0].assessment) if len(joint) > 1 else []
    return {
        "weging": {
            "signal": signal,
            "latest_joint": joint[0] if joint else None,
            "previous_joint": joint[1] if len(joint) > 1 else None,
            "joint_changes": changes,
            "partner_views": partner_views,
            "differences": joint_differences(
                joint[0].assessment if joint else None,
                [(entry.assessment, entry.shielded) for entry in partner_views]),
            "history": entries,
            "can_assess_partner": may_record_partner_assessment(user, signal),
            "can_assess_joint": may_record_joint_assessment(user, signal),
        },
    }
