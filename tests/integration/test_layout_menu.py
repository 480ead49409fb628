"""The nav's menu, rendered once per role, supplier and language and kept per worker (app/layout.py):
each reader still gets the menu of their own role, supplier and language, in one app."""

from __future__ import annotations

import re

import pytest
from flask import Flask

from app.auth.models import User
from app.extensions import db
from tests.conftest import login_as

pytestmark = pytest.mark.shared_world


def _menu(app: Flask, who) -> str:  # type: ignore[no-untyped-def]
    client = app.test_client()
    login_as(client, who)
    page = client.get("/account").get_data(as_text=True)
    found = re.search(r'<ul class="navbar-nav me-auto">.*?</form>', page, re.S)
    assert found, "the menu is on the page"
    return found.group(0)


def test_each_role_and_supplier_gets_its_own_menu_from_one_worker(app: Flask, world) -> None:
    reviewer, inspector_a, inspector_b = (
        _menu(app, world.reviewer),
        _menu(app, world.inspector_a),
        _menu(app, world.inspector_b),
    )
    assert 'href="/review"' in reviewer and 'href="/review"' not in inspector_a
    assert f'href="/suppliers/{world.supplier_a}"' in inspector_a
    assert f'href="/suppliers/{world.supplier_b}"' in inspector_b
    assert f"/suppliers/{world.supplier_a}" not in inspector_b
    assert _menu(app, world.reviewer) == reviewer  # the kept one, the same as the first


def test_the_menu_speaks_the_reader_s_language_after_another_s(app: Flask, world) -> None:
    english = _menu(app, world.reviewer)
    with app.app_context():
        db.session.get(User, world.quality_manager.id).locale = "ja"
        db.session.commit()
    japanese = _menu(app, world.quality_manager)
    assert ">Lots<" in english and ">ロット<" in japanese and ">Lots<" not in japanese
