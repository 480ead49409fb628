"""The audit trail: the hash chain detects edits, deletions and forged rows; texts, history, page and CSV."""

from __future__ import annotations

import ast
import csv
import io
import json
import re
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from sqlalchemy import JSON, bindparam, func, select, text

from app.audit.export import HEADER, csv_cells
from app.audit.models import AuditEvent
from app.audit.services import GENESIS_HASH, event_hash, record, snapshot, verify_chain
from app.audit.texts import ACTION_TEXTS, changed_fields, describe
from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.states import TRANSITIONS
from app.scars.states import STEP_TRANSITIONS
from app.suppliers import services as supplier_services
from app.suppliers.models import Supplier
from tests.conftest import csrf_token, login_as

APP_DIR = Path(__file__).resolve().parents[2] / "app"
CODE_RE = re.compile(r"^[a-z_]+\.[a-z_]+$")


def _changes(count: int = 4) -> list[int]:
    """Make `count` real changes through the services; the ids of their events, oldest first."""
    supplier = supplier_services.create_supplier(code="CHAIN", legal_name="Chain Co., Ltd.", country="TH")
    values = {"code": "CHAIN", "legal_name": "Chain Co., Ltd.", "country": "TH", "status": "active"}
    values["default_language"] = "en"
    for n in range(count - 1):
        supplier_services.update_supplier(supplier, **{**values, "legal_name": f"Chain Co., Ltd. ({n})"})
    db.session.commit()
    return list(db.session.scalars(select(AuditEvent.id).order_by(AuditEvent.id)))[-count:]


def _event_count() -> int:
    return db.session.scalar(select(func.count(AuditEvent.id))) or 0


def _sql(statement: str, **params: object) -> None:
    db.session.execute(text(statement), params)
    db.session.commit()


def _rehash(event_id: int, **changes: object) -> None:
    """Rewrite a row behind the application's back and give it a hash that matches its new content."""
    row = db.session.execute(select(*AuditEvent.__table__.columns).where(AuditEvent.id == event_id)).one()
    forged = SimpleNamespace(**{**row._asdict(), **changes})
    statement = text(
        'UPDATE audit_event SET prev_hash = :prev, "after" = :after, hash = :hash WHERE id = :id'
    )
    db.session.execute(
        statement.bindparams(bindparam("after", type_=JSON)),
        {"prev": forged.prev_hash, "after": forged.after, "hash": event_hash(forged), "id": event_id},
    )
    db.session.commit()


# --- The chain --------------------------------------------------------------------------------


def test_chain_holds_after_changes_made_through_requests_and_services(app, client, world):
    login_as(client, world.admin)
    token = csrf_token(client, "/account")
    form = {"code": "SAIGON", "legal_name": "Saigon JSC", "country": "VN", "status": "active"}
    form["default_language"] = "en"
    assert client.post("/suppliers/new", data={"csrf_token": token, **form}).status_code == 302
    with app.app_context():
        ids = _changes()
        report = verify_chain()
        assert report.intact and report.broken_id is None
        assert report.checked == _event_count() and report.last_id == ids[-1]
        assert report.last_hash == db.session.get(AuditEvent, ids[-1]).hash


def test_chain_holds_when_two_suppliers_users_act_one_after_the_other(app, client, world):
    """A supplier user's queries are narrowed to their supplier: the chain's head must not be."""
    for inspector, lot in ((world.inspector_a, world.lot_a), (world.inspector_b, world.lot_b)):
        login_as(client, inspector)
        response = client.post(
            f"/lots/{lot}/attachments",
            data={
                "csrf_token": csrf_token(client, f"/lots/{lot}"),
                "file": (io.BytesIO(b"%PDF-1.4\nreport\n%%EOF\n"), "report.pdf"),
            },
            content_type="multipart/form-data",
        )
        assert response.status_code == 302
    with app.app_context():
        added = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "lot.attachment_added").order_by(AuditEvent.id)
        ).all()
        assert [event.supplier_id for event in added[-2:]] == [world.supplier_a, world.supplier_b]
        # B's event chains onto the event just before it (A's side), not onto B's own last event.
        before = db.session.scalar(
            select(AuditEvent.hash)
            .where(AuditEvent.id < added[-1].id)
            .order_by(AuditEvent.id.desc())
            .limit(1)
        )
        assert added[-1].prev_hash == before
        assert verify_chain().intact


