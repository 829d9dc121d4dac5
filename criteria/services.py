"""Rules of the referentiekader and of the weging (docs/design.md §3 rule 3).

- The framework is versioned: draft → published → retired, at most one published version
  and one draft at a time. Only a draft is edited; publishing retires the version before it.
- An assessment is made under the published version and stays tied to it. Each core partner
  may record its own view (a member of that partner, never of another), and the weegploeg
  records a joint assessment with a written overall conclusion. Nothing is ever summed: the
  criteria are not a checklist or a points total.
- An assessment is never changed: a re-assessment is a new one that supersedes the previous
  one of the same kind and partner, so the earlier ones are kept and the changes shown.
- An assessment may be saved while criteria are still open (a draft of the weging); it is
  complete when every criterion has a value and every value other than "onbekend" a factual
  substantiation. A value other than "onbekend" without substantiation is refused outright:
  a judgement is never stored without its facts.

Each function takes the acting user, runs in one transaction and raises `RuleViolation`
(or `InvalidInput`, one message per field) with a Dutch message when a rule refuses.
"""

import dataclasses

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from criteria.models import (
    CRITERIA_COUNT,
    Assessment,
    AssessmentKind,
    Criterion,
    Framework,
    FrameworkStatus,
    Indicator,
    IndicatorObservation,
    Judgement,
    ScaleValue,
)
from pga.audit import processing
from pga.authz import has_role
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation
from signals.access import can
from signals.models import ContributionVisibility, EventKind, Signal
from signals.services import record_preparation

PARTNER_VIEW_ROLES = (Role.MEMBER,)
JOINT_ROLES = (Role.MEMBER, Role.COORDINATOR)
MIN_SCALE_VALUES = 2


class InvalidInput(RuleViolation):
    """Several fields break a rule at once; `errors` maps each form field to its message,
    so every error can be shown next to its own field. Nothing has been saved."""

    def __init__(self, errors: dict[str, str]):
        super().__init__(_("Er is niets opgeslagen. Verbeter de gemarkeerde velden."))
        self.errors = errors


def criterion_field(number: int, part: str) -> str:
    """The form field of one part of the judgement on criterion `number` ("c3-source")."""
    return f"c{number}-{part}"


def indicator_field(number: int, part: str) -> str:
    return f"i{number}-{part}"


@dataclasses.dataclass(frozen=True)
class JudgementInput:
    """What was entered for one criterion: its number, the chosen scale value (pk, or None
    while not yet judged), the facts, their source and (joint assessment) source partner."""

    criterion: int
    scale_value: int | None
    substantiation: str = ""
    source: str = ""
    source_partner: int | None = None


@dataclasses.dataclass(frozen=True)
class ObservationInput:
    indicator: int
    observed_facts: str = ""
    protective_factors: str = ""


# -- the framework -------------------------------------------------------------------------


def published_framework() -> Framework | None:
    """The version in force: the one published version, with its content loaded."""
    return with_content(Framework.objects.filter(status=FrameworkStatus.PUBLISHED)).first()


def public_versions():
    """The versions anybody may read: published and retired ones, never drafts."""
    return Framework.objects.exclude(status=FrameworkStatus.DRAFT).order_by("-version")


def with_content(frameworks):
    return frameworks.prefetch_related("criteria__scale_values", "indicators")


def _require_admin(user):
    if not has_role(user, Role.ADMIN):
        raise RuleViolation(_("Alleen de functioneel beheerder beheert het referentiekader."))


