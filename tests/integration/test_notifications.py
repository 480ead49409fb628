"""In-app notifications with their e-mail: written per recipient, counted in the nav, opened, read."""

from __future__ import annotations

import pytest
from flask_babel import get_locale
from sqlalchemy import event, select

from app.auth.models import Role, User
from app.extensions import db
from app.notifications import services, texts
from app.notifications.models import Notification, NotificationKind
from app.outbox.models import OutboxMessage
from app.suppliers.models import Supplier
from tests import factories
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

LOT = {"lot_number": "A-0042", "part_number": "PA-100", "supplier_code": "ALPHA"}
SUBMITTED = "Lot A-0042 of PA-100 from ALPHA was submitted for review."


def _users(*people) -> list[User]:  # type: ignore[no-untyped-def]
    return [db.session.get(User, p.id) for p in people]


def _mail_to(email: str) -> list[OutboxMessage]:
    """The e-mails to `email` about this module's lot (the world may have mailed others)."""
    query = select(OutboxMessage).where(
        OutboxMessage.recipient == email, OutboxMessage.subject.contains(LOT["lot_number"])
    )
    return list(db.session.scalars(query))


def _newcomer(world) -> factories.Person:  # type: ignore[no-untyped-def]
    """A fresh inspector of supplier A, with no notification yet."""
    user = factories.user(Role.SUPPLIER_INSPECTOR, db.session.get(Supplier, world.supplier_a))
    db.session.commit()
    return factories.person(user)


def _post(client, url: str):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/account")})


