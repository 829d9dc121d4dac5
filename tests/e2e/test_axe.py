"""The accessibility checks themselves (`tests.e2e.axe`) catch what they are meant to catch:
a serious or critical axe-core finding, and a page wider than a phone."""

import pytest

from tests.e2e.axe import PHONE, assert_accessible, assert_no_horizontal_scroll, axe_context

pytestmark = pytest.mark.e2e

ACCESSIBLE = """<!doctype html><html lang="nl"><head><title>Proef</title></head><body>
<main><h1>Proef</h1><label for="naam">Naam</label><input id="naam" type="text"></main>
</body></html>"""


def test_an_accessible_page_passes_and_a_field_without_label_fails(browser):
    page = axe_context(browser).new_page()
    page.set_content(ACCESSIBLE)
    assert_accessible(page, "proefpagina")
    page.set_content(ACCESSIBLE.replace('<label for="naam">Naam</label>', ""))
    with pytest.raises(AssertionError, match="label"):
        assert_accessible(page, "proefpagina zonder label")


def test_a_page_wider_than_a_phone_fails(browser):
    page = axe_context(browser, PHONE).new_page()
    page.set_content(ACCESSIBLE)
    assert_no_horizontal_scroll(page, "proefpagina")
    wide = '<pre id="breed">' + "x" * 200 + "</pre></main>"
    page.set_content(ACCESSIBLE.replace("</main>", wide))
    with pytest.raises(AssertionError, match="pre#breed"):
        assert_no_horizontal_scroll(page, "brede proefpagina")
