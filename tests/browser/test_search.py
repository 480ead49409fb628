"""The header's search box: SIAM's inspector finds a lot by its number, lists a partial number's matches,
and never finds WUXI's lots."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, sign_in

SIAM_INSPECTOR = "inspector@siam-precision.example"


def _search(page: Page, text: str) -> None:
    box = page.get_by_role("search").get_by_label("Find a lot, SCAR or part by its number")
    box.fill(text)
    box.press("Enter")


def test_the_header_search_opens_an_exact_lot_and_lists_partial_matches(
    page: Page, console_errors: list[str]
) -> None:
    """Enter in the box searches; a single exact number (in any case) opens the lot."""
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, SIAM_INSPECTOR)
    expect(page.get_by_role("search")).to_be_visible()
    screenshot(page, "search-header-1280")

    _search(page, "ch-2611-001")
    expect(page).to_have_url(re.compile(r"/lots/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("CH-2611-001")

    _search(page, "CH-2611")
    expect(page).to_have_url(re.compile(r"/search\?q=CH-2611$"))
    lots = page.get_by_role("region", name=re.compile("^Lots"))
    expect(lots.get_by_role("link", name="CH-2611-001")).to_be_visible()
    expect(lots.get_by_role("link", name="CH-2611-002")).to_be_visible()
    screenshot(page, "search-results-1280")

    _search(page, "WX-2611")  # WUXI's lots: another supplier's
    expect(page.get_by_text("Nothing matches “WX-2611”.")).to_be_visible()
    assert [error for error in console_errors if "/favicon.ico" not in error] == []  # no CSP refusal


def test_the_search_box_sits_in_the_phone_menu(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, SIAM_INSPECTOR)
    page.get_by_role("button", name="Menu").click()
    _search(page, "CH-2611")
    expect(page.get_by_role("heading", name="Search")).to_be_visible()
    screenshot(page, "search-results-390")
