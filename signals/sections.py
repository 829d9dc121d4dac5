"""Sections that later apps add to the signal page — the weging, the decisions, the
notification of the person — registered from their AppConfig.ready(), so that `signals`
needs no import of them (DESIGN.md §4: dependencies point one way)."""

from collections.abc import Callable

_SECTIONS: list[tuple[str, Callable]] = []


def register(template: str, context: Callable) -> None:
    """Show `template` on the signal page (weegploeg view), rendered with the page's context
    plus `context(user, signal)`."""
    if (template, context) not in _SECTIONS:
        _SECTIONS.append((template, context))


def page_sections(user, signal) -> tuple[list[str], dict]:
    """The templates to include, in registration order, and the context they need."""
    extra: dict = {}
    for _template, context in _SECTIONS:
        extra.update(context(user, signal))
    return [template for template, _context in _SECTIONS], extra
