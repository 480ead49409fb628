"""A user's language and time zone: chosen on /account, started from the supplier and its site (#12)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.support import Translations
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.auth.models import Role, User
from app.extensions import db
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from app.suppliers.models import Site, Supplier
from app.timezones import stamp
from app.users.services import invite_user
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world
TRANSLATIONS = Path(__file__).resolve().parents[2] / "translations"


def _save(client: FlaskClient, language: str, zone: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client, "/account"), "language": language, "timezone": zone}
    return client.post("/account/preferences", data=data, follow_redirects=True)


def test_a_time_on_a_page_moves_with_the_user_s_zone(app: Flask, client: FlaskClient, world):
    with app.app_context():
        created = db.session.scalars(
            select(Notification.created_at).where(Notification.user_id == world.inspector_a.id)
        ).one()
    login_as(client, world.inspector_a)
    shown = {}
    for zone, name in (("Asia/Bangkok", "ICT"), ("Asia/Tokyo", "JST")):
        assert _save(client, "en", zone).status_code == 200
        local = created.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M")
        shown[zone] = f"{local} {name}"
        assert shown[zone] in client.get("/notifications").get_data(as_text=True)
    assert shown["Asia/Bangkok"] != shown["Asia/Tokyo"]  # two hours apart, both named


def test_the_account_saves_the_language_and_the_next_page_speaks_it(app: Flask, client: FlaskClient, world):
    login_as(client, world.reviewer)
    page = _save(client, "ja", "Asia/Tokyo").get_data(as_text=True)
    assert '<html lang="ja">' in page
    with app.app_context():
        user = db.session.get(User, world.reviewer.id)
        assert (user.locale, user.timezone) == ("ja", "Asia/Tokyo")


def test_an_unknown_zone_is_refused_next_to_its_field_and_nothing_changes(app: Flask, client, world):
    login_as(client, world.reviewer)
    response = _save(client, "th", "Mars/Olympus_Mons")
    page = response.get_data(as_text=True)
    assert response.status_code == 200 and "Not a valid choice" in page and 'id="timezone"' in page
    with app.app_context():
        assert db.session.get(User, world.reviewer.id).locale == "en"


def test_wtforms_own_messages_speak_each_reader_s_language_in_one_process(app: Flask, client, world):
    """WTForms' catalogue is kept per language, not per process: a Japanese reader's refusal is in
    Japanese, and an English reader's right after it, in the same worker, is in English."""
    login_as(client, world.reviewer)
    assert _save(client, "ja", "Asia/Tokyo").status_code == 200
    refused = _save(client, "ja", "Mars/Olympus_Mons").get_data(as_text=True)
    assert "選択肢が正しくありません。" in refused and "Not a valid choice" not in refused
    other = app.test_client()
    login_as(other, world.quality_manager)
    page = _save(other, "en", "Mars/Olympus_Mons").get_data(as_text=True)
    assert "Not a valid choice." in page and "選択肢" not in page


def test_an_invitation_starts_from_the_supplier_s_language_and_its_first_site_s_zone(app: Flask, world):
    with app.test_request_context():
        supplier = db.session.get(Supplier, world.supplier_a)
        supplier.default_language = "th"
        site = db.session.get(Site, world.site_a)
        site.timezone = "Asia/Bangkok"
        user = invite_user(
            email="new@alpha.example", name="New", role=Role.SUPPLIER_INSPECTOR, supplier_id=supplier.id
        )
        assert (user.locale, user.timezone) == ("th", "Asia/Bangkok")
        mail = db.session.scalars(select(OutboxMessage).where(OutboxMessage.recipient == user.email)).one()
        thai = Translations.load(str(TRANSLATIONS), ["th"])
        assert mail.subject == thai.gettext("You are invited to Kensa") != "You are invited to Kensa"
        invited = (
            "You have been invited to Kensa, the supplier quality portal. "
            "Choose your password with this link:"
        )
        assert thai.gettext(invited) in mail.body and invited not in mail.body
        staff = invite_user(email="new@brand.example", name="Staff", role=Role.REVIEWER, supplier_id=None)
        assert (staff.locale, staff.timezone) == (app.config["BRAND_LANGUAGE"], app.config["BRAND_TIMEZONE"])
        db.session.rollback()


def test_a_new_site_starts_in_its_country_s_zone(app: Flask, client: FlaskClient, world):
    login_as(client, world.admin)
    data = {"csrf_token": csrf_token(client, "/account"), "name": "Hanoi", "city": "Hanoi", "country": "VN"}
    data["timezone"] = ""
    assert client.post(f"/suppliers/{world.supplier_a}/sites/new", data=data).status_code == 302
    with app.app_context():
        site = db.session.scalars(select(Site).where(Site.name == "Hanoi")).one()
        assert site.timezone == "Asia/Ho_Chi_Minh"


@pytest.mark.parametrize(
    ("zone", "moment", "name"),
    [
        ("Asia/Bangkok", datetime(2026, 12, 7, 4, 27, tzinfo=UTC), "ICT"),
        ("Asia/Ho_Chi_Minh", datetime(2026, 12, 7, 4, 27, tzinfo=UTC), "ICT"),
        ("Asia/Shanghai", datetime(2026, 12, 7, 4, 27, tzinfo=UTC), "CST"),
        ("Asia/Tokyo", datetime(2026, 12, 7, 4, 27, tzinfo=UTC), "JST"),
        ("Europe/Berlin", datetime(2026, 7, 1, tzinfo=UTC), "CEST"),  # summer time
        ("Europe/Berlin", datetime(2026, 12, 1, tzinfo=UTC), "CET"),
        ("Asia/Kolkata", datetime(2026, 12, 1, tzinfo=UTC), "IST"),
        ("Asia/Dubai", datetime(2026, 12, 1, tzinfo=UTC), "UTC+4"),  # the tz database says only "+04"
        ("Asia/Kathmandu", datetime(2026, 12, 1, tzinfo=UTC), "UTC+5:45"),
        ("America/Sao_Paulo", datetime(2026, 12, 1, tzinfo=UTC) + timedelta(hours=1), "UTC-3"),
    ],
)
def test_every_zone_gets_a_short_name(zone: str, moment: datetime, name: str):
    assert stamp(moment, zone).rsplit(" ", 1)[1] == name
