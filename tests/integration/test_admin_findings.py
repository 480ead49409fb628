"""F6, F11 and the extra fixes of issue #13: invitations across suppliers, a keyed audit chain,
reactivation by a supplier manager, and the SCAR problem's length."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC

import pytest
from sqlalchemy import select, text

from app.audit.models import AuditEvent
from app.audit.services import record, verify_chain
from app.auth.models import User
from app.extensions import db
from app.rules import RuleError
from app.scars import services as scar_services
from app.scars.models import PROBLEM_MAX_LENGTH
from app.suppliers.models import Supplier
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world


def _invite(client, email: str):
    data = {
        "csrf_token": csrf_token(client, "/team/invite"),
        "email": email,
        "name": "New",
        "role": "supplier_inspector",
    }
    return client.post("/team/invite", data=data)


def test_f6_inviting_another_suppliers_address_answers_as_for_any_taken_one(client, world):
    login_as(client, world.manager_a)
    theirs, ours = _invite(client, world.inspector_b.email), _invite(client, world.inspector_a.email)
    assert theirs.status_code == ours.status_code == 200
    message = "A user with this e-mail address already exists."
    for response in (theirs, ours):
        page = response.get_data(as_text=True)
        assert message in page and 'id="email-error"' in page
        assert "BRAVO" not in page and "Supplier 2" not in page  # nothing about whose address it is


def _deactivate_and_reactivate(app, world, deactivator):  # type: ignore[no-untyped-def]
    by, manager = app.test_client(), app.test_client()
    login_as(by, deactivator)
    login_as(manager, world.manager_a)
    url = f"/users/{world.inspector_a.id}"
    by.post(f"{url}/deactivate", data={"csrf_token": csrf_token(by, "/account")})
    manager.post(f"{url}/reactivate", data={"csrf_token": csrf_token(manager, "/account")})
    with app.app_context():
        return db.session.get(User, world.inspector_a.id).is_active_account


def test_a_supplier_manager_cannot_reactivate_a_user_whom_an_admin_deactivated(app, world):
    assert _deactivate_and_reactivate(app, world, world.admin) is False


def test_a_supplier_manager_still_reactivates_a_colleague_they_deactivated(app, world):
    assert _deactivate_and_reactivate(app, world, world.manager_a) is True


def test_the_scar_problem_has_a_length_limit_in_the_service(app, world):
    with app.app_context():
        reviewer = db.session.get(User, world.reviewer.id)
        data = scar_services.ScarInput(
            world.supplier_a, world.part_a, "major", "other", "Burrs", "x" * (PROBLEM_MAX_LENGTH + 1)
        )
        with pytest.raises(RuleError) as caught:
            scar_services.raise_scar(data, reviewer)
        assert caught.value.field == "problem"


def _recompute_without_the_key() -> None:
    """What someone with database access can do: edit a row, then recompute every hash and link."""
    rows = db.session.execute(select(*AuditEvent.__table__.columns).order_by(AuditEvent.id)).all()
    prev = "0" * 64
    for row in rows:
        content = {
            "prev": prev,
            "at": row.created_at.astimezone(UTC).isoformat(),
            "actor": row.actor_id,
            "supplier": row.supplier_id,
            "action": row.action,
            "type": row.object_type,
            "id": row.object_id,
            "before": row.before,
            "after": row.after,
        }
        canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        db.session.execute(
            text("UPDATE audit_event SET prev_hash = :prev, hash = :hash WHERE id = :id"),
            {"prev": prev, "hash": digest, "id": row.id},
        )
        prev = digest
    db.session.commit()


def test_f11_a_recomputed_chain_fails_verification(app, world):
    with app.app_context():
        record("test.evidence", db.session.get(Supplier, world.supplier_a), after={"result": "reject"})
        db.session.commit()
        assert verify_chain().intact
        db.session.execute(
            text("""UPDATE audit_event SET action = 'test.forged' WHERE action = 'test.evidence'""")
        )
        _recompute_without_the_key()
        report = verify_chain()
        assert not report.intact and report.reason == "edited" and report.checked == 0


def test_f11_a_chain_written_under_a_retired_key_verifies_with_it_listed(app, world):
    with app.app_context():
        record("test.before_rotation", db.session.get(Supplier, world.supplier_a))
        db.session.commit()
        old_key = app.config["AUDIT_KEY"]
        app.config.update(AUDIT_KEY_ID="2", AUDIT_KEY="a-new-key-after-rotation")
        try:
            record("test.after_rotation", db.session.get(Supplier, world.supplier_a))
            db.session.commit()
            assert verify_chain().reason == "unknown_key"
            app.config["AUDIT_OLD_KEYS"] = f"1={old_key}"
            assert verify_chain().intact
        finally:
            app.config.update(AUDIT_KEY_ID="1", AUDIT_KEY=old_key, AUDIT_OLD_KEYS="")
