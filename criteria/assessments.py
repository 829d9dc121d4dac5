"""Recording the weging of a signal (docs/design.md §3 rule 3; reads, including who may
record and what is complete, are in `criteria.selectors`).

- An assessment is made under the published version of the referentiekader and stays tied
  to it. Each core partner may record its own view (a member of that partner, never of
  another), and the weegploeg records a joint assessment with a written overall
  conclusion. Nothing is ever summed: the criteria are not a checklist or a points total.
- An assessment is never changed: a re-assessment is a new one that supersedes the previous
  one of the same kind and partner, so the earlier ones are kept and the changes shown.
- An assessment may be saved while criteria are still open (a draft of the weging). A value
  other than "onbekend" without substantiation is refused outright: a judgement is never
  stored without its facts. A value must belong to that criterion's scale in the version in
  force, and a source partner must be a partner of the signal's weegploeg.

Each function takes the acting user, runs in one transaction and raises `RuleViolation`
(or `InvalidInput`, one message per field) with a Dutch message when a rule refuses.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from criteria.inputs import InvalidInput, criterion_field, indicator_field
from criteria.models import Assessment, AssessmentKind, IndicatorObservation, Judgement
from criteria.selectors import (
    latest_assessment,
    may_record_joint_assessment,
    may_record_partner_assessment,
    published_framework,
)
from pga.audit import processing
from pga.models import ProcessingActivity
from pga.services import RuleViolation
from signals.models import ContributionVisibility, EventKind, Signal
from signals.services import record_preparation


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
