"""Pages in the OEMs' languages: no English message of the catalogue is left on them (#12)."""

from __future__ import annotations

import html
import io
import re
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import load_workbook

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.scorecards.periods import Period
from tests.conftest import login_as

pytestmark = pytest.mark.shared_world

TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"
LANGUAGES = ("ja", "zh_Hans", "th", "vi")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")
TAGS = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.S)


@cache
def english_fragments(language: str) -> tuple[str, ...]:
    """The catalogue's English sentences that a page in `language` must not show: each message's
    longest literal part (between placeholders) of two words or more, where the translation differs."""
    path = TRANSLATIONS / language / "LC_MESSAGES" / "messages.po"
    assert (path.with_suffix(".mo")).exists(), "the catalogues are not compiled: run `make catalogues`"
    fragments = set()
    with path.open("rb") as po:
        catalogue = read_po(po)
    for message in catalogue:
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not ids[0] or ids[0] in strings:
            continue
        for english in ids:
            part = max(PLACEHOLDER.split(english), key=len).strip(" .,:;()")
            if len(part) >= 10 and " " in part:
                fragments.add(part)
    return tuple(sorted(fragments, key=len, reverse=True))


def visible_text(page: str) -> str:
    return " ".join(html.unescape(TAGS.sub(" ", page)).split())


def speaks(app: Flask, person_id: int, language: str) -> None:
    with app.app_context():
        db.session.get(User, person_id).locale = language
        db.session.commit()


def pages(world) -> dict[str, list[str]]:  # type: ignore[no-untyped-def]
    period = Period.containing(utcnow().date()).key
    return {
        "inspector_a": [
            "/home",
            f"/lots/{world.lot_a}",
            f"/lots/{world.decided_a}",
            "/lots",
            "/scars",
            f"/scars/{world.scar_a}",
            f"/scars/{world.scar_a}/steps/D0",
            f"/scorecards/{period}/suppliers/{world.supplier_a}",
            "/account",
        ],
        "reviewer": [
            "/home",
            "/review",
            f"/lots/{world.in_review_a}",
            f"/lots/{world.decided_a}",
            f"/scars/{world.scar_a}",
            f"/scorecards/{period}",
            f"/scorecards/{period}/suppliers/{world.supplier_a}",
        ],
        "quality_manager": ["/home", "/scorecards"],
    }


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_flow_s_pages_hold_no_english_message(app: Flask, client: FlaskClient, world, language: str):
    left: list[str] = []
    for who, urls in pages(world).items():
        person = getattr(world, who)
        speaks(app, person.id, language)
        login_as(client, person)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (who, url, response.status_code)
            text = visible_text(response.get_data(as_text=True))
            left += [f"{who} {url}: {e!r}" for e in english_fragments(language) if e in text]
    assert not left, "\n".join(left)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_sign_in_page_follows_the_browser_s_language(client: FlaskClient, language: str):
    header = {"ja": "ja-JP,ja;q=0.9", "zh_Hans": "zh-CN,zh;q=0.9", "th": "th-TH", "vi": "vi-VN,en;q=0.5"}
    page = client.get("/login", headers={"Accept-Language": header[language]}).get_data(as_text=True)
    assert f'<html lang="{language.replace("_", "-")}">' in page
    assert not [english for english in english_fragments(language) if english in visible_text(page)]


def test_the_language_switch_is_kept_and_returns_to_the_page(client: FlaskClient):
    response = client.get("/language/th?next=/forgot-password", headers={"Accept-Language": "ja"})
    assert response.status_code == 302 and response.headers["Location"] == "/forgot-password"
    page = client.get("/login", headers={"Accept-Language": "ja"}).get_data(as_text=True)
    assert '<html lang="th">' in page and "เข้าสู่ระบบ" in page


def test_the_language_switch_refuses_other_hosts_and_unknown_languages(client: FlaskClient):
    assert client.get("/language/vi?next=//evil.example/x").headers["Location"] == "/login"
    assert client.get("/language/fr").status_code == 404
    page = client.get("/login").get_data(as_text=True)
    assert '<html lang="vi">' in page  # the refused redirect still switched


def test_traditional_chinese_browsers_read_english_not_simplified(client: FlaskClient):
    traditional = client.get("/login", headers={"Accept-Language": "zh-TW"}).get_data(as_text=True)
    assert '<html lang="en">' in traditional
    hans = client.get("/login", headers={"Accept-Language": "zh-Hans-CN"}).get_data(as_text=True)
    assert '<html lang="zh-Hans">' in hans


def test_the_excel_template_speaks_the_reader_s_language_and_keeps_its_data_header(
    app: Flask, client: FlaskClient, world
):
    speaks(app, world.inspector_a.id, "th")
    login_as(client, world.inspector_a)
    data = client.get(f"/lots/{world.lot_a}/template.xlsx").data
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    header = next(workbook["Data"].iter_rows(values_only=True))
    assert header[0] == "sample"  # Kensa reads this row back: codes, never words
    thai = Translations.load(str(TRANSLATIONS), ["th"])
    rows = [row for row in workbook["Characteristics"].iter_rows(values_only=True) if any(row)]
    assert rows[1][:2] == (thai.gettext("Code"), thai.gettext("Name")) and "Code" not in rows[1]
    assert (thai.gettext("How to fill in this template"),) == rows[-4][:1]
    assert thai.gettext("Measured") in rows[2] or thai.gettext("Pass/fail") in rows[2]
