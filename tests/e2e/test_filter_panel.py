"""Filters fold away on a phone (issue 22, deliver 4): a filter panel that the template marks
`data-fold-narrow` (no filter in use) is closed at 390 px by static/js/filter-panel.js and stays
open on a desktop; a panel with a filter in use stays open everywhere."""

from pathlib import Path

import pytest

from tests.e2e.axe import DESKTOP, PHONE, assert_accessible, axe_context

pytestmark = pytest.mark.e2e

SCRIPT = Path(__file__).resolve().parents[2] / "static" / "js" / "filter-panel.js"
PAGE = """<!doctype html><html lang="nl"><head><title>Wachtrij</title></head><body><main>
<h1>Wachtrij</h1>
<details class="filter-panel" id="{id}" open{fold}><summary>Filters en zoeken</summary>
<form><label for="q">Zoek</label><input id="q" type="text"></form></details>
</main></body></html>"""


def panel_open(browser, size, fold: bool) -> bool:
    page = axe_context(browser, size).new_page()
    page.set_content(PAGE.format(id="paneel", fold=" data-fold-narrow" if fold else ""))
    page.add_script_tag(path=str(SCRIPT))
    page.evaluate("() => document.dispatchEvent(new Event('DOMContentLoaded'))")
    assert_accessible(page, "filterpaneel")
    return page.evaluate("() => document.getElementById('paneel').open")


def test_unused_filters_fold_away_on_a_phone_only(browser):
    assert panel_open(browser, PHONE, fold=True) is False
    assert panel_open(browser, DESKTOP, fold=True) is True


def test_filters_in_use_stay_open_on_a_phone(browser):
    assert panel_open(browser, PHONE, fold=False) is True
