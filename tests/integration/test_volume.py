"""`flask seed volume` at a tiny scale, in a database of its own (it commits, and uses fixed ids)."""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from types import SimpleNamespace

import pytest
from flask_migrate import upgrade
from sqlalchemy import JSON, Column, Integer, MetaData, Table, create_engine, select, text

from app.audit.models import AuditEvent
from app.audit.services import record, verify_chain
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot, Measurement
from app.suppliers.models import Supplier
from app.volume import bulk
from app.volume import cli as volume_cli
from app.volume.generator import generate
from app.volume.scorecard import CHARACTERISTICS
from tests.conftest import csrf_token, make_app
from tests.databases import scratch_database

LOTS = 300


@pytest.fixture(scope="module")
def volume(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SimpleNamespace]:
    """An app on a new migrated database, loaded once by the command with LOTS lots."""
    with scratch_database(tmp_path_factory.mktemp("volume")) as url:
        application = make_app(url, UPLOAD_FOLDER=str(tmp_path_factory.mktemp("uploads")))
        with application.app_context():
            upgrade()
        result = application.test_cli_runner().invoke(args=["seed", "volume", "--lots", str(LOTS)])
        assert result.exit_code == 0, result.output
        yield SimpleNamespace(app=application, output=result.output)
        with application.app_context():
            db.engine.dispose()


def scalar(volume: SimpleNamespace, sql: str) -> int:
    with volume.app.app_context():
        return int(db.session.execute(text(sql)).scalar_one())


def test_prints_rows_per_table_times_and_logins(volume):
    assert re.search(r"^  lot +300 ", volume.output, re.MULTILINE)
    assert re.search(r"^  measurement +[\d,]+ ", volume.output, re.MULTILINE)
    assert "Time: generate" in volume.output and "Database size:" in volume.output
    assert "password for all: quality-first-2026" in volume.output


def test_every_dataset_has_its_measured_samples_times_the_characteristics(volume):
    with volume.app.app_context():
        found = db.session.execute(
            text(
                "SELECT d.id, l.sample_size, count(m.id) FROM lot_dataset d JOIN lot l ON l.id = d.lot_id "
                "LEFT JOIN measurement m ON m.dataset_id = d.id GROUP BY d.id, l.sample_size"
            )
        ).all()
    assert len(found) > LOTS
    wrong = [row for row in found if row[2] != len(CHARACTERISTICS) * math.ceil(row[1] / 10)]
    assert wrong == []


def test_measurements_belong_to_their_lots_supplier_and_revision(volume):
    assert scalar(volume, "SELECT count(*) FROM measurement") > 0
    mismatched = scalar(
        volume,
        "SELECT count(*) FROM measurement m JOIN lot_dataset d ON d.id = m.dataset_id "
        "JOIN lot l ON l.id = d.lot_id JOIN characteristic c ON c.id = m.characteristic_id "
        "WHERE m.supplier_id <> l.supplier_id OR d.supplier_id <> l.supplier_id "
        "OR c.revision_id <> l.revision_id",
    )
    assert mismatched == 0


def test_foreign_keys_hold(volume):
    with volume.app.app_context():
        dialect = db.engine.dialect.name
    if dialect == "sqlite":
        assert scalar(volume, "SELECT count(*) FROM pragma_foreign_key_check") == 0
    else:  # the load dropped them and added them back, which checked every row
        sql = "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND conrelid = 'measurement'::regclass"
        assert scalar(volume, sql) == 3


def test_values_lie_within_their_results_range(volume):
    outside = scalar(
        volume,
        "SELECT count(*) FROM measurement m JOIN characteristic_result r "
        "ON r.dataset_id = m.dataset_id AND r.characteristic_id = m.characteristic_id "
        "WHERE m.value < r.minimum - 0.0005 OR m.value > r.maximum + 0.0005",
    )
    assert outside == 0
    assert scalar(volume, "SELECT count(*) FROM measurement WHERE value IS NULL AND passed IS NULL") == 0


def test_the_attribute_fails_on_the_samples_with_a_finding(volume):
    failed = "CASE WHEN m.passed THEN 0 ELSE 1 END"
    finding = "SELECT 1 FROM finding f WHERE f.dataset_id = m.dataset_id AND f.sample = m.sample"
    attribute = (
        "FROM measurement m JOIN characteristic c ON c.id = m.characteristic_id WHERE c.kind = 'attribute'"
    )
    assert scalar(volume, f"SELECT count(*) {attribute} AND {failed} = 1") > 0
    assert (
        scalar(
            volume,
            f"SELECT count(*) {attribute} AND {failed} <> CASE WHEN EXISTS ({finding}) THEN 1 ELSE 0 END",
        )
        == 0
    )


def test_scars_scale_with_the_lots():
    now = utcnow()
    shares = {"scar_share": volume_cli.SCAR_SHARE, "complaint_share": volume_cli.COMPLAINT_SHARE}
    per_lots = {
        lots: len(generate(lots, now, scorecard_data=True, **shares)["scar"]) for lots in (2_000, 6_000)
    }
    # About 5,000 per 100,000 lots, whatever the size.
    assert all(4_000 <= scars / lots * 100_000 <= 6_000 for lots, scars in per_lots.items()), per_lots


def test_every_printed_login_signs_in_with_the_printed_password(volume):
    password = re.search(r"password for all: (\S+)\)", volume.output).group(1)
    emails = re.findall(r"^  (\S+@\S+)", volume.output, re.MULTILINE)
    assert len(emails) == 5
    for email in emails:
        client = volume.app.test_client()
        data = {"csrf_token": csrf_token(client), "email": email, "password": password}
        response = client.post("/login", data=data)
        assert response.headers.get("Location") == "/home", email


