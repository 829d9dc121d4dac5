"""Sections that later apps add to the signal page — the weging, the decisions, the
notification of the person — registered from their AppConfig.ready(), so that `signals`
needs no import of them (docs/design.md §4.1: dependencies point one way)."""

import dataclasses
from collections.abc import Callable


@dataclasses.dataclass(frozen=True)
class Section:
    template: str
    context: Callable
    rows: Callable | None = None


_SECTIONS: list[Section] = []


def register(template: str, context: Callable, rows: Callable | None = None) -> None:
    """Show `template` on the signal page (weegploeg view), rendered with the page's context
    plus `context(user, signal)`. `rows(user)` names the short lists the section shows
    (`pga.nested.Rows`), read in the page's one query of lists; `context` finds them in
    `signal.page_rows`."""
    section = Section(template, context, rows)
    if section not in _SECTIONS:
        _SECTIONS.append(section)


def section_rows(user) -> dict:
    """The lists of all sections, to read in one query (`pga.nested.read`)."""
    rows: dict = {}
    for section in _SECTIONS:
        if section.rows is not None:
            rows.update(section.rows(user))
    return rows


def page_sections(user, signal) -> tuple[list[str], dict]:
    """The templates to include, in registration order, and the context they need."""
    extra: dict = {}
    for section in _SECTIONS:
        extra.update(section.context(user, signal))
    return [section.template for section in _SECTIONS], extra
