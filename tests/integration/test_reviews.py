"""Reviewing lots: claim, signed decisions, deviations with a second signature, switching, notices, queue."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.lots import data as lot_data
from app.lots import services as lot_services
from app.lots.entry import RawCell
from app.lots.models import Lot, LotState
from app.notifications.models import Notification
from app.outbox.models import OutboxMessage
from app.reviews import assignments, services
from app.reviews.models import DeviationState, Meaning, ReviewerAssignment
from app.reviews.services import Decision, DeviationInput, LotChangedError
from app.rules import RuleError
from app.sampling.models import SwitchingEvent
from app.suppliers.models import Site
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

WRONG = "not-my-password-1"


def _lot(lot_id: int) -> Lot:
    return db.session.get(Lot, lot_id)


def _user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def _claimed(world) -> tuple[Lot, User]:  # type: ignore[no-untyped-def]
    return _lot(world.in_review_a), _user(world.reviewer)


def _signed(lot: Lot) -> list[tuple[str, str]]:
    return [(s.meaning, s.reason) for s in services.signatures_of(lot)]


# --- Claim -------------------------------------------------------------------------------------


def test_claiming_puts_the_lot_in_review_and_assigns_it(app, world):
    with app.app_context():
        lot, reviewer = _lot(world.submitted_a), _user(world.reviewer)
        version = lot.version
        services.claim(lot, reviewer, version)
        assert (lot.state, lot.reviewer_id) == (LotState.IN_REVIEW, reviewer.id)
        assert lot.claimed_at is not None and lot.version == version + 1
        other = _user(world.quality_manager)
        with pytest.raises(LotChangedError):
            services.claim(lot, other, version + 1)  # already claimed by someone else


def test_suppliers_and_admins_cannot_decide_lots(app, world):
    with app.app_context():
        lot = _lot(world.submitted_a)
        for person in (world.inspector_a, world.manager_a, world.admin):
            with pytest.raises(RuleError, match="Only the brand's reviewers"):
                services.claim(lot, _user(person))


def test_only_the_claiming_reviewer_decides(app, world):
    with app.app_context():
        lot = _lot(world.in_review_a)
        manager = _user(world.quality_manager)
        with pytest.raises(RuleError, match="is reviewing this lot"):
            services.decide(
                lot, manager, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=None
            )
        assert lot.state == LotState.IN_REVIEW


def test_release_gives_the_lot_back_to_the_queue(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.release(lot, reviewer)
        assert (lot.state, lot.reviewer_id) == (LotState.SUBMITTED, None)


# --- Signed decisions --------------------------------------------------------------------------


def test_accepting_records_a_final_signature_audits_it_and_feeds_the_switching_rules(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        events_before = db.session.scalar(select(func.count(SwitchingEvent.id))) or 0
        signature = services.decide(
            lot, reviewer, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=lot.version
        )
        assert lot.state == LotState.ACCEPTED and lot.decided_at is not None
        assert (signature.signer_id, signature.signer_name, signature.meaning) == (
            reviewer.id,
            reviewer.name,
            Meaning.APPROVED,
        )
        assert signature.dataset_id is not None
        audit = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id)
        ).all()
        assert audit[-1].action == "lot.accepted" and audit[-1].after["signature"] == signature.id
        # One lot decided on original inspection: each class's record counts it once.
        assert (db.session.scalar(select(func.count(SwitchingEvent.id))) or 0) > events_before
        # A signature is final.
        signature.reason = "changed afterwards"
        with pytest.raises(ValueError, match="final"):
            db.session.flush()
        db.session.rollback()


def test_a_wrong_password_signs_nothing_and_counts_as_a_failed_sign_in(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        with pytest.raises(RuleError, match="password is not correct") as refused:
            services.decide(
                lot,
                reviewer,
                Decision.REJECT,
                reason="Burrs",
                password=WRONG,
                version=None,
                acknowledged=True,
            )
        assert refused.value.field == "password"
        assert lot.state == LotState.IN_REVIEW and _signed(lot) == []


def test_five_wrong_signatures_lock_the_account_even_with_the_right_password(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        for _ in range(app.config["LOGIN_MAX_FAILURES"]):
            with pytest.raises(RuleError):
                services.decide(lot, reviewer, Decision.ACCEPT, reason="", password=WRONG, version=None)
        with pytest.raises(RuleError, match="password is not correct"):
            services.decide(
                lot, reviewer, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=None
            )


@pytest.mark.parametrize("decision", [Decision.REJECT, Decision.RETURN])
def test_rejecting_and_returning_need_a_reason(app, world, decision):
    with app.app_context():
        lot, reviewer = _claimed(world)
        with pytest.raises(RuleError) as refused:
            services.decide(lot, reviewer, decision, reason="  ", password=factories.PASSWORD, version=None)
        assert refused.value.field == "reason"


def test_a_stale_version_is_refused_as_a_changed_lot(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        with pytest.raises(LotChangedError):
            services.decide(
                lot,
                reviewer,
                Decision.ACCEPT,
                reason="",
                password=factories.PASSWORD,
                version=lot.version - 1,
            )


def test_returning_sends_the_lot_back_to_the_supplier_who_resubmits_it(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.decide(
            lot, reviewer, Decision.RETURN, reason="Sample 3 D1 looks mistyped", password=factories.PASSWORD,
            version=None,
        )  # fmt: skip
        assert (lot.state, lot.reviewer_id, lot.decided_at) == (LotState.RETURNED, None, None)
        notes = db.session.scalars(select(Notification).where(Notification.kind == "lot_returned")).all()
        assert {n.user_id for n in notes} == {world.inspector_a.id, world.manager_a.id}
        assert notes[0].params["message"] == "Sample 3 D1 looks mistyped"
        lot_services.submit(lot, _user(world.inspector_a))
        assert lot.state == LotState.SUBMITTED and lot.submissions == 2


def test_decisions_notify_the_supplier_by_app_and_email(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.decide(
            lot,
            reviewer,
            Decision.REJECT,
            reason="Burrs on the bore",
            password=factories.PASSWORD,
            version=None,
            acknowledged=True,
        )
        notes = db.session.scalars(select(Notification).where(Notification.kind == "lot_decided")).all()
        assert {n.user_id for n in notes} == {world.inspector_a.id, world.manager_a.id}
        assert all(n.params["decision"] == "rejected" and n.url == f"/lots/{lot.id}" for n in notes)
        mails = db.session.scalars(
            select(OutboxMessage).where(OutboxMessage.recipient.in_([world.inspector_a.email]))
        ).all()
        assert any("Burrs on the bore" in m.body for m in mails)


def test_submitting_notifies_the_assigned_reviewers_or_else_every_reviewer(app, world):
    with app.app_context():
        site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
        part = db.session.get(type(_lot(world.lot_a).part), world.part_a)
        other_reviewer = factories.user(Role.REVIEWER)
        factories.submitted_lot(site, part, inspector, "N-1")
        first = {
            n.user_id
            for n in db.session.scalars(
                select(Notification).where(Notification.params["lot_number"].as_string() == "N-1")
            )
        }
        assert first == {world.reviewer.id, other_reviewer.id}
        db.session.add(ReviewerAssignment(supplier_id=world.supplier_a, user_id=other_reviewer.id))
        factories.submitted_lot(site, part, inspector, "N-2")
        second = {
            n.user_id
            for n in db.session.scalars(
                select(Notification).where(Notification.params["lot_number"].as_string() == "N-2")
            )
        }
        assert second == {other_reviewer.id}


# --- Deviations: two signatures ----------------------------------------------------------------


def _deviation(days: int = 30, quantity: int = 10) -> DeviationInput:
    return DeviationInput("Cosmetic only, customer agreed", quantity, utcnow().date() + timedelta(days=days))


def test_a_deviation_takes_effect_only_with_a_quality_managers_second_signature(app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        deviation = services.request_deviation(
            lot, reviewer, _deviation(), password=factories.PASSWORD, version=None
        )
        assert lot.state == LotState.IN_REVIEW and deviation.state == DeviationState.AWAITING
        managers = {
            n.user_id
            for n in db.session.scalars(
                select(Notification).where(Notification.kind == "deviation_awaiting_signature")
            )
        }
        assert managers == {world.quality_manager.id}
        # The reviewer cannot give the second signature, nor decide otherwise meanwhile.
        with pytest.raises(RuleError, match="Only a quality manager"):
            services.sign_deviation(
                lot, reviewer, approve=True, comment="", password=factories.PASSWORD, version=None
            )
        with pytest.raises(RuleError, match="second signature"):
            services.decide(
                lot, reviewer, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=None
            )
        manager = _user(world.quality_manager)
        services.sign_deviation(
            lot, manager, approve=True, comment="", password=factories.PASSWORD, version=None
        )
        assert lot.state == LotState.ACCEPTED_ON_DEVIATION and deviation.state == DeviationState.APPROVED
        assert [m for m, _r in _signed(lot)] == [Meaning.DEVIATION_REQUESTED, Meaning.DEVIATION_APPROVED]


def test_a_quality_manager_cannot_give_both_signatures(app, world):
    with app.app_context():
        lot = _lot(world.submitted_a)
        manager = _user(world.quality_manager)
        services.claim(lot, manager)
        services.request_deviation(lot, manager, _deviation(), password=factories.PASSWORD, version=None)
        with pytest.raises(RuleError, match="another quality manager"):
            services.sign_deviation(
                lot, manager, approve=True, comment="", password=factories.PASSWORD, version=None
            )
        second = factories.user(Role.QUALITY_MANAGER)
        with pytest.raises(RuleError) as refused:
            services.sign_deviation(
                lot, second, approve=False, comment=" ", password=factories.PASSWORD, version=None
            )
        assert refused.value.field == "comment"
        services.sign_deviation(
            lot, second, approve=False, comment="Not acceptable", password=factories.PASSWORD, version=None
        )
        assert lot.state == LotState.IN_REVIEW and services.awaiting_deviation(lot) is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (_deviation(days=0), "expires_on"),
        (_deviation(quantity=0), "quantity"),
        (_deviation(quantity=10**6), "quantity"),
    ],
)
def test_a_deviation_needs_a_quantity_within_the_lot_and_a_future_expiry(app, world, data, field):
    with app.app_context():
        lot, reviewer = _claimed(world)
        with pytest.raises(RuleError) as refused:
            services.request_deviation(lot, reviewer, data, password=factories.PASSWORD, version=None)
        assert refused.value.field == field


# --- Through the pages -------------------------------------------------------------------------


def test_a_wrong_password_keeps_what_was_typed_next_to_the_field(client, app, world):
    login_as(client, world.reviewer)
    url = f"/lots/{world.in_review_a}"
    token = csrf_token(client, url)
    response = client.post(
        f"{url}/decision",
        data={
            "csrf_token": token,
            "decision": "reject",
            "reason": "Burr at the edge & <b>",
            "acknowledge": "y",
            "password": WRONG,
        },
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "password is not correct" in html
    assert "Burr at the edge &amp; &lt;b&gt;" in html  # kept, escaped
    assert re.search(r'<input checked[^>]*value="reject"', html)


def test_two_tabs_the_second_is_told_the_lot_changed(client, app, world):
    login_as(client, world.reviewer)
    url = f"/lots/{world.in_review_a}"
    token = csrf_token(client, url)
    with app.app_context():
        seen = _lot(world.in_review_a).version
    first = client.post(
        f"{url}/decision",
        data={"csrf_token": token, "version": seen, "decision": "accept", "password": factories.PASSWORD},
    )
    assert first.status_code == 302
    second = client.post(
        f"{url}/decision",
        data={
            "csrf_token": token,
            "version": seen,
            "decision": "reject",
            "reason": "x",
            "password": factories.PASSWORD,
        },
    )
    assert second.status_code == 409
    assert "Someone else changed this lot" in second.get_data(as_text=True)
    with app.app_context():
        assert _lot(world.in_review_a).state == LotState.ACCEPTED
        assert len(services.signatures_of(_lot(world.in_review_a))) == 1


def test_the_supplier_sees_the_decision_and_its_reason(client, app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.decide(
            lot,
            reviewer,
            Decision.REJECT,
            reason="Bore out of tolerance on 3 samples",
            password=factories.PASSWORD,
            version=None,
            acknowledged=True,
        )
        db.session.commit()
    login_as(client, world.inspector_a)
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    assert "Bore out of tolerance on 3 samples" in html
    assert "Sign and decide" not in html and "Claim this lot" not in html


# --- Queue and home ----------------------------------------------------------------------------


def test_the_queue_lists_waiting_lots_assigned_suppliers_first_without_n_plus_1(client, app, world):
    with app.app_context():
        db.session.add(ReviewerAssignment(supplier_id=world.supplier_b, user_id=world.reviewer.id))
        db.session.commit()
    login_as(client, world.reviewer)
    few, html = count_page_statements(app, client, "/review")
    # Supplier B is assigned: its lot comes first even though A's were submitted earlier.
    assert html.index("B-0002") < html.index("A-0002")
    assert "A-0001" not in html  # a draft is not waiting
    with app.app_context():
        site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
        part = _lot(world.lot_a).part
        for i in range(6):
            factories.submitted_lot(site, part, inspector, f"Q-{i}")
        db.session.commit()
    many, html = count_page_statements(app, client, "/review")
    assert "Q-5" in html
    assert many == few


def test_the_queue_filters_by_state_and_recommendation(client, app, world):
    login_as(client, world.reviewer)
    mine = client.get("/review?state=mine").get_data(as_text=True)
    assert "A-0003" in mine and "A-0002" not in mine
    unclaimed = client.get("/review?state=submitted").get_data(as_text=True)
    assert "A-0002" in unclaimed and "A-0003" not in unclaimed
    none = client.get("/review?recommendation=reject").get_data(as_text=True)
    assert "A-0002" not in none


def test_the_internal_home_shows_the_queue_and_the_weeks_decisions(client, app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.decide(
            lot,
            reviewer,
            Decision.REJECT,
            reason="Burrs",
            password=factories.PASSWORD,
            version=None,
            acknowledged=True,
        )
        db.session.commit()
    login_as(client, world.quality_manager)
    html = client.get("/home").get_data(as_text=True)
    assert "Lots waiting for review" in html and "Lots decided this week" in html
    with app.app_context():
        accepted = db.session.scalar(select(func.count(Lot.id)).where(Lot.state == LotState.ACCEPTED))
    assert f"{accepted} accepted, 1 rejected, 0 accepted on deviation" in html
    assert "ALPHA" in html.split("Most rejections this month", 1)[1]


def test_quality_managers_assign_reviewers_to_a_supplier(client, app, world):
    login_as(client, world.quality_manager)
    url = f"/suppliers/{world.supplier_a}/reviewers"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), "reviewers": [world.reviewer.id]}
    )
    assert response.status_code == 302
    with app.app_context():
        assert [u.id for u in assignments.assigned_reviewers(world.supplier_a)] == [world.reviewer.id]
    refused = client.post(
        url, data={"csrf_token": csrf_token(client, url), "reviewers": [world.inspector_a.id]}
    )
    assert refused.status_code == 200 and "is not a valid choice" in refused.get_data(as_text=True)


def test_the_supplier_reads_the_return_message_where_they_correct_the_data(client, app, world):
    with app.app_context():
        lot, reviewer = _claimed(world)
        services.decide(
            lot, reviewer, Decision.RETURN, reason="Sample 3: 10.8 looks like a typo for 10.08",
            password=factories.PASSWORD, version=None,
        )  # fmt: skip
        db.session.commit()
    login_as(client, world.inspector_a)
    html = client.get(f"/lots/{world.in_review_a}/data").get_data(as_text=True)
    assert "Returned for correction by" in html and "10.8 looks like a typo for 10.08" in html


def test_a_submission_from_the_suppliers_page_reaches_the_brands_reviewers(client, app, world):
    """Reviewers are out of a supplier user's scope; the submission still notifies them."""
    with app.app_context():
        site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
        lot = factories.lot(site, _lot(world.lot_a).part, inspector, "WEB-1")
        cells = [
            RawCell(sample, c, factories.in_spec(sample, c))
            for sample in range(1, lot.sample_size + 1)
            for c in lot_data.characteristics_of(lot)
        ]
        lot_data.save_entries(lot, cells, [])
        db.session.commit()
        lot_id = lot.id
    login_as(client, world.inspector_a)
    response = client.post(
        f"/lots/{lot_id}/submit", data={"csrf_token": csrf_token(client, f"/lots/{lot_id}")}
    )
    assert response.status_code == 302
    with app.app_context():
        told = db.session.scalars(
            select(Notification.user_id).where(
                Notification.kind == "lot_submitted", Notification.url == f"/lots/{lot_id}"
            )
        ).all()
    assert told == [world.reviewer.id]


