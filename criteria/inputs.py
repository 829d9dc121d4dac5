"""What the forms of the weging and of the framework draft hand to the rules, and how a
refusal names the fields it is about.

- A criterion's form fields are named `c<number>-<part>` (`criterion_field`), an
  indicator's `i<number>-<part>` (`indicator_field`); the rules name their errors so, and the
  views put each error next to its own field.
- `InvalidInput` means that nothing has been saved: the whole change is refused at once,
  with one message per field.
"""

import dataclasses

from django.utils.translation import gettext as _

from pga.services import RuleViolation


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
