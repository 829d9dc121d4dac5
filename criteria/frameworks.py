"""Changes to the referentiekader by the functioneel beheerder (docs/design.md §3 rule 3;
reads are in `criteria.selectors`).

- The framework is versioned: draft → published → retired, at most one published version
  and one draft at a time. Only the functioneel beheerder changes it.
- A new draft is copied from the published version. Only a draft is edited: a published or
  retired version is never changed, so that assessments made under it keep meaning what
  they meant.
- A version holds exactly the five statutory criteria, each with an ordinal scale of at
  least two values besides "onbekend / onvoldoende informatie".
- Publishing retires the version in force in the same transaction, and needs notes that say
  what changed (the public version history).

Each function takes the acting user, runs in one transaction and raises `RuleViolation`
(or `InvalidInput`, one message per field) with a Dutch message when a rule refuses.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from criteria.inputs import InvalidInput, criterion_field, indicator_field
from criteria.models import (
    CRITERIA_COUNT,
    Criterion,
    Framework,
    FrameworkStatus,
    Indicator,
    ScaleValue,
)
from criteria.selectors import published_framework, with_content
from pga.audit import processing
from pga.authz import check_role
from pga.models import ProcessingActivity, Role
from pga.services import RuleViolation

MIN_SCALE_VALUES = 2
ADMIN_ONLY = gettext_lazy("Alleen de functioneel beheerder beheert het referentiekader.")


def _lock_frameworks():
    """Serialise changes to the set of versions (one draft, one published at a time)."""
    list(Framework.objects.select_for_update().order_by("pk").values_list("pk", flat=True))


def create_draft(user) -> Framework:
    """A new draft version, copied from the published one (criteria, scales, indicators).
    There is at most one draft: edit or publish it before starting another."""
    check_role(user, Role.ADMIN, refusal=ADMIN_ONLY)
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
    check_role(user, Role.ADMIN, refusal=ADMIN_ONLY)
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
    check_role(user, Role.ADMIN, refusal=ADMIN_ONLY)
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
