"""A table becomes stacked rows on a phone (issue 22, deliver 4): each value under its column
header (`data-label`, set by static/js/stacked-tables.js and shown by static/css/app.css),
with the table's roles kept for screen readers, no horizontal scrolling and no axe-core
finding; on a desktop it stays an ordinary table. The page loads the app's own stylesheets and
script from static/, as base.html does."""

from pathlib import Path

import pytest

from tests.e2e.axe import (
    DESKTOP,
    PHONE,
    assert_accessible,
    assert_no_horizontal_scroll,
    axe_context,
)

pytestmark = pytest.mark.e2e

STATIC = Path(__file__).resolve().parents[2] / "static"
STYLESHEETS = ("vendor/utrecht/component-library.css", "vendor/utrecht/html.css",
               "css/theme.css", "css/app.css")
HEADERS = ["Referentie", "Betrokkene", "Ontvangen", "Wacht", "Fenomeen", "Bron", "Status"]
ROW = ["WP0-2026-000004", "Mohammed van den Berg-Overschie", "02-11-2026", "4 weken",
       "Rechts-extremisme", "Professional (Onderwijs)", "In voorbereiding"]
PAGE = f"""<!doctype html><html lang="nl" class="utrecht-html"><head><title>Wachtrij</title>
</head><body><main><h1>Wachtrij</h1>
<div class="table-scroll" role="region" aria-label="Tabel" tabindex="0"><table>
<caption>3 signalen</caption>
<thead><tr>{''.join(f'<th scope="col">{header}</th>' for header in HEADERS)}</tr></thead>
<tbody>{''.join(f'<tr>{"".join(f"<td>{value}</td>" for value in ROW)}</tr>' for _ in range(3))}
<tr><td colspan="{len(HEADERS)}">Geen verdere signalen.</td></tr></tbody>
</table></div></main></body></html>"""


def load(page):
    page.set_content(PAGE)
    for stylesheet in STYLESHEETS:
        css = (STATIC / stylesheet).read_text().replace('@charset "UTF-8";', "")
        if stylesheet.startswith("vendor/"):
            css = f"@layer utrecht {{\n{css}\n}}"  # as css/nlds.css imports them
        page.add_style_tag(content=css)
    page.add_script_tag(path=str(STATIC / "js" / "stacked-tables.js"))
    # The script waits for DOMContentLoaded, which set_content has already fired.
    page.evaluate("() => document.dispatchEvent(new Event('DOMContentLoaded'))")


CELLS = """() => [...document.querySelectorAll('tbody td')].map((td) => ({
  label: td.dataset.label || null, role: td.getAttribute('role'),
  display: getComputedStyle(td).display,
  shown: getComputedStyle(td, '::before').content}))"""


def test_a_table_becomes_stacked_rows_with_its_column_headers_on_a_phone(browser):
    page = axe_context(browser, PHONE).new_page()
    load(page)
    cells = page.evaluate(CELLS)
    data_cells, full_row = cells[:-1], cells[-1]
    assert [cell["label"] for cell in data_cells] == HEADERS * 3
    assert all(cell["display"] == "block" and cell["role"] == "cell" for cell in data_cells)
    assert all(cell["label"] in cell["shown"] for cell in data_cells)
    assert full_row["label"] is None  # a cell spanning the row needs no header
    assert page.evaluate("() => document.querySelector('table').getAttribute('role')") == "table"
    assert page.evaluate("() => [...document.querySelectorAll('thead th')]"
                         ".every((th) => th.getAttribute('role') === 'columnheader')")
    assert_no_horizontal_scroll(page, "gestapelde tabel")
    assert_accessible(page, "gestapelde tabel")


def test_on_a_desktop_the_table_stays_a_table(browser):
    page = axe_context(browser, DESKTOP).new_page()
    load(page)
    assert {cell["display"] for cell in page.evaluate(CELLS)} == {"table-cell"}
    assert_accessible(page, "tabel")
