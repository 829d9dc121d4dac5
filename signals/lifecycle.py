"""The moments in a signal's life that later apps act on: an outcome is reached, which starts
(or restarts) the retention clock (docs/design.md §3 rule 8); a dossier is transferred to
another weegploeg, after which the sender keeps only the Transfer row (rule 10).

Dependencies point one way (docs/design.md §4.1): `signals` and `weegploeg` call `outcome_reached`
without knowing who listens; `retention` subscribes from its AppConfig.ready(). Plain
function calls, in the caller's transaction — not Django model signals — so a failing
subscriber fails the state change instead of leaving a signal without a deletion date.
"""

import datetime
from collections.abc import Callable

_SUBSCRIBERS: list[Callable] = []
_TRANSFER_SUBSCRIBERS: list[Callable] = []


def subscribe(callback: Callable) -> None:
    """Call `callback(signal, outcome, at, new_weighing=…)` whenever a signal reaches an outcome."""
    if callback not in _SUBSCRIBERS:
        _SUBSCRIBERS.append(callback)


def outcome_reached(signal, outcome: str, at: datetime.datetime, *,
                    new_weighing: bool = False) -> None:
    """`signal` reached `outcome` at `at`: a decision's outcome ("casusoverleg",
    "no_casusoverleg", "more_information", also when a decision is corrected) or
    "withdrawn". `new_weighing`: the decision ends a re-weighing of a decided case."""
    for callback in _SUBSCRIBERS:
        callback(signal, outcome, at, new_weighing=new_weighing)


def subscribe_transfer(callback: Callable) -> None:
    """Call `callback(signal, from_weegploeg_id)` whenever a dossier is transferred."""
    if callback not in _TRANSFER_SUBSCRIBERS:
        _TRANSFER_SUBSCRIBERS.append(callback)


def transferred(signal, from_weegploeg_id: int) -> None:
    """`signal`'s dossier went from weegploeg `from_weegploeg_id` to `signal.weegploeg`."""
    for callback in _TRANSFER_SUBSCRIBERS:
        callback(signal, from_weegploeg_id)
