"""Sections that later apps add to the signal page — the weging, the decisions, the
notification of the person — registered from their AppConfig.ready(), so that `signals`
needs no import of them (docs/design.md §4.1: dependencies point one way)."""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Section:
    template: str
    context: Callable
    annotations: Callable | None = None


_SECTIONS: list[Section] = []


def register(template: str, context: Callable, annotations: Callable | None = None) -> None:
    """Show `template` on the signal page (weegploeg view), rendered with the page's context
    plus `context(user, signal)`, which reads what the section shows with a fixed number of
    queries (`select_related`, `prefetch_related`), whatever the length of its lists.

    A section whose facts are single values of the signal row (an `Exists`, a `Subquery`)
    gives them as `annotations(user)`, a dict of expressions over `Signal`: the page reads
    them with the signal itself (`signal_annotations`), so `context` needs no query of its
    own."""
    section = Section(template, context, annotations)
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def signal_annotations(user) -> dict:
    """The expressions the sections read on the signal row, for the page's one read of the
    signal (`signals.access.get_visible_signal`)."""
    expressions: dict = {}
    for section in _SECTIONS:
        if section.annotations is not None:
            expressions.update(section.annotations(user))
    return expressions


def page_sections(user, signal) -> tuple[list[str], dict]:
    """The templates to include, in registration order, and the context they need."""
    extra: dict = {}
    for section in _SECTIONS:
        extra.update(section.context(user, signal))
    return [section.template for section in _SECTIONS], extra