def _lock_frameworks():
    """Serialise changes to the set of versions (one draft, one published at a time)."""
    list(Framework.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def create_draft(user) -> Framework:
    """A new draft version, copied from the published one (criteria, scales, indicators).
    There is at most one draft: edit or publish it before starting another."""
    _require_admin(user)
    with transaction.atomic(), processing(ProcessingActivity.MANAGEMENT):
        _lock_frameworks()
        draft = Framework.objects.filter(status=FrameworkStatus.DRAFT).first()
        if draft is not None:
            raise RuleViolation(
                _("Er is al een conceptversie (versie %(version)s). Bewerk of publiceer die "
                  "eerst.") % {"version": draft.version}
            )
        source = published_framework() or with_content(Framework.objects.all()).first()
        last = Framework.objects.order_by("-version").values_list("version", flat=True).first()
        draft = Framework.objects.create(
            version=(last or 0) + 1, status=FrameworkStatus.DRAFT, created_by=user
        )
        if source is not None:
            for criterion in source.criteria.all():
                copy = Criterion.objects.create(
                    framework=draft,
                    number=criterion.number,
                    title=criterion.title,
                    description=criterion.description,
                    guidance_questions=criterion.guidance_questions,
                )
                for value in criterion.scale_values.all():
                    ScaleValue.objects.create(
                        criterion=copy,
                        position=value.position,
                        label=value.label,
                        is_unknown=value.is_unknown,
                    )
            for indicator in source.indicators.all():
                Indicator.objects.create(
                    framework=draft,
                    number=indicator.number,
                    title=indicator.title,
                    description=indicator.description,
                )
    return draft


@dataclasses.dataclass(frozen=True)
class CriterionInput:
    """The wording of one criterion in a draft. `scale_labels` are the ordinal values from
    least to most concern (empty ones are dropped); `unknown_label` is the "onbekend" value
    every scale keeps."""

    number: int
    title: str
    description: str
    guidance_questions: str
    scale_labels: list[str]
    unknown_label: str


@dataclasses.dataclass(frozen=True)
class IndicatorInput:
    """One development area as entered; `number` is its place in the form. One with neither
    title nor description is removed."""

    number: int
    title: str
    description: str = ""


def _refuse_unless_draft(framework: Framework):
    if framework.status != FrameworkStatus.DRAFT:
        raise RuleViolation(
            _("Versie %(version)s is %(status)s en kan niet meer worden gewijzigd. Maak een "
              "nieuwe conceptversie.")
            % {"version": framework.version, "status": framework.get_status_display().lower()}
        )


def update_draft(user, framework: Framework, *, notes: str, criteria, indicators) -> Framework:
    """Change the wording of a draft: criteria, their scales, the indicators and the notes.
    A published or retired version is never changed — assessments made under it must keep
    meaning what they meant (docs/design.md §3 rule 3)."""
    _require_admin(user)
    with transaction.atomic(), processing(ProcessingActivity.MANAGEMENT):
        framework = Framework.objects.select_for_update().get(pk=framework.pk)
        _refuse_unless_draft(framework)
        errors: dict[str, str] = {}
        criteria = {c.number: c for c in criteria}
        existing = {c.number: c for c in framework.criteria.all()}
        if set(criteria) != set(range(1, CRITERIA_COUNT + 1)):
            raise RuleViolation(_("Een versie bevat precies de vijf wettelijke criteria."))
        for number, entry in criteria.items():
            if not entry.title.strip():
                errors[criterion_field(number, "title")] = _("Geef het criterium een titel.")
            if not entry.description.strip():
                errors[criterion_field(number, "description")] = _("Omschrijf het criterium.")
            labels = [label.strip() for label in entry.scale_labels if label.strip()]
            if len(labels) < MIN_SCALE_VALUES:
                errors[criterion_field(number, "scale-1")] = _(
                    "Een schaal heeft ten minste twee waarden naast 'onbekend'."
                )
            elif len(set(labels)) != len(labels):
                errors[criterion_field(number, "scale-1")] = _(
                    "Elke waarde van de schaal heeft een eigen omschrijving."
                )
            if not entry.unknown_label.strip():
                errors[criterion_field(number, "unknown")] = _(
                    "Elke schaal houdt de waarde 'onbekend / onvoldoende informatie'."
                )
        kept_indicators = []
        for entry in indicators:
            title, description = entry.title.strip(), entry.description.strip()
            if description and not title:
                errors[indicator_field(entry.number, "title")] = _(
                    "Geef het ontwikkelgebied een titel, of maak ook de omschrijving leeg."
                )
            elif title:
                kept_indicators.append((title, description))
        if errors:
            raise InvalidInput(errors)

        framework.notes = notes.strip()
        framework.save()
        for number, entry in criteria.items():
            criterion = existing.get(number) or Criterion(framework=framework, number=number)
            criterion.title = entry.title.strip()
            criterion.description = entry.description.strip()
            criterion.guidance_questions = entry.guidance_questions.strip()
            criterion.save()
            labels = [label.strip() for label in entry.scale_labels if label.strip()]
            _replace_scale(criterion, labels, entry.unknown_label.strip())
        _replace_indicators(framework, kept_indicators)
    return framework


def _replace_scale(criterion: Criterion, labels: list[str], unknown_label: str) -> None:
    # Safe only in a draft: no judgement refers to a draft's values (assessments are made
    # under the published version).
    values = {v.position: v for v in criterion.scale_values.all()}
    for position, label in enumerate(labels, start=1):
        value = values.pop(position, None) or ScaleValue(criterion=criterion, position=position)
        if value.pk is None or value.label != label:
            value.label = label
            value.save()
    unknown = values.pop(0, None) or ScaleValue(criterion=criterion, position=0, is_unknown=True)
    if unknown.pk is None or unknown.label != unknown_label:
        unknown.label = unknown_label
        unknown.save()
    for value in values.values():
        value.delete()


def _replace_indicators(framework: Framework, kept: list[tuple[str, str]]) -> None:
    existing = {i.number: i for i in framework.indicators.all()}
    for number, (title, description) in enumerate(kept, start=1):
        indicator = existing.pop(number, None) or Indicator(framework=framework, number=number)
        if indicator.pk is None or (indicator.title, indicator.description) != (title, description):
            indicator.title, indicator.description = title, description
            indicator.save()
    for indicator in existing.values():
        indicator.delete()


def publish(user, framework: Framework) -> Framework:
    """Publish a draft: the version in force is retired and this one takes its place, in one
    transaction (audited). Assessments stay on the version they were made under. The notes
    say what changed, for the public version history."""
    _require_admin(user)
    with transaction.atomic(), processing(ProcessingActivity.MANAGEMENT):
        _lock_frameworks()
        framework = with_content(Framework.objects.filter(pk=framework.pk)).get()
        _refuse_unless_draft(framework)
        if not framework.notes.strip():
            raise RuleViolation(
                _("Beschrijf in de toelichting wat er in deze versie is veranderd."),
                field="notes",
            )
        criteria = list(framework.criteria.all())
        if [c.number for c in criteria] != list(range(1, CRITERIA_COUNT + 1)) or any(
            sum(1 for v in c.scale_values.all() if v.is_unknown) != 1
            or sum(1 for v in c.scale_values.all() if not v.is_unknown) < MIN_SCALE_VALUES
            for c in criteria
        ):
            raise RuleViolation(
                _("Deze versie is niet volledig: elk van de vijf criteria heeft een schaal met "
                  "ten minste twee waarden en 'onbekend'.")
            )
        now = timezone.now()
        for current in Framework.objects.filter(status=FrameworkStatus.PUBLISHED):
            current.status = FrameworkStatus.RETIRED
            current.retired_at = now
            current.save()
        framework.status = FrameworkStatus.PUBLISHED
        framework.published_at = now
        framework.published_by = user
        framework.save()
    return framework


# -- assessments ---------------------------------------------------------------------------


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


def latest_assessment(signal: Signal, kind: str, partner_id=None) -> Assessment | None:
    """The current assessment of this kind (and partner): the one not superseded."""
    return (
        signal.assessments.filter(kind=kind, partner_id=partner_id, superseded_by__isnull=True)
        .select_related("framework", "partner", "author")
        .prefetch_related("judgements__scale_value", "observations")
        .first()
    )


def record_partner_assessment(
    user, signal: Signal, judgements, indicators=(), visibility=ContributionVisibility.WEEGPLOEG,
    conclusion: str = "",
) -> Assessment:
    """A core partner's own view on the five criteria (docs/design.md §3 rule 3). The partner is
    always the user's own: a member cannot enter another partner's view. Marked "own partner
    only", its content is shown to that partner alone, like a shielded contribution."""
    if not may_record_partner_assessment(user, signal):
        raise RuleViolation(
            _("Alleen een weegploeglid van een partner van deze weegploeg legt de weging van "
              "die partner vast.")
        )
    if visibility not in ContributionVisibility.values:
        raise RuleViolation(_("Kies wie deze weging mag zien."), field="visibility")
    return _record(
        user, signal, AssessmentKind.PARTNER, user.partner_id, judgements, indicators,
        visibility, conclusion,
    )


def record_joint_assessment(user, signal: Signal, judgements, conclusion: str,
                            indicators=()) -> Assessment:
    """The weegploeg's joint assessment: a judgement per criterion with its facts and source
    partner, and a written overall conclusion — never a total (docs/design.md §3 rule 3)."""
    if not may_record_joint_assessment(user, signal):
        raise RuleViolation(
            _("Alleen de weegploegleden en de procesregisseur van de partners van deze "
              "weegploeg leggen de gezamenlijke weging vast.")
        )
    return _record(
        user, signal, AssessmentKind.JOINT, None, judgements, indicators,
        ContributionVisibility.WEEGPLOEG, conclusion,
    )


def _record(user, signal, kind, partner_id, judgements, indicators, visibility, conclusion):
    with transaction.atomic(), processing(ProcessingActivity.ASSESSMENT):
        # One re-assessment at a time per signal, so each supersedes exactly the latest.
        signal = Signal.objects.select_for_update(of=("self",)).select_related("weegploeg").get(
            pk=signal.pk
        )
        framework = published_framework()
        if framework is None:
            raise RuleViolation(_("Er is geen gepubliceerd referentiekader; neem contact op met "
                                  "de functioneel beheerder."))
        errors: dict[str, str] = {}
        partner_ids = set(signal.weegploeg.partners().values_list("pk", flat=True))
        checked = _check_judgements(framework, judgements, kind, partner_id, partner_ids, errors)
        observations = _check_observations(framework, indicators, errors)
        conclusion = (conclusion or "").strip()
        if kind == AssessmentKind.JOINT and not conclusion:
            errors["conclusion"] = _(
                "Schrijf de conclusie van de weegploeg: de criteria leiden niet vanzelf tot een "
                "uitkomst."
            )
        if errors:
            raise InvalidInput(errors)
        assessment = Assessment.objects.create(
            signal=signal,
            framework=framework,
            kind=kind,
            partner_id=partner_id,
            author=user,
            visibility=visibility,
            conclusion=conclusion,
            supersedes=latest_assessment(signal, kind, partner_id),
        )
        for fields in checked:
            Judgement.objects.create(assessment=assessment, **fields)
        for fields in observations:
            IndicatorObservation.objects.create(assessment=assessment, **fields)
        note = _("gezamenlijk") if kind == AssessmentKind.JOINT else _("weging van de partner")
        record_preparation(user, signal, EventKind.ASSESSMENT, note)
    return assessment


def _check_judgements(framework, judgements, kind, partner_id, partner_ids, errors):
    """The judgements as rows to create, or an error per field: the value must belong to
    that criterion of the version in force, and only "onbekend" goes without facts."""
    criteria = {c.number: c for c in framework.criteria.all()}
    rows, seen = [], set()
    for entry in judgements:
        field = criterion_field(entry.criterion, "scale_value")
        criterion = criteria.get(entry.criterion)
        if criterion is None or entry.criterion in seen:
            errors[field] = _("Dit criterium hoort niet (zo) bij de geldende versie van het "
                              "referentiekader.")
            continue
        seen.add(entry.criterion)
        substantiation = (entry.substantiation or "").strip()
        source = (entry.source or "").strip()
        if entry.scale_value is None:
            if substantiation or source:
                errors[field] = _("Kies een oordeel bij deze onderbouwing, of laat de "
                                  "onderbouwing leeg.")
            continue
        value = next((v for v in criterion.scale_values.all() if v.pk == entry.scale_value), None)
        if value is None:
            errors[field] = _(
                "Deze waarde hoort niet bij de schaal van dit criterium in versie %(version)s "
                "van het referentiekader. Kies opnieuw."
            ) % {"version": framework.version}
            continue
        if not value.is_unknown and not substantiation:
            errors[criterion_field(entry.criterion, "substantiation")] = _(
                "Onderbouw dit oordeel met feiten. Alleen bij 'onbekend / onvoldoende "
                "informatie' mag de onderbouwing leeg blijven."
            )
            continue
        source_partner = partner_id if kind == AssessmentKind.PARTNER else entry.source_partner
        if source_partner is not None and source_partner not in partner_ids:
            errors[criterion_field(entry.criterion, "source_partner")] = _(
                "Kies een partner van deze weegploeg als bron."
            )
            continue
        rows.append({
            "criterion": criterion,
            "scale_value": value,
            "substantiation": substantiation,
            "source": source,
            "source_partner_id": source_partner,
        })
    return rows


def _check_observations(framework, indicators, errors):
    known = {i.number: i for i in framework.indicators.all()}
    rows = []
    for entry in indicators:
        facts = (entry.observed_facts or "").strip()
        protective = (entry.protective_factors or "").strip()
        if not (facts or protective):
            continue
        indicator = known.get(entry.indicator)
        if indicator is None:
            errors[indicator_field(entry.indicator, "observed_facts")] = _(
                "Dit ontwikkelgebied hoort niet bij de geldende versie van het referentiekader."
            )
            continue
        rows.append({
            "indicator": indicator, "observed_facts": facts, "protective_factors": protective,
        })
    return rows


def is_complete(assessment: Assessment) -> bool:
    """Complete when every criterion of its version has a value, every value other than
    "onbekend" a factual substantiation, and a joint assessment its conclusion. Issue 5's
    rule: a casusoverleg outcome requires a complete joint assessment (docs/design.md rule 4)."""
    judged = {j.criterion_id: j for j in assessment.judgements.all()}
    criteria = {c.pk for c in assessment.framework.criteria.all()}
    if not criteria or set(judged) != criteria:
        return False
    if any(not j.scale_value.is_unknown and not j.substantiation.strip() for j in judged.values()):
        return False
    return not (assessment.is_joint and not assessment.conclusion.strip())


def latest_joint_assessment(signal: Signal) -> Assessment | None:
    return latest_assessment(signal, AssessmentKind.JOINT)


def has_complete_assessment(signal: Signal) -> bool:
    """Whether the signal's current joint assessment is complete (for the casusoverleg vote)."""
    assessment = latest_joint_assessment(signal)
    return assessment is not None and is_complete(assessment)


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
    """One assessment of the signal as `assessments_for` would show it, or None."""
    entries = _entries(user, signal, _with_contents(signal.assessments.filter(pk=pk)))
    return entries[0] if entries else None


def _with_contents(assessments):
    """`assessments` (lazy) with what an entry shows: judgements, observations, criteria."""
    return assessments.select_related(
        "framework", "partner", "author", "supersedes", "superseded_by"
    ).prefetch_related(
        "framework__criteria",
        Prefetch("judgements", Judgement.objects.select_related(
            "criterion", "scale_value", "source_partner")),
        Prefetch("observations", IndicatorObservation.objects.select_related("indicator")),
    )


def _entries(user, signal, assessments):
    if not can(user, "signals.view_dossier", signal):
        return []
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
            "history": entries,
            "can_assess_partner": may_record_partner_assessment(user, signal),
            "can_assess_joint": may_record_joint_assessment(user, signal),
        },
    }
