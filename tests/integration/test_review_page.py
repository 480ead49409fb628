"""The review page built for deciding (#14): the evidence first, the nonconforming samples named, a
decision against the recommendation acknowledged and recorded, the switching consequence said before."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot, LotState
from app.reviews import services
from app.reviews.models import Signature
from app.reviews.services import Decision
from app.rules import RuleError
from app.sampling.models import SwitchingRecord
from app.suppliers.models import Site
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world

OUT_OF_SPEC = "10.20"  # the default bore diameter is 9.95-10.05 mm (major class)


def _user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def _claimed_lot(world, number: str, bad_samples: tuple[int, ...] = ()) -> int:  # type: ignore[no-untyped-def]
    """A lot of part A in review by the world's reviewer; `bad_samples` measure 10.20 mm."""
    site, inspector = db.session.get(Site, world.site_a), _user(world.inspector_a)
    part = db.session.get(Lot, world.lot_a).part
    lot = factories.submitted_lot(
        site, part, inspector, number, value=lambda s, c: OUT_OF_SPEC if s in bad_samples else "10.01"
    )
    services.claim(lot, _user(world.reviewer))
    db.session.commit()
    return lot.id


def _post_decision(client, lot_id: int, **fields: str):  # type: ignore[no-untyped-def]
    url = f"/lots/{lot_id}"
    data = {"csrf_token": csrf_token(client, url), "password": factories.PASSWORD, **fields}
    return client.post(f"{url}/decision", data=data)


# --- The evidence first ------------------------------------------------------------------------


def test_the_evidence_comes_before_the_decision_panel(client, world):
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    evaluation = html.index(">Evaluation")
    samples = html.index(">Nonconforming samples by class</h3>")
    charts = html.index(">Control charts</h2>")
    panel = html.index('id="review-heading"')
    decide = html.index("Sign and decide")
    assert evaluation < samples < charts < panel < decide
    assert '<aside class="col-lg-5 col-xxl-4">' in html and 'class="review-side"' in html
    assert 'href="#review-heading"' in html  # narrow screens: the evidence first, a link to the decision


def test_the_evaluation_names_each_nonconforming_sample_with_its_value_and_limit(client, app, world):
    with app.app_context():
        lot_id = _claimed_lot(world, "NC-1", bad_samples=(2, 4))
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    section = html[
        html.index('id="nonconforming-major"') : html.index(
            "</table>", html.index('id="nonconforming-major"')
        )
    ]
    assert "2 nonconforming samples, numbers 2, 4" in section
    rows = re.findall(
        r'<th scope="row" class="text-end">(\d+)</th>\s*<td>D1 <span class="text-muted">Bore diameter',
        section,
    )
    assert rows == ["2", "4"]
    assert section.count("10.20 mm") == 2
    assert section.count("above USL 10.05") == 2
    assert 'href="#nonconforming-major">2</a>' in html  # the class table's count leads to its samples


def test_a_lot_without_nonconforming_samples_says_so(client, world):
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    assert "No sample is nonconforming in any class." in html


def test_the_page_reads_the_same_number_of_statements_however_many_samples_fail(client, app, world):
    with app.app_context():
        few = _claimed_lot(world, "NC-FEW", bad_samples=(1,))
        many = _claimed_lot(world, "NC-MANY", bad_samples=tuple(range(1, 15)))
    login_as(client, world.reviewer)
    few_count, _ = count_page_statements(app, client, f"/lots/{few}")
    many_count, html = count_page_statements(app, client, f"/lots/{many}")
    assert "14 nonconforming samples" in html
    assert many_count == few_count


# --- A decision against the recommendation -----------------------------------------------------


def test_rejecting_against_an_accept_recommendation_needs_the_acknowledgement(client, app, world):
    login_as(client, world.reviewer)
    refused = _post_decision(client, world.in_review_a, decision="reject", reason="Burrs on the edge")
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    feedback = html[html.index('id="acknowledge"') : html.index('id="acknowledge-error"') + 400]
    assert "To reject it, tick the box" in feedback  # the message sits next to the checkbox
    assert "I reject this lot against the evaluation&#39;s recommendation to accept it." in html
    assert "Burrs on the edge" in html and re.search(r'<input checked[^>]*value="reject"', html)
    with app.app_context():
        lot = db.session.get(Lot, world.in_review_a)
        assert lot.state == LotState.IN_REVIEW and services.signatures_of(lot) == []