def test_a_long_queue_pages_and_filters_by_part_number(client, app, world):
    with app.app_context():
        site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
        part = _lot(world.lot_a).part
        for i in range(50):
            factories.submitted_lot(site, part, inspector, f"P-{i:02d}")
        db.session.commit()
    login_as(client, world.reviewer)
    first = client.get("/review").get_data(as_text=True)
    assert "Page 1 of 2" in first and "Next" in first
    second = client.get("/review?page=2&sort=newest")
    assert second.status_code == 200 and "Previous" in second.get_data(as_text=True)
    # Filters stay in the page links.
    assert "sort=newest" in second.get_data(as_text=True).split("Previous")[0].rsplit("href=", 1)[1]
    by_part = client.get("/review?part=PB-200").get_data(as_text=True)
    assert "B-0002" in by_part and "P-00" not in by_part
    unknown = client.get("/review?part=NOPE-1").get_data(as_text=True)
    assert "No part has the number NOPE-1." in unknown and "No lots match." in unknown


def test_the_review_page_shows_the_raw_data_with_out_of_spec_values_marked(client, app, world):
    """The default standard's bore diameter is 9.95-10.05 mm: 10.20 in sample 2 is out of spec."""
    with app.app_context():
        site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
        part = _lot(world.lot_a).part
        lot = factories.submitted_lot(
            site, part, inspector, "RAW-1", value=lambda s, c: "10.20" if s == 2 else "10.01"
        )
        db.session.commit()
        lot_id = lot.id
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    raw = html[html.index('<details class="raw-data') : html.index("</details>")]
    assert '<td class="text-end table-danger">10.20</td>' in raw
    assert raw.count('<td class="text-end">10.01</td>') >= 1 and raw.count("table-danger") == 1
