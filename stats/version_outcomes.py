"""The anonymous count of outcomes per version of the referentiekader on the public page
(issue 20, docs/design.md §3 rule 13), registered with `criteria.version_counts`.

An outcome counts under the version of the joint weging the weegploeg had at the time of
the decision (`weegploeg.record_content.joints_in_force`, the rule the decision record and
the conformance report follow too): decisions casusoverleg and geen casusoverleg that
are not corrections, over every weegploeg. Signals purged since are not counted (a
tombstone keeps no weging). A count below `stats.services.SUPPRESS_BELOW` is shown as "<5";
a version without any is shown without counts."""

from django.db.models import Count, OuterRef, Subquery

from stats.conformance import Cell
from weegploeg.models import Decision, Outcome
from weegploeg.record_content import joints_in_force

COUNTED = (Outcome.CASUSOVERLEG, Outcome.NO_CASUSOVERLEG)


def outcomes_per_version() -> dict:
    """{framework id: [(outcome label, shown count), ...]} for the public page."""
    joint_at_decision = joints_in_force(OuterRef("signal"), OuterRef("taken_at")).values(
        "framework_id")[:1]
    rows = (Decision.objects.filter(corrects__isnull=True, outcome__in=COUNTED)
            .annotate(framework_id=Subquery(joint_at_decision))
            .exclude(framework_id=None)
            .values("framework_id", "outcome").annotate(n=Count("pk")).order_by())
    counts = {}
    for row in rows:
        counts.setdefault(row["framework_id"], {})[row["outcome"]] = row["n"]
    return {
        framework_id: [(Outcome(outcome).label, str(Cell(per_outcome.get(outcome, 0))))
                       for outcome in COUNTED]
        for framework_id, per_outcome in counts.items()
    }
