"""Accessibility as a test (#14): axe-core finds no violation, of any impact, on every kind of page
for every role that opens it, on the signed-out pages, and with each menu open on a laptop and a
phone.

axe-core comes with axe-playwright-python (pinned with its hashes in requirements-dev.txt; it ships
axe.min.js, axe-core 4.12, MPL-2.0) and is injected with `page.evaluate`, which the pages' CSP does
not govern: a <script> tag added to the page would be refused, since the CSP allows no inline script.
"""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from tests.browser.pages import LAPTOP, PAGES, PHONE, ROLES

AXE = Axe()
NEXT_FRAMES = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))"
CASES = [(role, kind) for kind in PAGES for role in kind.roles]
SIGNED_OUT = ("/login", "/forgot-password")
# Components that the demo data shows on no page: a link on each tinted background, and the
# outline-warning button (a deviation awaiting its second signature).
SAMPLES = """
<div id="axe-samples">
  <div class="alert alert-warning">Warning <a href="#">a link</a></div>
  <div class="alert alert-danger">Danger <a href="#">a link</a></div>
  <div class="alert alert-info">Info <a href="#">a link</a></div>
  <div class="alert alert-success">Success <a href="#">a link</a></div>
  <ul class="list-group">
    <li class="list-group-item list-group-item-warning">
      <a href="#">a link</a> <span class="text-muted">· SIAM</span>
    </li>
    <li class="list-group-item list-group-item-danger">
      <a href="#">a link</a> <span class="text-muted">· SIAM</span>
    </li>
  </ul>
  <table class="table"><tbody><tr><td class="diff-changed"><a href="#">changed</a></td></tr></tbody></table>
  <button type="button" class="btn btn-outline-warning">Sign the deviation request</button>
</div>
"""


def assert_no_violation(page: Page, where: str, context: str | None = None) -> None:
    """axe's every rule on the page as shown (or on `context`, a CSS selector): no violation at all."""
    page.wait_for_load_state("load")
    page.evaluate(NEXT_FRAMES)  # a resize's handlers (static/js/scroll-regions.js) have run
    results = AXE.run(page, context=context)
    assert results.violations_count == 0, f"{where} ({page.url}):\n{results.generate_report()}"


@pytest.mark.parametrize(("role", "kind"), CASES, ids=[f"{role}-{kind.name}" for role, kind in CASES])
def test_a_page_fits_a_laptop_and_a_phone_and_axe_finds_no_violation(
    page_of, live_server, role: str, kind
) -> None:
    """One visit per page kind and role (#14 items 6 and 8): at 1280 and 390 px the page does not scroll
    sideways as a whole (wide tables scroll inside their card), and axe finds nothing."""
    url = kind.url(live_server.engine)
    page = page_of(ROLES[role], LAPTOP)
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response and response.status}"
    for width in (LAPTOP, PHONE):
        page.set_viewport_size({"width": width, "height": 800})
        assert_no_violation(page, f"{kind.name} as {role} at {width} px")
        shown = int(page.evaluate("document.documentElement.scrollWidth"))
        assert shown <= width, f"{url} is {shown} px wide at {width} px"


@pytest.mark.parametrize("path", SIGNED_OUT)
def test_axe_finds_no_violation_signed_out(page: Page, path: str) -> None:
    page.goto(path)
    assert_no_violation(page, path)


@pytest.mark.parametrize("role", list(ROLES))
@pytest.mark.parametrize("width", [LAPTOP, PHONE])
def test_axe_finds_no_violation_with_a_menu_open(page_of, role: str, width: int) -> None:
    page = page_of(ROLES[role], width)
    page.goto("/home")
    nav = page.get_by_role("navigation", name="Main")
    if width == PHONE:
        nav.get_by_role("button", name="Menu").click()
        expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))
    toggles = nav.locator("[data-bs-toggle=dropdown]")
    assert toggles.count() >= 2, "the Quality menu and the account menu"
    for n in range(toggles.count()):
        toggles.nth(n).click()
        expect(toggles.nth(n)).to_have_attribute("aria-expanded", "true")
        assert_no_violation(page, f"{role}'s menu {toggles.nth(n).inner_text()!r} at {width} px")


def test_links_and_warning_buttons_read_on_every_tinted_background(page_of) -> None:
    page = page_of(ROLES["reviewer"], LAPTOP)
    page.goto("/home")
    page.locator("main").evaluate("(main, html) => main.insertAdjacentHTML('afterbegin', html)", SAMPLES)
    assert_no_violation(page, "the sample components", context="#axe-samples")