def test_an_acknowledged_decision_against_the_recommendation_is_recorded(client, app, world):
    login_as(client, world.reviewer)
    done = _post_decision(client, world.in_review_a, decision="reject", reason="Burrs", acknowledge="y")
    assert done.status_code == 302
    with app.app_context():
        signature = db.session.scalars(select(Signature).where(Signature.lot_id == world.in_review_a)).one()
        assert signature.against_recommendation is True
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.object_type == "Lot", AuditEvent.object_id == world.in_review_a)
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event.action == "lot.rejected" and event.after["against_recommendation"] is True
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    assert re.search(r"Against the evaluation(&#39;|')s recommendation \(acknowledged\)", html)


def test_accepting_against_a_reject_recommendation_needs_the_acknowledgement_too(app, world):
    with app.app_context():
        lot_id = _claimed_lot(world, "NC-ACC", bad_samples=(3,))
        lot, reviewer = db.session.get(Lot, lot_id), _user(world.reviewer)
        assert lot.recommendation == "reject"
        with pytest.raises(RuleError, match="recommends rejecting this lot") as refused:
            services.decide(
                lot, reviewer, Decision.ACCEPT, reason="", password=factories.PASSWORD, version=None
            )
        assert refused.value.field == "acknowledge"
        signature = services.decide(
            lot,
            reviewer,
            Decision.ACCEPT,
            reason="",
            password=factories.PASSWORD,
            version=None,
            acknowledged=True,
        )
        assert signature.against_recommendation is True


@pytest.mark.parametrize(
    ("bad", "decision"), [((), Decision.ACCEPT), ((3,), Decision.REJECT), ((), Decision.RETURN)]
)
def test_a_decision_with_the_recommendation_or_a_return_needs_no_acknowledgement(app, world, bad, decision):
    with app.app_context():
        lot = db.session.get(Lot, _claimed_lot(world, "NC-WITH", bad_samples=bad))
        signature = services.decide(
            lot, _user(world.reviewer), decision, reason="why", password=factories.PASSWORD, version=None
        )
        assert signature.against_recommendation is False
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.object_type == "Lot", AuditEvent.object_id == lot.id)
        ).all()[-1]
        assert "against_recommendation" not in event.after


# --- The switching consequence -----------------------------------------------------------------


def _major_record(world) -> SwitchingRecord:  # type: ignore[no-untyped-def]
    return db.session.scalars(
        select(SwitchingRecord).where(
            SwitchingRecord.supplier_id == world.supplier_a,
            SwitchingRecord.part_id == db.session.get(Lot, world.lot_a).part_id,
            SwitchingRecord.defect_class == "major",
        )
    ).one()


def test_the_panel_says_a_lot_that_met_its_plan_counts_as_accepted(client, world):
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    panel = html[html.index('id="review-heading"') :]
    assert (
        "This lot counts as accepted for the switching rules of the major class, because its sample met "
        "the plan (0 nonconforming, Ac 0)." in panel
    )
    assert "The major class stays on normal inspection." in panel
    assert panel.index("What the decision does to the switching rules") < panel.index("Sign and decide")


def test_the_panel_foresees_the_switch_to_tightened_inspection_that_the_decision_makes(client, app, world):
    with app.app_context():
        record = _major_record(world)
        record.state = {"recent": [True, False]}  # one lot of the last two not accepted on normal
        db.session.commit()
        lot_id = _claimed_lot(world, "NC-TIGHT", bad_samples=(2,))
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    assert "This lot counts as not accepted for the switching rules of the major class" in html
    assert (
        "<strong>This moves the major class to tightened inspection: 2 lots not accepted within 5 "
        "consecutive lots on normal inspection.</strong>" in html
    )
    assert _post_decision(client, lot_id, decision="reject", reason="Bore too large").status_code == 302
    with app.app_context():
        assert _major_record(world).severity == "tightened"  # as foreseen


def test_a_first_lot_not_accepted_warns_of_the_next(client, app, world):
    with app.app_context():
        _major_record(world).state = {}
        db.session.commit()
        lot_id = _claimed_lot(world, "NC-FIRST", bad_samples=(1,))
    login_as(client, world.reviewer)
    html = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    assert (
        "The major class stays on normal inspection; one more lot not accepted within the next 4 lots "
        "moves it to tightened inspection." in html
    )


def test_the_supplier_reads_no_switching_forecast(client, world):
    login_as(client, world.inspector_a)
    html = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    assert "What the decision does to the switching rules" not in html