def test_hash_read_back_equals_the_hash_recorded(app):
    with app.app_context():
        if db.engine.dialect.name == "postgresql":
            # Timestamps are read back in the session's zone; the hash must not depend on it.
            db.session.execute(text("SET TIME ZONE 'Asia/Tokyo'"))
        source = SimpleNamespace(
            when=date(2026, 4, 1), limit=Decimal("0.050"), ratio=0.1, name="ไทย 日本", n=None
        )
        after = {
            **snapshot(source, ("when", "limit", "ratio", "name", "n")),
            "rows": [{"b": 1, "a": [1.5, True]}],
        }
        recorded = record("part.updated", after=after)
        db.session.commit()
        row = db.session.execute(
            select(*AuditEvent.__table__.columns).where(AuditEvent.id == recorded.id)
        ).one()
        assert event_hash(row) == row.hash == recorded.hash
        assert verify_chain().intact


def test_empty_trail_is_intact(app):
    with app.app_context():
        report = verify_chain()
    assert (
        report.intact and report.checked == 0 and report.last_id is None and report.last_hash == GENESIS_HASH
    )


def test_an_edited_row_is_reported_as_edited(app):
    with app.app_context():
        ids = _changes()
        statement = text('UPDATE audit_event SET "after" = :after WHERE id = :id')
        db.session.execute(
            statement.bindparams(bindparam("after", type_=JSON)),
            {"after": {"legal_name": "Forged"}, "id": ids[1]},
        )
        db.session.commit()
        report = verify_chain()
    assert (report.broken_id, report.reason) == (ids[1], "edited")
    assert report.last_id == ids[0]


def test_a_deleted_row_breaks_the_link_of_the_next(app):
    with app.app_context():
        ids = _changes()
        _sql("DELETE FROM audit_event WHERE id = :id", id=ids[1])
        report = verify_chain()
    assert (report.broken_id, report.reason) == (ids[2], "link")


def test_a_deleted_row_relinked_with_a_recomputed_hash_breaks_the_row_after(app):
    with app.app_context():
        ids = _changes()
        first = db.session.get(AuditEvent, ids[0]).hash
        _sql("DELETE FROM audit_event WHERE id = :id", id=ids[1])
        _rehash(ids[2], prev_hash=first)
        report = verify_chain()
    assert (report.broken_id, report.reason) == (ids[3], "link")


def test_an_edited_row_given_a_matching_hash_breaks_the_row_after(app):
    with app.app_context():
        ids = _changes()
        _rehash(ids[1], after={"legal_name": "Forged"})
        report = verify_chain()
    assert (report.broken_id, report.reason) == (ids[2], "link")


def test_deleting_the_newest_events_is_caught_with_the_noted_head(app):
    with app.app_context():
        ids = _changes()
        head = verify_chain().last_hash
        _sql("DELETE FROM audit_event WHERE id = :id", id=ids[-1])
        assert verify_chain().intact  # a shorter chain is still a valid chain...
        report = verify_chain(expected_hash=head)
    assert report.reason == "truncated" and report.last_id == ids[-2]  # ...but not the one noted


def test_cli_says_intact_and_exits_0(app):
    with app.app_context():
        ids = _changes()
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    assert re.search(rf"Audit trail intact: \d+ events, last #{ids[-1]} at \d{{4}}-\d\d-\d\dT", result.output)


def test_cli_names_the_broken_event_and_exits_1(app):
    with app.app_context():
        ids = _changes()
        _sql("UPDATE audit_event SET object_id = 999 WHERE id = :id", id=ids[2])
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"Audit trail broken at event #{ids[2]} (edited)" in result.output


def test_cli_checks_the_expected_head(app):
    with app.app_context():
        ids = _changes()
        head = db.session.get(AuditEvent, ids[-1]).hash
        _sql("DELETE FROM audit_event WHERE id = :id", id=ids[-1])
    result = app.test_cli_runner().invoke(args=["audit", "verify", "--expect-head", head])
    assert result.exit_code == 1 and "(truncated)" in result.output


# --- Texts ------------------------------------------------------------------------------------


def _recorded_codes() -> set[str]:
    """Every action code written as a literal in a `record(...)` call anywhere in app/, and every
    action of the state machines' transition tables (their `move` records them)."""
    codes = {t.action for t in (*TRANSITIONS.values(), *STEP_TRANSITIONS.values()) if t.action}
    for path in APP_DIR.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
            if name == "record":
                codes |= {
                    c.value
                    for c in ast.walk(node.args[0])
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and CODE_RE.match(c.value)
                }
    return codes


def test_every_recorded_action_code_has_a_sentence(app):
    codes = _recorded_codes()
    assert {"supplier.created", "lot.submitted", "lot.resubmitted", "switching.changed"} <= codes
    with app.test_request_context():
        missing = sorted(code for code in codes if code not in ACTION_TEXTS)
        assert missing == []
        assert describe(SimpleNamespace(action="lot.submitted")) == "Lot submitted"


