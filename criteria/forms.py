"""Forms of the weging and of the framework draft. They only parse and render: the rules
(which value belongs to which criterion, when facts are required, what may be edited) are
in `criteria.assessments` and `criteria.frameworks`, whose errors the views put next to the
fields named here (`criteria.inputs`)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from criteria.inputs import (
    CriterionInput,
    IndicatorInput,
    JudgementInput,
    ObservationInput,
    criterion_field,
    indicator_field,
)
from criteria.models import (
    CONCLUSION_MAX_LENGTH,
    FRAMEWORK_TEXT_MAX_LENGTH,
    OBSERVATION_MAX_LENGTH,
    SUBSTANTIATION_MAX_LENGTH,
    AssessmentKind,
    Framework,
)
from signals.models import ContributionVisibility

WRONG_VALUE = _(
    "Deze waarde hoort niet bij de schaal van dit criterium in de geldende versie van het "
    "referentiekader. Kies opnieuw."
)


class ErrorSummaryMixin:
    """`error_summary()`: each error with the place it belongs to ("3. Sociale relaties —
    Oordeel") and the id to jump to, for the summary above a long form."""

    def error_summary(self):
        items = [(None, error) for error in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name not in self.fields:
                continue
            bound = self[name]
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect):
                anchor += "_0"
            label = f"{self._label_prefixes.get(name, '')}{bound.label}"
            items.extend((anchor, f"{label}: {error}") for error in errors)
        return items


def _text(label, max_length, rows=4, required=False, help_text=""):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AssessmentForm(ErrorSummaryMixin, forms.Form):
    """Per criterion a radio group of that criterion's scale values (prefix `c{N}-`), the
    factual substantiation and its source; per development area the observed facts and
    protective factors (prefix `i{N}-`); the conclusion."""

    framework_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, data=None, *, framework: Framework, kind: str, partners=None,
                 previous=None, prefill=None):
        self.framework = framework
        self.kind = kind
        # A first joint weging starts from where the partners agree (`criteria.comparison`).
        super().__init__(data, initial=self._initial(previous) or dict(prefill or {}))
        self.fields["framework_version"].initial = framework.version
        self._label_prefixes = {}
        for criterion in framework.criteria.all():
            n = criterion.number
            for part in ("scale_value", "substantiation", "source", "source_partner"):
                self._label_prefixes[criterion_field(n, part)] = f"{criterion} — "
            self.fields[criterion_field(n, "scale_value")] = forms.TypedChoiceField(
                label=_("Oordeel"),
                choices=[(v.pk, v.label) for v in criterion.scale_values.all()],
                coerce=int,
                empty_value=None,
                required=False,
                widget=forms.RadioSelect,
                error_messages={"invalid_choice": WRONG_VALUE},
            )
            self.fields[criterion_field(n, "substantiation")] = _text(
                _("Feitelijke onderbouwing"), SUBSTANTIATION_MAX_LENGTH,
                help_text=_("Feiten, geen indrukken: wat is gezien, gezegd of gedaan, en "
                            "wanneer. Verplicht bij elk oordeel behalve 'onbekend'."),
            )
            self.fields[criterion_field(n, "source")] = forms.CharField(
                label=_("Bron"),
                max_length=300,
                required=False,
                help_text=_("Waar komen de feiten vandaan (registratie, gesprek, melding)?"),
            )
            if kind == AssessmentKind.JOINT and partners is not None:
                self.fields[criterion_field(n, "source_partner")] = forms.ModelChoiceField(
                    label=_("Bronpartner"),
                    queryset=partners,
                    required=False,
                    empty_label=_("(geen partner gekozen)"),
                )
        for indicator in framework.indicators.all():
            n = indicator.number
            for part in ("observed_facts", "protective_factors"):
                self._label_prefixes[indicator_field(n, part)] = f"{indicator.title} — "
            self.fields[indicator_field(n, "observed_facts")] = _text(
                _("Waargenomen feiten"), OBSERVATION_MAX_LENGTH, rows=2
            )
            self.fields[indicator_field(n, "protective_factors")] = _text(
                _("Beschermende factoren"), OBSERVATION_MAX_LENGTH, rows=2
            )
        if kind == AssessmentKind.JOINT:
            # Required, but checked by the service, so that its error comes together with
            # those on the criteria instead of one submission later.
            self.fields["conclusion"] = _text(
                _("Conclusie van de weegploeg"),
                CONCLUSION_MAX_LENGTH,
                rows=6,
                help_text=_("Verplicht. Een geschreven afweging van het geheel. De criteria "
                            "worden niet opgeteld: ze zijn geen checklist."),
            )
        else:
            self.fields["conclusion"] = _text(
                _("Toelichting van de partner"), CONCLUSION_MAX_LENGTH, rows=4
            )
            self.fields["visibility"] = forms.ChoiceField(
                label=_("Wie mag deze weging zien?"),
                choices=ContributionVisibility.choices,
                initial=ContributionVisibility.WEEGPLOEG,
                widget=forms.RadioSelect,
                help_text=_("Afgeschermd: de andere partners zien alleen dát uw organisatie "
                            "een weging heeft vastgelegd, niet de inhoud."),
            )

    def _initial(self, previous):
        """Start from the current assessment of the same kind (and partner), if it was made
        under the same version: a re-assessment changes what changed."""
        if previous is None or previous.framework_id != self.framework.pk:
            return {}
        initial = {"conclusion": previous.conclusion, "visibility": previous.visibility}
        for judgement in previous.judgements.all():
            n = judgement.criterion.number
            initial[criterion_field(n, "scale_value")] = judgement.scale_value_id
            initial[criterion_field(n, "substantiation")] = judgement.substantiation
            initial[criterion_field(n, "source")] = judgement.source
            initial[criterion_field(n, "source_partner")] = judgement.source_partner_id
        for observation in previous.observations.all():
            n = observation.indicator.number
            initial[indicator_field(n, "observed_facts")] = observation.observed_facts
            initial[indicator_field(n, "protective_factors")] = observation.protective_factors
        return initial

    def clean(self):
        data = super().clean()
        if data.get("framework_version") != self.framework.version:
            # Shown above the form: the hidden field has no place of its own.
            self.add_error(None, forms.ValidationError(
                _("Het referentiekader is intussen vernieuwd (nu versie %(version)s). Controleer "
                  "uw oordelen op de nieuwe schalen en sla opnieuw op."),
                params={"version": self.framework.version},
            ))
        return data

    def criterion_sections(self):
        """Per criterion its bound fields, for the template."""
        sections = []
        for criterion in self.framework.criteria.all():
            n = criterion.number
            source_partner = criterion_field(n, "source_partner")
            sections.append({
                "criterion": criterion,
                "scale_value": self[criterion_field(n, "scale_value")],
                "substantiation": self[criterion_field(n, "substantiation")],
                "source": self[criterion_field(n, "source")],
                "source_partner": self[source_partner] if source_partner in self.fields else None,
            })
        return sections

    def has_observations(self) -> bool:
        """Whether any development area holds text (the template then opens that part)."""
        return any(
            self[indicator_field(i.number, part)].value()
            for i in self.framework.indicators.all()
            for part in ("observed_facts", "protective_factors")
        )

    def indicator_sections(self):
        return [
            {
                "indicator": indicator,
                "observed_facts": self[indicator_field(indicator.number, "observed_facts")],
                "protective_factors": self[
                    indicator_field(indicator.number, "protective_factors")
                ],
            }
            for indicator in self.framework.indicators.all()
        ]

    def judgements(self) -> list[JudgementInput]:
        data = self.cleaned_data
        result = []
        for criterion in self.framework.criteria.all():
            n = criterion.number
            partner = data.get(criterion_field(n, "source_partner"))
            result.append(JudgementInput(
                criterion=n,
                scale_value=data.get(criterion_field(n, "scale_value")),
                substantiation=data.get(criterion_field(n, "substantiation"), ""),
                source=data.get(criterion_field(n, "source"), ""),
                source_partner=partner.pk if partner is not None else None,
            ))
        return result

    def observations(self) -> list[ObservationInput]:
        data = self.cleaned_data
        return [
            ObservationInput(
                indicator=i.number,
                observed_facts=data.get(indicator_field(i.number, "observed_facts"), ""),
                protective_factors=data.get(indicator_field(i.number, "protective_factors"), ""),
            )
            for i in self.framework.indicators.all()
        ]