def test_refuses_a_database_that_has_suppliers(volume):
    result = volume.app.test_cli_runner().invoke(args=["seed", "volume", "--lots", "10"])
    assert result.exit_code == 1
    assert "already has suppliers" in result.output
    assert scalar(volume, "SELECT count(*) FROM lot") == LOTS


def test_new_rows_get_ids_after_the_loaded_ones(volume):
    """On PostgreSQL the load moved the sequences past its explicit ids."""
    with volume.app.app_context():
        supplier = Supplier(code="NEW", legal_name="New Supplier Co., Ltd.", country="TH")
        db.session.add(supplier)
        last = db.session.scalars(select(Measurement).order_by(Measurement.id.desc()).limit(1)).one()
        value = Measurement(
            supplier_id=last.supplier_id,
            dataset_id=last.dataset_id,
            characteristic_id=last.characteristic_id,
            sample=999,
            passed=True,
        )
        db.session.add(value)
        db.session.flush()
        assert (supplier.id, value.id) == (101, last.id + 1)
        db.session.rollback()


# --- The audit trail -----------------------------------------------------------------------------

DECISION_ACTIONS = {
    "accepted": "lot.accepted",
    "rejected": "lot.rejected",
    "accepted_on_deviation": "lot.deviation_approved",
}


def test_the_audit_trail_is_one_intact_chain_in_time_order(volume):
    loaded = scalar(volume, "SELECT count(*) FROM audit_event WHERE object_type IN ('Lot', 'Scar')")
    assert loaded > 3 * LOTS
    assert re.search(rf"^  audit_event +{loaded:,} ", volume.output, re.MULTILINE)
    events = scalar(volume, "SELECT count(*) FROM audit_event")  # and the sign-ins of the tests above
    with volume.app.app_context():
        report = verify_chain()
        assert report.intact, report
        assert (report.checked, report.last_id) == (events, events)
        times = db.session.scalars(select(AuditEvent.created_at).order_by(AuditEvent.id)).all()
    assert times == sorted(times)
    result = volume.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and f"intact: {events} events" in result.output, result.output


def test_every_lot_has_the_events_of_its_life_at_its_own_times(volume):
    with volume.app.app_context():
        lots = db.session.scalars(select(Lot)).all()
        columns = (AuditEvent.object_id, AuditEvent.action, AuditEvent.created_at, AuditEvent.actor_id)
        query = select(*columns, AuditEvent.supplier_id, AuditEvent.after).where(
            AuditEvent.object_type == "Lot"
        )
        rows = db.session.execute(query.order_by(AuditEvent.id)).all()
    lives: dict[int, list] = {}
    for row in rows:
        lives.setdefault(row.object_id, []).append(row)
    assert len(lives) == LOTS
    for lot in lots:
        life = lives[lot.id]
        actions = [event.action for event in life]
        assert actions[0] == "lot.created" and life[0].created_at == lot.created_at, lot.id
        assert all(event.supplier_id == lot.supplier_id for event in life), lot.id
        if lot.state == "draft":
            assert actions == ["lot.created"]
            continue
        submitted = [e for e in life if e.action in ("lot.submitted", "lot.resubmitted")]
        assert len(submitted) == lot.submissions and submitted[-1].created_at == lot.submitted_at, lot.id
        assert submitted[-1].actor_id == lot.inspector_id
        assert submitted[-1].after["recommendation"] == lot.recommendation
        if lot.state in DECISION_ACTIONS:
            decision = life[-1]
            assert decision.action == DECISION_ACTIONS[lot.state], (lot.id, actions)
            assert decision.created_at == lot.decided_at and decision.actor_id == lot.reviewer_id
            assert (decision.after["state"], decision.after["reviewer_id"]) == (lot.state, lot.reviewer_id)
        elif lot.state == "returned":
            assert life[-1].action == "lot.returned" and life[-1].after["state"] == "returned"
        else:
            assert life[-1].after["state"] == lot.state, (lot.id, actions)


def test_every_scar_has_its_issue(volume):
    issued = scalar(
        volume,
        "SELECT count(*) FROM scar s JOIN audit_event e ON e.object_type = 'Scar' AND e.object_id = s.id "
        "AND e.action = 'scar.issued' AND e.supplier_id = s.supplier_id AND e.created_at = s.created_at",
    )
    assert issued == scalar(volume, "SELECT count(*) FROM scar") > 0


def test_events_recorded_after_the_load_continue_the_chain(volume):
    with volume.app.app_context():
        last = db.session.execute(text("SELECT max(id) FROM audit_event")).scalar_one()
        event = record("lot.attachment_removed", db.session.get(Lot, 1), before={"attachment": 1})
        assert event.id == last + 1
        report = verify_chain()
        assert report.intact and report.last_id == event.id, report
        db.session.rollback()


def test_the_load_page_cache_is_the_connections_own_again_afterwards():
    engine = create_engine("sqlite://")
    with engine.begin() as conn:
        own = conn.exec_driver_sql("PRAGMA cache_size").scalar()
        with bulk.page_cache(conn, 4096):
            assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == -4096
        assert conn.exec_driver_sql("PRAGMA cache_size").scalar() == own


def test_insert_dicts_reads_a_generator(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'rows.sqlite3'}")
    table = Table("row", MetaData(), Column("id", Integer, primary_key=True), Column("data", JSON))
    table.create(engine)
    with engine.begin() as conn:
        assert bulk.insert_dicts(conn, table, ({"id": i, "data": {"n": i}} for i in range(1, 4))) == 3
        assert bulk.insert_dicts(conn, table, iter(())) == 0
        assert conn.execute(select(table.c.data).order_by(table.c.id)).scalars().all() == [
            {"n": 1},
            {"n": 2},
            {"n": 3},
        ]
