"""The signed-in shell and the list pages: the same HTML for less work a request (#15)."""

from __future__ import annotations

from flask import g, url_for
from flask_babel import force_locale
from sqlalchemy import event, select
from wtforms import widgets

from app import pagination
from app.audit.models import AuditEvent
from app.auth.forms import PreferencesForm
from app.auth.models import Role, User
from app.badges import scar_state_badge, severity_badge, state_badge, translated
from app.extensions import db
from app.links import id_link
from app.lots.forms import STATE_LABELS
from app.notifications import services
from app.notifications.models import NotificationKind
from app.parts.models import Part
from app.scars.forms import SEVERITY_LABELS
from app.scars.forms import STATE_LABELS as SCAR_STATES
from app.suppliers.models import Site, Supplier
from tests import factories
from tests.conftest import count_page_statements, login_as


def _newcomer(world, role: Role = Role.REVIEWER) -> factories.Person:  # type: ignore[no-untyped-def]
    supplier = db.session.get(Supplier, world.supplier_a) if role.name.startswith("SUPPLIER") else None
    user = factories.user(role, supplier)
    db.session.commit()
    return factories.person(user)


def _bulk_lots(world, count: int, prefix: str) -> list[int]:  # type: ignore[no-untyped-def]
    """`count` draft lots of supplier A (each with its audit event, by its inspector)."""
    site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
    inspector = db.session.get(User, world.inspector_a.id)
    ids = []
    for i in range(count):
        ids.append(factories.lot(site, part, inspector, f"{prefix}-{i:03d}").id)
    db.session.commit()
    return ids


# --- The shell --------------------------------------------------------------------------------------


def test_a_signed_in_page_reads_the_user_and_the_unread_count_in_one_statement(app, client, world):
    with app.app_context():
        reader = _newcomer(world)
        for _ in range(3):
            factories.notification(db.session.get(User, reader.id))
        db.session.commit()
    login_as(client, reader)
    client.get("/account")
    statements: list[str] = []
    with app.app_context():
        engine = db.engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    try:
        page = client.get("/account").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", listener)
    assert '<span class="badge text-bg-warning">3<span class="visually-hidden"> unread</span></span>' in page
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]  # not the tests' savepoints
    assert len(selects) == 1, statements
    assert "FROM notification" in selects[0] and "unread_notifications" in selects[0]


def test_reading_notifications_in_a_request_drops_the_count_read_with_the_user(app, world):
    with app.app_context():
        reader = _newcomer(world)
        factories.notification(db.session.get(User, reader.id))
        db.session.commit()
    with app.test_request_context("/account"):
        g.unread_notifications = 1  # as the user loader left it
        services.mark_all_read(reader.id)
        assert "unread_notifications" not in g
        g.unread_notifications = 0
        services.notify([db.session.get(User, reader.id)], NotificationKind.LOT_SUBMITTED, {}, "/home")
        assert "unread_notifications" not in g
        assert services.unread_count(reader.id) == 1


def test_the_next_page_after_reading_shows_no_unread_count(app, client, world):
    with app.app_context():
        reader = _newcomer(world)
        factories.notification(db.session.get(User, reader.id))
        db.session.commit()
    login_as(client, reader)
    assert 'visually-hidden"> unread' in client.get("/account").get_data(as_text=True)
    with app.app_context():
        services.mark_all_read(reader.id)
        db.session.commit()
    assert 'visually-hidden"> unread' not in client.get("/account").get_data(as_text=True)


def test_the_time_zone_select_is_the_html_wtforms_writes(app):
    with app.test_request_context("/account"):
        for zone in ("Asia/Bangkok", "UTC", "America/Argentina/Buenos_Aires", "Nowhere/Else", None):
            field = PreferencesForm(timezone=zone, meta={"csrf": False}).timezone
            for attrs in ({}, {"class": "form-select is-invalid", "aria-describedby": "timezone-help"}):
                assert field(**attrs) == widgets.Select()(field, **attrs), (zone, attrs)
        chosen = PreferencesForm(timezone="Asia/Bangkok", meta={"csrf": False}).timezone()
        assert chosen.count("selected") == 1 and '<option selected value="Asia/Bangkok">' in chosen


def test_id_link_writes_the_urls_url_for_writes(app):
    with app.test_request_context("/", base_url="https://kensa.example/portal/"):
        lot, step = id_link("lots.detail", "lot_id"), id_link("scars.step", "scar_id")
        for ident in (1, 42, 1234567):
            assert lot(ident) == url_for("lots.detail", lot_id=ident)
            for code in ("D0", "D3", "D8"):
                assert step(ident, code=code) == url_for("scars.step", scar_id=ident, code=code)
        assert lot(42).startswith("/portal/")


# --- No statement a row -------------------------------------------------------------------------------


def test_the_lot_list_runs_as_many_statements_for_many_lots(app, client, world):
    with app.app_context():
        _bulk_lots(world, 2, "FEW")
    for who in (world.reviewer, world.inspector_a):
        login_as(client, who)
        few, _page = count_page_statements(app, client, "/lots")
        with app.app_context():
            _bulk_lots(world, 30, f"MANY{who.id}")
        many, page = count_page_statements(app, client, "/lots")
        assert f"MANY{who.id}-029" in page
        assert many == few


def test_the_audit_trail_runs_as_many_statements_for_many_events(app, client, world):
    login_as(client, world.admin)
    # One kind of record on both pages: the names of each kind on a page are one statement.
    few, page = count_page_statements(app, client, "/audit?object_type=Lot")
    assert page.count("<tr>") < 40
    with app.app_context():
        _bulk_lots(world, 50, "AUD")
    many, page = count_page_statements(app, client, "/audit?object_type=Lot")
    assert "AUD-049" in page and page.count("<tr>") > 50
    assert many <= few  # the world's lot events name more kinds of things than the new ones


def test_labels_translated_once_make_the_badges_the_lazy_labels_make(app):
    with app.test_request_context("/"):
        for language in ("en", "ja", "th"):
            with force_locale(language):
                lots, severities, scars = map(translated, (STATE_LABELS, SEVERITY_LABELS, SCAR_STATES))
                for state in [*STATE_LABELS, "unknown"]:
                    assert state_badge(state, lots) == state_badge(state, STATE_LABELS)
                for severity in SEVERITY_LABELS:
                    assert severity_badge(severity, severities) == severity_badge(severity, SEVERITY_LABELS)
                for state in SCAR_STATES:
                    assert scar_state_badge(state, scars) == scar_state_badge(state, SCAR_STATES)
            assert str(lots["submitted"]) != "Submitted" or language == "en"


def test_the_longest_lists_count_no_further_than_the_cap(client, app, world, monkeypatch):
    """Every lot and the whole audit trail are counted up to COUNT_CAP (and one more): past it the page
    says "more than", and the count's cost stops growing with the data."""
    login_as(client, world.admin)
    lots = client.get("/lots").get_data(as_text=True)
    events = client.get("/audit").get_data(as_text=True)
    assert "More than" not in lots + events
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    assert "More than 2 lots" in client.get("/lots").get_data(as_text=True)
    assert "More than 2 events" in client.get("/audit").get_data(as_text=True)
    with app.app_context():
        found = pagination.count_up_to(select(AuditEvent.id), 2)
    assert found == 3  # the cap and one more: "more than 2"