def test_notify_writes_one_row_and_one_email_per_distinct_active_recipient(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://kensa.example")
    with app.app_context():
        reviewer, qm, admin = _users(world.reviewer, world.quality_manager, world.admin)
        admin.is_active_account = False
        rows = services.notify(
            [reviewer, qm, reviewer, admin], NotificationKind.LOT_SUBMITTED, LOT, "/lots/12"
        )
        assert sorted(r.user_id for r in rows) == sorted([reviewer.id, qm.id])
        assert [r.url for r in rows] == ["/lots/12", "/lots/12"]
        assert len(_mail_to(reviewer.email)) == len(_mail_to(qm.email)) == 1
        assert _mail_to(admin.email) == []
        mail = _mail_to(reviewer.email)[0]
        assert mail.subject == SUBMITTED
        assert SUBMITTED in mail.body and "https://kensa.example/lots/12" in mail.body


def test_the_email_carries_the_message(app, world):
    with app.app_context():
        (inspector,) = _users(world.inspector_a)
        params = LOT | {"message": "Sample 3 of D1 is missing."}
        services.notify([inspector], NotificationKind.LOT_RETURNED, params, "/lots/12")
        body = _mail_to(inspector.email)[0].body
        assert "was returned for correction." in body
        assert "Message: Sample 3 of D1 is missing." in body


def test_each_email_is_written_in_its_recipients_locale(app, world, monkeypatch):
    # No catalogues are compiled yet, so the text itself stays English; what the
    # recipient's locale decides is the locale active while their e-mail is written.
    seen: list[tuple[str, str]] = []
    real_sentence = texts.sentence

    def spy(kind, params):  # type: ignore[no-untyped-def]
        seen.append((kind, str(get_locale())))
        return real_sentence(kind, params)

    monkeypatch.setattr(texts, "sentence", spy)
    with app.test_request_context():
        reviewer, qm = _users(world.reviewer, world.quality_manager)
        qm.locale = "ja"
        services.notify([reviewer, qm], NotificationKind.LOT_SUBMITTED, LOT, "/lots/12")
        assert [locale for _, locale in seen] == ["en", "ja"]
        assert _mail_to(reviewer.email)[0].subject == SUBMITTED


@pytest.mark.parametrize("path", ["https://evil.example/", "//evil.example/", "lots/12", "/\\evil.example"])
def test_notify_refuses_a_link_outside_the_app(app, world, path):
    with app.app_context(), pytest.raises(ValueError):
        services.notify(_users(world.reviewer), NotificationKind.LOT_SUBMITTED, LOT, path)


def test_each_decision_has_its_own_sentence(app):
    with app.app_context():
        sentences = {
            decision: texts.sentence(NotificationKind.LOT_DECIDED, LOT | {"decision": decision})
            for decision in ("accepted", "rejected", "accepted_on_deviation")
        }
    assert sentences["accepted"].endswith("was accepted.")
    assert sentences["rejected"].endswith("was rejected.")
    assert sentences["accepted_on_deviation"].endswith("was accepted on deviation.")


def test_every_kind_has_a_sentence_and_a_missing_param_does_not_break_it(app):
    with app.app_context():
        for kind in NotificationKind:
            assert "?" in texts.sentence(kind, {})


def test_nav_shows_the_unread_count_with_one_query(app, client, world):
    with app.app_context():
        newcomer = _newcomer(world)
        for _ in range(2):
            factories.notification(db.session.get(User, newcomer.id))
        db.session.commit()
    login_as(client, newcomer)
    statements: list[str] = []

    def record(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        page = client.get("/home").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert '<span class="badge text-bg-warning">2<span class="visually-hidden"> unread</span></span>' in page
    assert len([s for s in statements if "FROM notification" in s]) == 1


def test_the_list_shows_the_sentence_the_message_and_a_new_badge(app, client, world):
    with app.app_context():
        newcomer = _newcomer(world)
        read = factories.notification(db.session.get(User, newcomer.id))
        read.read_at = read.created_at
        factories.notification(db.session.get(User, newcomer.id), message="Please re-measure D1.")
        db.session.commit()
    login_as(client, newcomer)
    page = client.get("/notifications").get_data(as_text=True)
    assert "Lot A-0001 of PA-100 from ALPHA was submitted for review." in page
    assert "Please re-measure D1." in page
    assert page.count(">new</span>") == 1


def test_open_marks_read_and_goes_to_the_path(app, client, world):
    with app.app_context():
        unread = services.unread_count(world.inspector_a.id)
        row = factories.notification(db.session.get(User, world.inspector_a.id), path="/lots/7?tab=data")
        db.session.commit()
        row_id = row.id
    login_as(client, world.inspector_a)
    response = _post(client, f"/notifications/{row_id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/lots/7?tab=data"
    with app.app_context():
        assert db.session.get(Notification, row_id).read_at is not None
        assert services.unread_count(world.inspector_a.id) == unread


def test_a_colleagues_notification_is_404_and_stays_unread(app, client, world):
    login_as(client, world.manager_a)
    assert _post(client, f"/notifications/{world.notification_inspector_a}/open").status_code == 404
    with app.app_context():
        assert services.mark_read(world.manager_a.id, world.notification_inspector_a) is None
        assert db.session.get(Notification, world.notification_inspector_a).read_at is None


@pytest.mark.parametrize(
    "url", ["https://evil.example/", "//evil.example/", "/\\evil.example", "javascript:x"]
)
def test_a_url_outside_the_app_is_never_a_redirect_target(app, client, world, url):
    with app.app_context():
        # Written past notify(), which refuses such links, as a row from elsewhere might be.
        row = factories.notification(db.session.get(User, world.inspector_a.id), path=url)
        db.session.commit()
        row_id = row.id
    login_as(client, world.inspector_a)
    response = _post(client, f"/notifications/{row_id}/open")
    assert response.status_code == 302 and response.headers["Location"] == "/notifications"


def test_mark_all_read_touches_only_the_users_own(app, client, world):
    with app.app_context():
        factories.notification(db.session.get(User, world.inspector_a.id))
        db.session.commit()
        colleagues_unread = services.unread_count(world.manager_a.id)
    login_as(client, world.inspector_a)
    assert _post(client, "/notifications/read-all").headers["Location"] == "/notifications"
    page = client.get("/notifications").get_data(as_text=True)
    assert ">new</span>" not in page and 'visually-hidden"> unread' not in page
    with app.app_context():
        assert services.unread_count(world.inspector_a.id) == 0
        assert services.unread_count(world.manager_a.id) == colleagues_unread > 0


def test_the_list_is_newest_first_in_pages_of_fifty(app, world):
    with app.app_context():
        (inspector,) = _users(_newcomer(world))
        for n in range(56):
            factories.notification(inspector, lot_number=f"N-{n:02d}")
        first, second = services.page_of(inspector.id, 1), services.page_of(inspector.id, 2)
        assert (first.total, first.pages, len(first.items), len(second.items)) == (56, 2, 50, 6)
        assert first.items[0].params["lot_number"] == "N-55"
