"""Phones, tablets and laptops (#14): the menu has at most seven top items that stay on one line
at 1280 and 1366 px in every language. Screenshots: /tmp/kensa-shots/menu-after-*.png."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import SHOTS_DIR, screenshot, sign_in
from tests.browser.pages import LAPTOP, PHONE, ROLES, WIDE_LAPTOP

MAX_TOP_ITEMS = 7
# The main menu's top items and the user's corner (notifications, the account menu) as laid out.
MENU_JS = """() => {
  const main = [...document.querySelectorAll('#nav > ul.me-auto > li')];
  const all = [...document.querySelectorAll('#nav > ul > li')];
  const line = getComputedStyle(document.querySelector('#nav .nav-link')).lineHeight;
  return {
    main: main.map(li => li.textContent.trim()),
    lineHeight: parseFloat(line),
    items: all.map(li => {
      const link = li.querySelector('.nav-link'), box = link.getBoundingClientRect();
      return {text: link.textContent.trim(), top: box.top, right: box.right, height: box.height};
    }),
  };
}"""


def screenshot_path(name: str) -> str:
    """A viewport-only screenshot's path in /tmp/kensa-shots (the menu, not the whole page)."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    return str(SHOTS_DIR / f"{name}.png")


def _choose_language(page: Page, language: str) -> None:
    page.goto("/account")
    page.locator("select#language").select_option(language)
    page.locator("form[action$='/account/preferences'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language.replace("_", "-"))


def _check_menu_fits(page: Page, width: int, where: str) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    expect(page.locator(".navbar-toggler")).to_be_hidden()  # the menu is laid out, not collapsed
    menu = page.evaluate(MENU_JS)
    assert len(menu["main"]) <= MAX_TOP_ITEMS, f"{where}: {len(menu['main'])} top items: {menu['main']}"
    tops = {round(item["top"]) for item in menu["items"]}
    for item in menu["items"]:
        assert item["height"] < 2 * menu["lineHeight"], f"{where}: {item['text']!r} wraps"
        assert item["right"] <= width, f"{where}: {item['text']!r} ends at {item['right']} px of {width}"
    assert max(tops) - min(tops) <= 4, f"{where}: the menu is on more than one line: {menu['items']}"


@pytest.mark.parametrize("role", list(ROLES))
def test_the_menu_has_at_most_seven_items_on_one_line_in_every_language(page_of, role: str) -> None:
    page = page_of(ROLES[role], LAPTOP)
    try:
        for language in ("en", "ja", "zh_Hans", "th", "vi"):
            _choose_language(page, language)
            page.goto("/home")
            for width in (LAPTOP, WIDE_LAPTOP):
                _check_menu_fits(page, width, f"{role} in {language} at {width} px")
                if role == "admin" and width == LAPTOP:
                    page.screenshot(path=screenshot_path(f"menu-after-{language}-1280"))
    finally:
        _choose_language(page, "en")  # the other browser tests read these people in English


def test_the_menu_groups_quality_and_administration(page_of) -> None:
    """The admin's menu at 1280 and 390 px, with the Quality menu open (screenshots)."""
    page = page_of(ROLES["admin"], LAPTOP)
    page.goto("/home")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Quality").click()
    expect(nav.get_by_role("link", name="Parts")).to_be_visible()
    screenshot(page, "menu-after-1280")
    nav.get_by_role("button", name="Administration").click()
    expect(nav.get_by_role("link", name="Parts")).to_be_hidden()
    nav.get_by_role("link", name="Audit trail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit trail")

    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto("/home")
    nav.get_by_role("button", name="Menu").click()
    expect(page.locator("#nav")).to_have_class(re.compile(r"\bshow\b"))  # the collapse has opened
    nav.get_by_role("button", name="Quality").click()
    expect(nav.get_by_role("link", name="Defect catalogue")).to_be_visible()
    assert int(page.evaluate("document.documentElement.scrollWidth")) <= PHONE
    screenshot(page, "menu-after-390")


def test_a_supplier_manager_finds_the_team_under_our_company(page_of) -> None:
    page = page_of(ROLES["supplier-manager"], LAPTOP)
    page.goto("/home")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("button", name="Administration")).to_have_count(0)
    expect(nav.get_by_role("link", name="Audit trail")).to_have_count(0)
    nav.get_by_role("button", name="Our company").click()
    nav.get_by_role("link", name="Our team").click()
    expect(page).to_have_url(re.compile(r"/team$"))


def test_signing_out_from_the_account_menu(page: Page) -> None:
    sign_in(page, ROLES["reviewer"])
    # The account menu is a Bootstrap dropdown: it opens once the signed-in page's script has run.
    expect(page).not_to_have_url(re.compile(r"/login"))
    page.wait_for_load_state("load")
    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("button", name="Aiko Tanaka").click()
    expect(nav.get_by_role("link", name="My account")).to_be_visible()
    nav.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("E-mail address")).to_be_visible()