def test_unknown_codes_are_shown_as_they_are(app):
    with app.test_request_context():
        assert "supplier.merged" in describe(SimpleNamespace(action="supplier.merged"))


def test_changed_fields_lists_only_what_changed(app):
    with app.test_request_context():
        changes = changed_fields({"status": "active", "name": "A"}, {"status": "on_probation", "name": "A"})
        assert [(c.field, c.old, c.new) for c in changes] == [("status", "active", "on_probation")]
        created = changed_fields(None, {"is_active_account": True})
        assert [(c.label, c.old, c.new) for c in created] == [("Active", "", "yes")]


# --- History on record pages ------------------------------------------------------------------


def test_supplier_page_shows_its_history(app, client, world):
    login_as(client, world.admin)
    form = {"code": "ALPHA", "legal_name": "Alpha Renamed", "country": "TH", "status": "on_probation"}
    form["default_language"] = "en"
    client.post(
        f"/suppliers/{world.supplier_a}/edit", data={"csrf_token": csrf_token(client, "/account"), **form}
    )
    page = client.get(f"/suppliers/{world.supplier_a}").get_data(as_text=True)
    with app.app_context():
        admin_name = db.session.get(User, world.admin.id).name
    assert "History" in page and "Supplier changed" in page and admin_name in page
    assert "Alpha Renamed" in page and "on_probation" in page


def test_admin_home_describes_the_latest_changes(app, client, world):
    with app.app_context():
        _changes(2)
    login_as(client, world.admin)
    page = client.get("/home").get_data(as_text=True)
    assert "Supplier changed" in page and "Supplier CHAIN" in page and "supplier.updated" not in page


# --- The trail page and its CSV export --------------------------------------------------------


def _csv(response) -> list[list[str]]:  # type: ignore[no-untyped-def]
    body = response.get_data(as_text=True)
    response.close()
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def test_trail_page_filters_by_supplier_and_type(app, client, world):
    with app.app_context():
        _changes(2)
        chain_id = db.session.scalar(select(Supplier.id).where(Supplier.code == "CHAIN"))
    login_as(client, world.reviewer)
    page = client.get(f"/audit?supplier={chain_id}&object_type=Supplier").get_data(as_text=True)
    assert "Supplier created" in page and "Supplier changed" in page and "Lot created" not in page


def test_export_has_the_columns_and_escapes_formulas(app, client, world):
    evil_name = '=HYPERLINK("http://evil.example","Click")'
    with app.app_context():
        supplier_services.create_supplier(code='=HYPERLINK("X")', legal_name=evil_name, country="TH")
        db.session.commit()
    login_as(client, world.quality_manager)
    response = client.get("/audit/export.csv?object_type=Supplier")
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    assert "attachment" in response.headers["Content-Disposition"]
    rows = _csv(response)
    assert rows[0] == list(HEADER)
    (row,) = rows[1:]
    cells = dict(zip(HEADER, row, strict=True))
    assert cells["supplier_code"] == '\'=HYPERLINK("X")'
    assert cells["action"] == "supplier.created" and cells["description"] == "Supplier created"
    assert json.loads(cells["after"])["legal_name"] == evil_name and cells["time"].endswith("+00:00")
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row)


def test_csv_cells_escape_every_text_cell(app):
    row = SimpleNamespace(
        id=1,
        created_at=utcnow(),
        actor_email="@SUM(1)",
        supplier_code="-2+3",
        action="+x",
        object_type="=T",
        object_id=None,
        before=None,
        after="=cmd",
        prev_hash="0" * 64,
        hash="f" * 64,
    )
    with app.test_request_context():
        cells = csv_cells(row)
    assert cells[2:5] == ["'@SUM(1)", "'-2+3", "'+x"] and cells[6] == "'=T" and cells[9] == '"=cmd"'


def test_export_filters_by_dates_and_action(app, client, world):
    with app.app_context():
        _changes(3)
    login_as(client, world.admin)
    yesterday = (utcnow().date() - timedelta(days=2)).isoformat()
    assert _csv(client.get(f"/audit/export.csv?until={yesterday}"))[1:] == []
    rows = _csv(client.get("/audit/export.csv?action=changed&object_type=Supplier"))[1:]
    assert len(rows) == 2 and {r[4] for r in rows} == {"supplier.updated"}


@pytest.mark.parametrize("url", ["/audit", "/audit/export.csv"])
def test_supplier_users_may_not_read_the_trail(client, world, url):
    login_as(client, world.manager_a)
    assert client.get(url).status_code == 403
