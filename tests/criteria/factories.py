"""Helpers for the weging: the seeded framework's values, complete judgements, and the POST
data of the assessment form (fields `c{N}-scale_value`, `c{N}-substantiation`, ...)."""

from criteria.inputs import JudgementInput
from criteria.models import Framework, FrameworkStatus, ScaleValue

SUBSTANTIATION = "Op 12 oktober in de klas gezegd; bevestigd door de mentor."


def published() -> Framework:
    return Framework.objects.get(status=FrameworkStatus.PUBLISHED)


def scale_value(number: int, position: int = 1, framework=None) -> ScaleValue:
    """Value `position` (1 = least concern) of criterion `number`; position 0 = onbekend."""
    framework = framework or published()
    return ScaleValue.objects.get(
        criterion__framework=framework, criterion__number=number, position=position
    )


def unknown(number: int, framework=None) -> ScaleValue:
    return scale_value(number, 0, framework)


def judgements(position: int = 2, framework=None, skip=(), **per_criterion) -> list:
    """A judgement with substantiation for each of the five criteria (except `skip`);
    `c3=JudgementInput(...)` replaces the one for criterion 3."""
    result = []
    for number in range(1, 6):
        if number in skip:
            continue
        result.append(per_criterion.get(f"c{number}") or JudgementInput(
            criterion=number,
            scale_value=scale_value(number, position, framework).pk,
            substantiation=SUBSTANTIATION,
            source="Mentor, gesprek 12-10",
        ))
    return result


def form_data(position: int = 2, framework=None, conclusion="", **fields) -> dict:
    """POST data of the assessment form with every criterion judged."""
    framework = framework or published()
    data = {"framework_version": framework.version, "conclusion": conclusion,
            "visibility": "weegploeg"}
    for number in range(1, 6):
        data[f"c{number}-scale_value"] = scale_value(number, position, framework).pk
        data[f"c{number}-substantiation"] = SUBSTANTIATION
        data[f"c{number}-source"] = "Mentor"
    data.update(fields)
    return data
