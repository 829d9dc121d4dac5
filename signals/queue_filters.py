"""Filters that later apps add to the queue — "wacht op mijn organisatie" is a question about
the weging, which lives in `criteria` — registered from their AppConfig.ready(), as
`signals.sections` does for the signal page, so that `signals` needs no import of them
(docs/design.md §4.1: dependencies point one way)."""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class QueueFilter:
    name: str
    label: str
    apply: Callable


_FILTERS: dict[str, QueueFilter] = {}


def register(name: str, label: str, apply: Callable) -> None:
    """Offer a checkbox `name` (shown with `label`) on the queue form; when ticked, the
    queue becomes `apply(user, signals)`. `apply` narrows the queryset with a filter (an
    `Exists` or a join), never by reading rows, so the queue's query count stays constant
    in the page size."""
    _FILTERS.setdefault(name, QueueFilter(name, label, apply))


def registered() -> list[QueueFilter]:
    """The registered filters, in registration order."""
    return list(_FILTERS.values())


def narrow(user, signals, chosen: dict):
    """`signals` narrowed by each registered filter ticked in `chosen` (name → bool)."""
    for queue_filter in _FILTERS.values():
        if chosen.get(queue_filter.name):
            signals = queue_filter.apply(user, signals)
    return signals
