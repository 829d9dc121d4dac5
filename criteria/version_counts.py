"""Next to each published version of the referentiekader, the public page shows an anonymous
count of the outcomes reached under it (docs/design.md §3 rule 13). Outcomes are decisions,
which live in a higher app: that app registers the counter here when it starts
(`register`), as `signals.sections` lets higher apps add to the signal page. The counter
returns, per framework id, (label, shown count) pairs with small counts already suppressed."""

_counters = []


def register(counter) -> None:
    """`counter()` gives {framework id: [(label, shown), ...]}."""
    if counter not in _counters:
        _counters.append(counter)


def outcome_counts() -> dict:
    counts = {}
    for counter in _counters:
        for framework_id, rows in counter().items():
            counts.setdefault(framework_id, []).extend(rows)
    return counts
