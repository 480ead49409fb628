"""Each OEM language in the browser: a user picks it and their zone on /account, then the home page, a
lot page and a scorecard speak it, in the local fonts (#12). Screenshots: /tmp/kensa-shots/lang-*."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.support import Translations
from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, sign_in

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
PEOPLE = {  # language: (who, zone, the zone's short name)
    "ja": ("reviewer@brand.example", "Asia/Tokyo", "JST"),
    "zh_Hans": ("manager@wuxi-optronics.example", "Asia/Shanghai", "CST"),
    "th": ("inspector@siam-precision.example", "Asia/Bangkok", "ICT"),
    "vi": ("qm@brand.example", "Asia/Ho_Chi_Minh", "ICT"),  # HPA has no lot in the demo
}


def _choose(page: Page, language: str, zone: str, save: str) -> None:
    page.goto("/account")
    page.locator("select#language").select_option(language)
    page.locator("select#timezone").select_option(zone)
    page.locator("form[action$='/account/preferences'] button[type=submit]").click()
    expect(page.locator("html")).to_have_attribute("lang", language.replace("_", "-"))
    assert save  # the flash below is in the new language


def _fonts_in_use(page: Page) -> set[str]:
    """The font families the page has loaded (document.fonts), after they settle."""
    families = page.evaluate(
        "document.fonts.ready.then(() => [...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replaceAll('\"', '')))"
    )
    return set(families)


@pytest.mark.parametrize("language", list(PEOPLE))
def test_a_user_reads_home_lot_and_scorecard_in_their_language(new_page, language: str) -> None:
    who, zone, zone_name = PEOPLE[language]
    words = Translations.load(str(TRANSLATIONS), [language])
    page = new_page()
    sign_in(page, who)
    expect(page).to_have_url(re.compile(r"/home$"))
    try:
        _choose(page, language, zone, words.gettext("Your language and time zone are saved."))
        expect(page.get_by_text(words.gettext("Your language and time zone are saved."))).to_be_visible()
        nav = page.get_by_role("navigation", name=words.gettext("Main"))
        expect(nav.get_by_role("link", name=words.gettext("Home"), exact=True)).to_be_visible()

        page.goto("/home")
        screenshot(page, f"lang-{language}-home")
        fonts = _fonts_in_use(page)
        assert "Kensa Sans" in fonts and "Kensa Brand" in fonts, fonts
        if language == "ja":
            assert "Kensa Sans JP" in fonts, fonts
        if language == "zh_Hans":
            assert "Kensa Sans SC" in fonts, fonts

        page.goto("/lots")
        page.locator("main a[href^='/lots/']").filter(has_text=re.compile(r"\d")).first.click()
        expect(page).to_have_url(re.compile(r"/lots/\d+$"))
        expect(page.locator("main")).to_contain_text(zone_name)  # times named in the user's zone
        screenshot(page, f"lang-{language}-lot")

        page.goto("/scorecards")
        cards = page.locator("main a[href*='/scorecards/20']")
        if cards.count():
            cards.first.click()
        expect(page.locator("h1")).to_be_visible()
        screenshot(page, f"lang-{language}-scorecard")
    finally:
        _choose(page, "en", "UTC", "saved")  # the other browser tests read these people in English
