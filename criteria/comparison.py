"""The partner wegingen side by side, for the joint weging (issue 18): per criterion what each
core partner judged and on which facts, where they agree and where they differ. Reads only."""

import dataclasses

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from criteria.inputs import criterion_field
from criteria.models import SUBSTANTIATION_MAX_LENGTH, AssessmentKind, Judgement
from pga.models import Partner
from pga.services import RuleViolation
from signals.services import core_partner_ids


@dataclasses.dataclass(frozen=True)
class Cell:
    """One partner's judgement on one criterion; `shielded` hides it (own partner only),
    `judgement` is None when the partner has not judged it (or has no weging)."""

    partner: Partner
    judgement: Judgement | None
    shielded: bool = False
    recorded: bool = False


@dataclasses.dataclass(frozen=True)
class Row:
    criterion: object
    cells: list[Cell]

    @property
    def agreed(self):
        """The scale value every core partner gave, or None: agreement needs all of them,
        each with a visible judgement on this criterion."""
        values = {cell.judgement.scale_value_id if cell.judgement else None
                  for cell in self.cells if not cell.shielded}
        if (not self.cells or any(cell.shielded or cell.judgement is None for cell in self.cells)
                or len(values) != 1):
            return None
        return self.cells[0].judgement.scale_value

    @property
    def note(self) -> str:
        if self.agreed is not None:
            return _("Eens: %(value)s (ingevuld)") % {"value": self.agreed.label}
        if self.differs:
            return _("Verschil tussen de partners")
        return _("Nog niet van elke partner")

    @property
    def differs(self) -> bool:
        """At least two partners judged this criterion visibly, with different values."""
        values = {cell.judgement.scale_value_id for cell in self.cells
                  if cell.judgement is not None and not cell.shielded}
        return len(values) > 1


def _partners(signal):
    try:
        ids = core_partner_ids(signal)
    except RuleViolation:
        return list(signal.weegploeg.partners().order_by("kind", "name"))
    by_pk = Partner.objects.in_bulk(ids)
    return [by_pk[pk] for pk in ids if pk in by_pk]


def current_partner_views(signal, framework):
    """Each core partner's current weging under `framework` (others cannot be compared
    criterion by criterion), by partner."""
    views = signal.assessments.filter(
        kind=AssessmentKind.PARTNER, superseded_by__isnull=True, framework=framework
    ).select_related("partner").prefetch_related(
        Prefetch("judgements", Judgement.objects.select_related("criterion", "scale_value"))
    )
    return {view.partner_id: view for view in views}


def partner_comparison(user, signal, framework) -> tuple[list[Row], list]:
    """The 5 × 3 comparison (criterion × core partner) and the partner wegingen whose
    content it shows (the caller records those reads). A weging marked "own partner only" is
    shown to the other partners as existing, without content (`is_shielded_for`)."""
    partners = _partners(signal)
    views = current_partner_views(signal, framework)
    shown = [view for view in views.values() if not view.is_shielded_for(user.partner_id)]
    rows = []
    for criterion in framework.criteria.all():
        cells = []
        for partner in partners:
            view = views.get(partner.pk)
            if view is None:
                cells.append(Cell(partner, None))
                continue
            shielded = view.is_shielded_for(user.partner_id)
            judgement = None if shielded else next(
                (j for j in view.judgements.all() if j.criterion_id == criterion.pk), None)
            cells.append(Cell(partner, judgement, shielded=shielded, recorded=True))
        rows.append(Row(criterion, cells))
    return rows, shown


@dataclasses.dataclass(frozen=True)
class Difference:
    """A criterion on which a partner's own weging differs from the joint weging."""

    partner: Partner
    criterion: object
    partner_value: object
    joint_value: object


def joint_differences(joint, partner_views) -> list[Difference]:
    """Where the visible partner wegingen (`partner_views`: (assessment, shielded) pairs)
    differ from the joint weging `joint`, criterion by criterion (issue 20: consistency of
    the weighing). Only wegingen under the joint's version compare; a shielded one shows
    nothing."""
    if joint is None:
        return []
    joint_values = {j.criterion_id: j.scale_value for j in joint.judgements.all()}
    differences = []
    for view, shielded in partner_views:
        if shielded or view.framework_id != joint.framework_id:
            continue
        for judgement in view.judgements.all():
            joint_value = joint_values.get(judgement.criterion_id)
            if joint_value is not None and joint_value.pk != judgement.scale_value_id:
                differences.append(Difference(view.partner, judgement.criterion,
                                              judgement.scale_value, joint_value))
    return sorted(differences, key=lambda d: (d.criterion.number, d.partner.name))


def prefill(rows: list[Row]) -> dict:
    """Initial values for the joint weging where the partners agree: the agreed value, and
    as substantiation and source what each partner wrote, after its name — a start that the
    weegploeg edits, never a total."""
    initial = {}
    for row in rows:
        value = row.agreed
        if value is None:
            continue
        n = row.criterion.number
        initial[criterion_field(n, "scale_value")] = value.pk
        initial[criterion_field(n, "substantiation")] = "\n".join(
            f"{cell.partner.name}: {cell.judgement.substantiation}"
            for cell in row.cells if cell.judgement.substantiation.strip()
        )[:SUBSTANTIATION_MAX_LENGTH]
        sources = []
        for cell in row.cells:
            if cell.judgement.source.strip() and cell.judgement.source not in sources:
                sources.append(cell.judgement.source)
        initial[criterion_field(n, "source")] = "; ".join(sources)[:300]
    return initial


