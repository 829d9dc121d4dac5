"""Every page of the crawl passes axe-core as each role, at desktop and phone width (issue 22,
deliver 7). The pages are those of the security tests: every URL pattern
(`tests.security.test_permission_matrix.PATTERNS`), filled with the objects of their world of
two weegploegen (`tests.security.conftest.build_world`, `url_path`), visited by the users the
Dutch-only crawl visits them as: each role of the gemeente of weegploeg A, the
installatiebeheerder, and an anonymous visitor. A role's pages are the ones that answer it 200
with an HTML page; downloads (PDF, CSV, JSON) and redirects are not pages.

Each page is checked at 1280 and at 390 px (`tests.e2e.axe.WIDTHS`): no axe-core finding of
impact serious or critical, and at 390 px no horizontal scrolling; and at 1280 px with 200 %
zoom (`ZOOMED`: 640 CSS px at device scale factor 2) no horizontal scrolling either. One
browser, one context per role. The test reports every problem at once, and prints (and writes
to `artifacts/toegankelijkheid.txt`) the figures for the closing note: pages × widths checked,
findings by impact, pages that scroll sideways at 390 px and at 200 % zoom. The phone
screenshots go to `artifacts/`, or to the folder E2E_SCREENSHOT_DIR names."""

import collections
import os
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.e2e.axe import (
    FAILING_IMPACTS,
    PHONE,
    WIDTHS,
    ZOOMED,
    axe_context,
    axe_violations,
    wide_elements,
)
from tests.factories import TEST_PASSWORD
from tests.security.conftest import INSTALLATION, ROLES, build_world
from tests.security.test_permission_matrix import PATTERNS, QUERY, STATED_PURPOSE, url_path

pytestmark = pytest.mark.e2e

CRAWLED_ROLES = (*ROLES, INSTALLATION, "anonymous")
# The person search the rights pages ask for first (they hold the purpose in the session).
SUBJECT_SEARCH_NAME = "Jansen"

# Screenshots at phone width for the closing note (artifacts/, as a member of the weegploeg):
# the queue, the signal page, and the vote page of an agenda item.
PHONE_SCREENSHOTS = {"signals:queue": "wachtrij", "signals:detail": "signaal",
                     "weegploeg:item": "stemmen"}

DESKTOP_ZOOM = f"{WIDTHS[0]} px met 200 % zoom ({ZOOMED} CSS-px)"

SCROLL_WIDTH = ("() => [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth]")


def crawl_paths(world):
    """(URL name, path) of every GET page of the URLconf, with the world's objects."""
    paths = []
    for name, route, pattern in PATTERNS:
        if name == "logout":
            continue
        path = url_path(world, name, route, pattern)
        if name in QUERY:
            path += "?" + urlencode(QUERY[name](world))
        paths.append((name, path))
    return paths


def state_purpose(page, base):
    """The rights pages' precondition: a search with purpose and case number, as a user does."""
    page.goto(f"{base}/betrokkenen/zoeken/")
    page.get_by_label("Doel van de zoekopdracht").select_option(STATED_PURPOSE["purpose"])
    page.get_by_label("Kenmerk van het verzoek").fill(STATED_PURPOSE["case_number"])
    page.get_by_label("Naam", exact=True).fill(SUBJECT_SEARCH_NAME)
    page.get_by_role("button", name="Zoeken").click()
    page.wait_for_load_state()


def is_page(response) -> bool:
    return (response.status == 200
            and response.headers.get("content-type", "").startswith("text/html"))


def test_every_page_passes_axe_for_every_role_at_desktop_and_phone_width(
    browser, live_server, log_in, artifacts
):
    world = build_world()
    # The world's installatiebeheerder has a throwaway password; log in as a person would.
    world.installation.set_password(TEST_PASSWORD)
    world.installation.save()
    base = live_server.url
    paths = crawl_paths(world)
    screenshots = Path(os.environ.get("E2E_SCREENSHOT_DIR") or artifacts)
    screenshots.mkdir(parents=True, exist_ok=True)
    checked, by_impact = 0, collections.Counter()
    failing, scrolling, zoomed, visited = [], [], [], collections.Counter()
    for role in CRAWLED_ROLES:
        context = axe_context(browser, WIDTHS[0], device_scale_factor=2)
        page = context.new_page()
        if role != "anonymous":
            user = world.user(role, "own")
            log_in(page, user)
            if role in ("admin", "auditor"):
                state_purpose(page, base)
        for name, path in paths:
            # Only what answers this role with a page; a redirect (to the login page, or
            # onwards after an action) is not followed.
            if not is_page(context.request.get(base + path, max_redirects=0)):
                continue
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            page.goto(base + path)
            visited[role] += 1
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                where = f"{role}: {path} ({name}) bij {width} px"
                violations = axe_violations(page)
                checked += 1
                for violation in violations:
                    by_impact[violation["impact"]] += 1
                    if violation["impact"] in FAILING_IMPACTS:
                        targets = [node["target"] for node in violation["nodes"]][:3]
                        failing.append(f"{where}: {violation['impact']} {violation['id']} "
                                       f"({violation['help']}) {targets}")
                if width <= PHONE and role == "member" and name in PHONE_SCREENSHOTS:
                    page.screenshot(path=screenshots / f"{PHONE_SCREENSHOTS[name]}-{width}px.png",
                                    full_page=True, scale="css")
                if width <= PHONE:
                    scroll_width, client_width = page.evaluate(SCROLL_WIDTH)
                    if scroll_width > client_width:
                        scrolling.append(f"{where}: {scroll_width} px breed; te breed: "
                                         f"{wide_elements(page)}")
            page.set_viewport_size({"width": ZOOMED, "height": 450})
            scroll_width, client_width = page.evaluate(SCROLL_WIDTH)
            if scroll_width > client_width:
                zoomed.append(f"{role}: {path} ({name}) bij {DESKTOP_ZOOM}: {scroll_width} px "
                              f"breed; te breed: {wide_elements(page)}")
        context.close()

    impacts = {impact: by_impact[impact] for impact in ("critical", "serious", "moderate", "minor")}
    summary = (
        f"axe-core: {checked} controles (pagina x breedte; {sum(visited.values())} pagina's "
        f"x {len(WIDTHS)} breedtes {'/'.join(map(str, WIDTHS))} px; per rol "
        f"{ {str(role): count for role, count in visited.items()} }); bevindingen per ernst: "
        f"{impacts}; "
        f"horizontaal scrollen bij {PHONE} px: {len(scrolling)} pagina's; bij {DESKTOP_ZOOM} "
        f"({sum(visited.values())} pagina's): {len(zoomed)} pagina's"
    )
    print("\n" + summary)
    (artifacts / "toegankelijkheid.txt").write_text(
        "\n".join([summary, "", *failing, "", *scrolling, "", *zoomed]) + "\n")
    assert sum(visited.values()) > 100, summary
    assert not failing and not scrolling and not zoomed, "\n".join(
        [summary, *failing, *scrolling, *zoomed])
