"""Every permission question (app/<domain>/policy.py), asked for every role, of its own supplier's
records and of another supplier's: the one answer that views, templates and services use."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest

from app import policies
from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot
from app.scars.models import Scar, ScarStep, StepState
from app.standards.models import StandardRevision
from tests.integration.access_routes import (
    ADMIN,
    ALL,
    INTERNAL,
    MANAGER,
    PART_EDITORS,
    QM,
    REVIEWERS,
    SUPPLIER,
)
from tests.integration.test_access import ACTOR

pytestmark = pytest.mark.shared_world

NOBODY: frozenset[Any] = frozenset()
REVIEWER_ONLY = frozenset(r for r in REVIEWERS if r.value == "reviewer")


def _lot(w: SimpleNamespace, key: str) -> Lot:
    return db.session.get(Lot, getattr(w, key))


def _scar(w: SimpleNamespace, own: bool) -> Scar:
    return db.session.get(Scar, w.scar_a if own else w.scar_b)


def _step(w: SimpleNamespace, own: bool, state: StepState | None = None) -> ScarStep:
    step = next(s for s in _scar(w, own).steps if s.code == "D0")
    if state is not None:
        step.state = state  # rolled back with the test's savepoint
    return step


def _user(w: SimpleNamespace, key: str) -> User:
    return db.session.get(User, getattr(w, key).id)


def _deviation_asked_by(signer_id: int) -> SimpleNamespace:
    """A deviation waiting for its second signature, as the policy reads it."""
    return SimpleNamespace(requested=SimpleNamespace(signer_id=signer_id))


@dataclass(frozen=True)
class Question:
    """The arguments after the user, for supplier A's record (own) or B's, and who may, for each."""

    args: Callable[[SimpleNamespace, bool], tuple[Any, ...]]
    own: frozenset[Any]
    foreign: frozenset[Any] | None = None  # None: the question names no supplier's record

    def allowed(self, own: bool) -> frozenset[Any]:
        return self.own if own or self.foreign is None else self.foreign


def _none(w: SimpleNamespace, own: bool) -> tuple[Any, ...]:
    return ()


QUESTIONS: dict[str, Question] = {
    # lots
    "can_create_lots": Question(_none, SUPPLIER),
    "can_edit_lot": Question(lambda w, o: (_lot(w, "lot_a" if o else "lot_b"),), SUPPLIER, NOBODY),
    # reviews: the brand reviews every supplier's lots
    "is_reviewer": Question(_none, REVIEWERS),
    "can_claim": Question(
        lambda w, o: (_lot(w, "submitted_a" if o else "submitted_b"),), REVIEWERS, REVIEWERS
    ),
    "is_reviewing": Question(lambda w, o: (_lot(w, "in_review_a"),), REVIEWER_ONLY),
    "can_release": Question(lambda w, o: (_lot(w, "in_review_a"), None), REVIEWERS),
    "can_decide": Question(lambda w, o: (_lot(w, "in_review_a"), None), REVIEWER_ONLY),
    "can_countersign": Question(lambda w, o: (_deviation_asked_by(w.reviewer.id),), QM),
    "sees_charts": Question(_none, INTERNAL),
    "can_freeze_baseline": Question(_none, QM),
    "sees_review_queue": Question(_none, INTERNAL),
    # SCARs
    "is_issuer": Question(_none, REVIEWERS),
    "can_raise_scar": Question(_none, REVIEWERS),
    "can_raise_scar_for": Question(lambda w, o: (SimpleNamespace(state="rejected"),), REVIEWERS),
    "can_answer": Question(lambda w, o: (_step(w, o),), SUPPLIER, NOBODY),
    "can_sign_steps": Question(_none, MANAGER),
    "can_judge_step": Question(lambda w, o: (_step(w, o, StepState.SUBMITTED),), REVIEWERS, REVIEWERS),
    "can_set_due_dates": Question(
        lambda w, o: (db.session.get(Scar, w.scar_a if o else w.scar_b),), REVIEWERS, REVIEWERS
    ),
    "can_edit_deadline_policy": Question(_none, QM),
    "can_attach_to_scar": Question(lambda w, o: (_scar(w, o),), SUPPLIER | REVIEWERS, REVIEWERS),
    # scorecards
    "can_publish": Question(_none, QM),
    "can_edit_scoring_rules": Question(_none, QM),
    "can_edit_targets": Question(_none, QM),
    "sees_drafts": Question(_none, INTERNAL),
    # master data
    "can_edit_parts": Question(_none, PART_EDITORS),
    "can_author_standards": Question(_none, QM),
    "can_edit_revision": Question(lambda w, o: (SimpleNamespace(is_draft=True),), QM),
    "can_edit_defect_codes": Question(_none, PART_EDITORS),
    "can_record_certificates": Question(_none, PART_EDITORS),
    "can_grant_waivers": Question(_none, QM),
    "can_change_switching": Question(_none, QM),
    "sees_own_severity": Question(_none, SUPPLIER),
    "can_edit_suppliers": Question(_none, ADMIN),
    "can_assign_reviewers": Question(_none, PART_EDITORS),
    "sees_all_suppliers": Question(_none, INTERNAL),
    # audit
    "sees_audit_trail": Question(_none, INTERNAL),
    # users
    "can_manage_users": Question(_none, ADMIN | MANAGER),
    "can_administer": Question(_none, ADMIN),
    "can_manage_team": Question(_none, MANAGER),
    "can_reactivate": Question(
        lambda w, o: (_user(w, "inspector_a" if o else "inspector_b"),), ADMIN | MANAGER, ADMIN
    ),
    "can_reset_second_factor": Question(lambda w, o: (SimpleNamespace(has_second_factor=True, id=0),), ADMIN),
    "can_end_sessions_of": Question(
        lambda w, o: (_user(w, "inspector_a" if o else "inspector_b"),), ADMIN, ADMIN
    ),
}


def test_every_question_of_every_policy_is_in_the_table():
    assert set(policies.questions()) == set(QUESTIONS)


@pytest.mark.parametrize("own", [True, False], ids=["own", "other supplier's"])
@pytest.mark.parametrize("role", sorted(ALL))
@pytest.mark.parametrize("name", sorted(QUESTIONS))
def test_each_question_answers_each_role(app, world, name, role, own):
    question = QUESTIONS[name]
    with app.app_context():
        user = _user(world, ACTOR[role])
        answer = policies.questions()[name](user, *question.args(world, own))
    assert answer is (role in question.allowed(own))


def test_a_deviation_is_countersigned_by_another_quality_manager_only(app, world):
    with app.app_context():
        manager = _user(world, "quality_manager")
        countersign = policies.questions()["can_countersign"]
        assert countersign(manager, _deviation_asked_by(world.reviewer.id))
        assert not countersign(manager, _deviation_asked_by(manager.id))
        assert not countersign(manager, None)


def test_a_user_whom_the_brand_deactivated_is_reactivated_by_an_admin_only(app, world):
    with app.app_context():
        inspector = _user(world, "inspector_a")
        inspector.deactivated_by_internal = True
        reactivate = policies.questions()["can_reactivate"]
        assert not reactivate(_user(world, "manager_a"), inspector)
        assert reactivate(_user(world, "admin"), inspector)


def test_a_released_revision_is_edited_by_nobody(app, world):
    with app.app_context():
        revision = db.session.get(StandardRevision, world.revision_a)
        manager = _user(world, "quality_manager")
        assert not policies.questions()["can_edit_revision"](manager, revision)