class FrameworkDraftForm(ErrorSummaryMixin, forms.Form):
    """The wording of a draft version: per criterion title, description, guidance questions
    and scale labels (one extra empty field adds a value, emptying a field removes it); per
    development area title and description (one extra row adds one)."""

    notes = _text(
        _("Toelichting bij deze versie"),
        FRAMEWORK_TEXT_MAX_LENGTH,
        help_text=_("Wat is er veranderd ten opzichte van de vorige versie, en waarom. Wordt "
                    "gepubliceerd in de versiegeschiedenis."),
    )

    def __init__(self, data=None, *, framework: Framework):
        self.framework = framework
        super().__init__(data, initial={"notes": framework.notes})
        self._scale_fields: dict[int, list[str]] = {}
        self._label_prefixes = {}
        for criterion in framework.criteria.all():
            n = criterion.number
            prefix = _("Criterium %(number)s — ") % {"number": n}
            self.fields[criterion_field(n, "title")] = forms.CharField(
                label=_("Titel"), max_length=200, initial=criterion.title
            )
            self.fields[criterion_field(n, "description")] = _text(
                _("Omschrijving"), FRAMEWORK_TEXT_MAX_LENGTH, required=True
            )
            self.fields[criterion_field(n, "description")].initial = criterion.description
            self.fields[criterion_field(n, "guidance_questions")] = _text(
                _("Richtvragen"), FRAMEWORK_TEXT_MAX_LENGTH, help_text=_("Eén vraag per regel.")
            )
            self.fields[criterion_field(n, "guidance_questions")].initial = (
                criterion.guidance_questions
            )
            ordinal = [v for v in criterion.scale_values.all() if not v.is_unknown]
            names = []
            for index, value in enumerate([*ordinal, None], start=1):
                name = criterion_field(n, f"scale-{index}")
                self.fields[name] = forms.CharField(
                    label=_("Waarde %(index)s") % {"index": index}
                    if value is not None
                    else _("Nieuwe waarde (achteraan de schaal)"),
                    max_length=200,
                    required=False,
                    initial=value.label if value is not None else "",
                )
                names.append(name)
            self._scale_fields[n] = names
            for name in [*names, *(criterion_field(n, p) for p in (
                    "title", "description", "guidance_questions", "unknown"))]:
                self._label_prefixes[name] = prefix
            unknown = next((v for v in criterion.scale_values.all() if v.is_unknown), None)
            self.fields[criterion_field(n, "unknown")] = forms.CharField(
                label=_("Waarde voor onbekend"),
                max_length=200,
                initial=unknown.label if unknown else "onbekend / onvoldoende informatie",
            )
        indicators = list(framework.indicators.all())
        self._indicator_numbers = list(range(1, len(indicators) + 2))
        for number, indicator in zip(self._indicator_numbers, [*indicators, None], strict=True):
            prefix = _("Ontwikkelgebied %(number)s — ") % {"number": number}
            self._label_prefixes[indicator_field(number, "title")] = prefix
            self._label_prefixes[indicator_field(number, "description")] = prefix
            self.fields[indicator_field(number, "title")] = forms.CharField(
                label=_("Titel") if indicator else _("Nieuw ontwikkelgebied"),
                max_length=200,
                required=False,
                initial=indicator.title if indicator else "",
            )
            self.fields[indicator_field(number, "description")] = _text(
                _("Omschrijving"), FRAMEWORK_TEXT_MAX_LENGTH, rows=2
            )
            self.fields[indicator_field(number, "description")].initial = (
                indicator.description if indicator else ""
            )

    def criterion_sections(self):
        return [
            {
                "criterion": criterion,
                "fields": [
                    self[criterion_field(criterion.number, part)]
                    for part in ("title", "description", "guidance_questions")
                ],
                "scale": [self[name] for name in self._scale_fields[criterion.number]],
                "unknown": self[criterion_field(criterion.number, "unknown")],
            }
            for criterion in self.framework.criteria.all()
        ]

    def indicator_sections(self):
        return [
            (self[indicator_field(n, "title")], self[indicator_field(n, "description")])
            for n in self._indicator_numbers
        ]

    def criteria(self) -> list[CriterionInput]:
        data = self.cleaned_data
        return [
            CriterionInput(
                number=n,
                title=data[criterion_field(n, "title")],
                description=data[criterion_field(n, "description")],
                guidance_questions=data[criterion_field(n, "guidance_questions")],
                scale_labels=[data[name] for name in self._scale_fields[n]],
                unknown_label=data[criterion_field(n, "unknown")],
            )
            for n in self._scale_fields
        ]

    def indicators(self) -> list[IndicatorInput]:
        data = self.cleaned_data
        return [
            IndicatorInput(
                number=n,
                title=data[indicator_field(n, "title")],
                description=data[indicator_field(n, "description")],
            )
            for n in self._indicator_numbers
        ]
