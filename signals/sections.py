"""Sections that later apps add to the signal page — the weging, the decisions, the
notification of the person — registered from their AppConfig.ready(), so that `signals`
needs no import of them (docs/design.md §4.1: dependencies point one way)."""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Section:
    template: str
    context: Callable


_SECTIONS: list[Section] = []


def register(template: str, context: Callable) -> None:
    """Show `template` on the signal page (weegploeg view), rendered with the page's context
    plus `context(user, signal)`, which reads what the section shows with a fixed number of
    queries (`select_related`, `prefetch_related`), whatever the length of its lists."""
    section = Section(template, context)
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def page_sections(user, signal) -> tuple[list[str], dict]:
    """The templates to include, in registration order, and the context they need."""
    extra: dict = {}
    for section in _SECTIONS:
        extra.update(section.context(user, signal))
    return [section.template for section in _SECTIONS], extra
