"""Accessibility checks for the browser tests, for every page (WCAG 2.1 AA): axe-core run in
the page, and no horizontal scrolling on a phone.

axe-core is a test dependency from the npm registry (`package.json`, `package-lock.json` at the
repository root; `make test` and `.ci/run` install it with `npm ci` into `node_modules/`). It is
loaded from disk into the page (`page.add_script_tag(path=...)`), never from a CDN. The page's
Content-Security-Policy forbids inline scripts, so a context that runs axe is made with
`bypass_csp=True` (`axe_context`); the app's own pages are unchanged.

Use:

    context = axe_context(browser, width)        # width: one of WIDTHS
    page = context.new_page()
    page.goto(url)
    check_page(page, "meldpuntformulier")         # axe, and at 390 px no horizontal scroll
"""

import json
import os
from pathlib import Path

import pytest

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
MISSING_AXE = (
    "axe-core ontbreekt voor de toegankelijkheidscontrole: draai `npm ci` in de hoofdmap "
    "(make test doet dat zelf als npm aanwezig is)."
)
# Desktop and a phone (iPhone 12-15 width): the widths every page is checked at.
DESKTOP, PHONE = 1280, 390
WIDTHS = (DESKTOP, PHONE)
# A 1280-px window at 200 % zoom (WCAG 1.4.4/1.4.10): the page lays out in 640 CSS px, as the
# browser does at zoom factor 2 (device scale factor 2); no horizontal scrolling there either.
ZOOMED = DESKTOP // 2
# What a test fails on; minor and moderate findings are reported in the message only.
FAILING_IMPACTS = ("serious", "critical")
# The rules of the standard the product promises (WCAG 2.1 A and AA).
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def axe_script() -> Path:
    """The axe-core file; skips the test without it, except in CI, where it fails (there
    `.ci/run` installs it, and a silently skipped check would hide that it never ran)."""
    if not AXE_SCRIPT.is_file():
        if os.environ.get("CI") == "true":
            pytest.fail(MISSING_AXE, pytrace=False)
        pytest.skip(MISSING_AXE)
    return AXE_SCRIPT


def axe_context(browser, width: int = DESKTOP, **options):
    """A Dutch browser context `width` pixels wide in which axe can run (JavaScript on,
    the CSP bypassed for the injected script only)."""
    axe_script()
    context = browser.new_context(locale="nl-NL", bypass_csp=True,
                                  viewport={"width": width, "height": 900}, **options)
    context.set_default_timeout(15_000)
    return context


def axe_violations(page) -> list[dict]:
    """axe-core's violations of WCAG 2.1 A/AA on the page as it is now."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_script()))
    results = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_TAGS,
    )
    return results["violations"]


def _describe(violations) -> str:
    return json.dumps(
        [{"rule": v["id"], "impact": v["impact"], "help": v["help"],
          "nodes": [n["target"] for n in v["nodes"]][:5]} for v in violations],
        indent=2, ensure_ascii=False)


def assert_accessible(page, name: str = "") -> None:
    """Fail on any axe-core violation of impact serious or critical."""
    violations = axe_violations(page)
    failing = [v for v in violations if v["impact"] in FAILING_IMPACTS]
    assert not failing, (
        f"axe-core op {name or page.url} ({page.viewport_size['width']} px):\n"
        f"{_describe(failing)}\nOverige bevindingen:\n"
        f"{_describe([v for v in violations if v not in failing])}"
    )


def assert_no_horizontal_scroll(page, name: str = "") -> None:
    """Fail when the page is wider than the window (WCAG 1.4.10 reflow: at 320 CSS px
    nothing but tables and the like may need scrolling sideways)."""
    scroll_width, client_width = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert scroll_width <= client_width, (
        f"{name or page.url} scrolt horizontaal bij {client_width} px: de pagina is "
        f"{scroll_width} px breed; te breed: {wide_elements(page)}")


def wide_elements(page) -> list[str]:
    """The innermost elements that stick out to the right of the window (at most 8)."""
    return page.evaluate(_WIDE_ELEMENTS)


# The innermost elements that stick out to the right (their box or their content, such as a
# long word): where to look when a page scrolls.
_WIDE_ELEMENTS = """() => {
  const limit = document.documentElement.clientWidth;
  const right = (el) => Math.max(el.getBoundingClientRect().right,
                                 el.getBoundingClientRect().left + el.scrollWidth);
  const wide = [...document.body.querySelectorAll('*')].filter((el) => right(el) > limit + 1);
  const innermost = wide.filter((el) => !wide.some((other) => other !== el && el.contains(other)));
  const name = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className.trim()
      ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  return innermost.slice(0, 8).map((el) => `${name(el)} (${Math.round(right(el))} px)`);
}"""


def check_page(page, name: str = "") -> None:
    """axe at every width; at a phone's width also no horizontal scrolling."""
    assert_accessible(page, name)
    if page.viewport_size["width"] <= PHONE:
        assert_no_horizontal_scroll(page, name)
