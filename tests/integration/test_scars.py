"""SCAR pages: raising one from a lot, the 8D step forms, decisions, due dates, the list, and the
effectiveness check that closes or reopens a SCAR from the lots decided after D8."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot
from app.notifications.models import Notification, NotificationKind
from app.reviews.services import Decision, claim, decide
from app.rules import RuleError
from app.scars import services, steps
from app.scars.models import DeadlinePolicy, Scar, ScarLot, ScarState, StepState
from app.suppliers.models import Site
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

WRONG = "not-my-password-1"


# --- Helpers -----------------------------------------------------------------------------------


def _user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def _scar(scar_id: int) -> Scar:
    return db.session.get(Scar, scar_id)


def complete(code: str) -> dict[str, Any]:
    """An answer its step's check accepts: every field filled, each table with the rows it asks for."""
    answer: dict[str, Any] = {}
    for field in steps.SPECS[code].fields:
        if field.kind == steps.TABLE:
            answer[field.name] = [
                {c.name: "2027-01-15" if c.kind == steps.DATE else f"{c.name} {row}" for c in field.columns}
                for row in range(1, max(field.min_rows, 1) + 1)
            ]
        else:
            answer[field.name] = {steps.COUNT: "12", steps.DATE: "2027-01-15"}.get(
                field.kind, f"{field.name}!"
            )
    return answer


def as_form(code: str, answer: dict[str, Any], action: str = "save", **extra: str) -> dict[str, str]:
    """The step page's inputs for an answer, as the browser posts them."""
    data = {"action": action, **extra}
    for field in steps.SPECS[code].fields:
        value = answer.get(field.name)
        if field.kind != steps.TABLE:
            data[f"f-{field.name}"] = value or ""
            continue
        data[f"rows-{field.name}"] = str(len(value or []))
        for row, cells in enumerate(value or [], start=1):
            data.update({f"t-{field.name}-{row}-{column}": text for column, text in cells.items()})
    return data


def raise_scar(
    world, severity: str = "major", *, part_of: str = "a", title: str = "Burrs on the bore"
) -> Scar:  # type: ignore[no-untyped-def]
    supplier, part = (world.supplier_a, world.part_a) if part_of == "a" else (world.supplier_b, world.part_b)
    data = services.ScarInput(supplier, part, severity, "other", title, "Burrs found on the bore edge.")
    return services.raise_scar(data, _user(world.reviewer))


def answer_steps(scar: Scar, world, codes: str) -> None:  # type: ignore[no-untyped-def]
    """The manager submits each step complete and the reviewer accepts it, in order."""
    manager, reviewer = _user(world.manager_a), _user(world.reviewer)
    for code in codes.split():
        step = services.step_of(scar, code)
        services.submit_step(step, complete(code), manager, password=factories.PASSWORD)
        services.decide_step(step, reviewer, accept=True, comment="")


ALL_STEPS = "D0 D1 D2 D3 D4 D5 D6 D7 D8"


def _post(client, url: str, data: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.post(url, data={"csrf_token": csrf_token(client, "/account"), **data})


def _new_scar(app, world, **kwargs: Any) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        scar_id = raise_scar(world, **kwargs).id
        db.session.commit()
    return scar_id


def _decide_lot(lot: Lot, reviewer: User, decision: Decision) -> None:
    claim(lot, reviewer)
    reason = "" if decision == Decision.ACCEPT else "Bore diameter above the limit"
    decide(lot, reviewer, decision, reason=reason, password=factories.PASSWORD, version=None)


def _out_of_spec(sample: int, c) -> str:  # type: ignore[no-untyped-def]
    return "10.09" if sample <= 3 else factories.in_spec(sample, c)


# --- Step order and due dates ------------------------------------------------------------------


def test_d0_to_d3_go_together_and_each_later_step_waits_for_the_one_before(app, world):
    with app.app_context():
        scar, manager = raise_scar(world), _user(world.manager_a)
        for code in ("D0", "D1", "D2", "D3"):  # all four submitted before any is accepted
            services.submit_step(
                services.step_of(scar, code), complete(code), manager, password=factories.PASSWORD
            )
        d4 = services.step_of(scar, "D4")
        with pytest.raises(RuleError, match="D0, D1, D2, D3 are accepted"):
            services.submit_step(d4, complete("D4"), manager, password=factories.PASSWORD)
        answer_steps_accept_only(scar, world, "D0 D1 D2")
        with pytest.raises(RuleError, match="once step D3 is accepted"):
            services.submit_step(d4, complete("D4"), manager, password=factories.PASSWORD)
        answer_steps_accept_only(scar, world, "D3")
        services.submit_step(d4, complete("D4"), manager, password=factories.PASSWORD)
        with pytest.raises(RuleError, match="once step D4 is accepted"):
            services.submit_step(
                services.step_of(scar, "D5"), complete("D5"), manager, password=factories.PASSWORD
            )
        assert d4.state == StepState.SUBMITTED


def answer_steps_accept_only(scar: Scar, world, codes: str) -> None:  # type: ignore[no-untyped-def]
    for code in codes.split():
        services.decide_step(services.step_of(scar, code), _user(world.reviewer), accept=True, comment="")


def test_the_step_page_names_the_steps_still_missing(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.manager_a)
    html = client.get(f"/scars/{scar_id}/steps/D4").get_data(as_text=True)
    assert "This step can be submitted once D0, D1, D2, D3 are accepted" in html
    assert 'name="f-occurrence_cause"' in html  # a draft may be saved meanwhile


@pytest.mark.parametrize(
    ("issued", "severity", "expected"),
    [
        # Worked by hand: 2026-12-30 + 2 days = 2027-01-01; + 10 = 01-09; + 30 = 01-29; + 60 = 02-28.
        (date(2026, 12, 30), "major", ("2027-01-01", "2027-01-09", "2027-01-29", "2027-02-28")),
        # 2026-01-31 + 1 = 02-01; + 5 = 02-05; + 20 = 02-20; + 45 = 03-17 (February has 28 days).
        (date(2026, 1, 31), "critical", ("2026-02-01", "2026-02-05", "2026-02-20", "2026-03-17")),
    ],
)
def test_due_dates_run_across_month_and_year_ends(client, app, world, clock, issued, severity, expected):
    clock.set(datetime.combine(issued, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9))
    with app.app_context():
        scar = raise_scar(world, severity)
        due = {step.code: step.due_on.isoformat() for step in scar.steps}
        scar_id = scar.id
        db.session.commit()
    containment, root_cause, actions, closure = expected
    assert due == {
        **dict.fromkeys(("D0", "D1", "D2", "D3"), containment),
        "D4": root_cause,
        **dict.fromkeys(("D5", "D6"), actions),
        **dict.fromkeys(("D7", "D8"), closure),
    }
    login_as(client, world.inspector_a)
    html = client.get(f"/scars/{scar_id}").get_data(as_text=True)
    assert issued.isoformat() in html and closure in html


# --- The step form -----------------------------------------------------------------------------


def test_a_draft_keeps_everything_typed_including_table_rows(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.inspector_a)
    draft = {"champion": "K. Tanaka", "team": [{"name": "Somchai", "role": "leader", "function": ""}]}
    response = _post(client, f"/scars/{scar_id}/steps/D1", as_form("D1", draft))
    assert response.status_code == 302
    html = client.get(f"/scars/{scar_id}/steps/D1").get_data(as_text=True)
    assert 'value="K. Tanaka"' in html and 'name="t-team-1-name" id="t-team-1-name" value="Somchai"' in html
    assert 'name="t-team-2-name"' in html  # a second, blank row: the team needs two people
    with app.app_context():
        assert services.step_of(_scar(scar_id), "D1").draft["team"] == [
            {"name": "Somchai", "role": "leader", "function": ""}
        ]


def test_rows_are_added_and_removed_by_the_server_keeping_what_was_typed(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.inspector_a)
    rows = [
        {"aspect": "Line", "is": "L2", "is_not": "L1"},
        {"aspect": "Shift", "is": "night", "is_not": "day"},
    ]
    typed = {"what": "Burr 0.2 mm", "is_is_not": rows}
    html = _post(client, f"/scars/{scar_id}/steps/D2", as_form("D2", typed, "add-is_is_not")).get_data(
        as_text=True
    )
    assert 'name="t-is_is_not-3-aspect"' in html and "Burr 0.2 mm" in html
    response = _post(client, f"/scars/{scar_id}/steps/D2", as_form("D2", typed, "remove-is_is_not-1"))
    html = response.get_data(as_text=True)
    assert 'id="t-is_is_not-1-is" value="night"' in html and "L2" not in html
    with app.app_context():
        assert services.step_of(_scar(scar_id), "D2").draft == {}  # nothing saved by those buttons


def test_a_failed_submit_keeps_everything_typed_with_the_problems_beside_the_fields(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.manager_a)
    typed = complete("D3") | {"in_transit": "", "sorted_at_oem": "many"}
    data = as_form("D3", typed, "submit", password=factories.PASSWORD)
    response = _post(client, f"/scars/{scar_id}/steps/D3", data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="f-in_transit-error" class="invalid-feedback">Please fill this in.' in html
    assert 'id="f-sorted_at_oem-error"' in html
    assert "actions!" in html and "clean_point!" in html  # the rest as typed
    with app.app_context():
        step = services.step_of(_scar(scar_id), "D3")
        assert step.state == StepState.OPEN and services.latest_submission(step) is None


def test_a_missing_table_cell_is_marked_in_its_row(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.manager_a)
    typed = complete("D1")
    typed["team"][1]["role"] = ""
    response = _post(
        client, f"/scars/{scar_id}/steps/D1", as_form("D1", typed, "submit", password=factories.PASSWORD)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'id="t-team-2-role-error" class="invalid-feedback">Please fill this in.' in html
    assert 'value="name 2"' in html


def test_an_inspector_saves_but_cannot_submit(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.inspector_a)
    page = client.get(f"/scars/{scar_id}/steps/D0").get_data(as_text=True)
    assert "Sign and submit" not in page and "A manager of your company signs" in page
    response = _post(client, f"/scars/{scar_id}/steps/D0", as_form("D0", complete("D0"), "submit"))
    assert response.status_code == 422
    assert "A manager of your company signs and submits the steps" in response.get_data(as_text=True)
    with app.app_context():
        step = services.step_of(_scar(scar_id), "D0")
        assert step.state == StepState.OPEN and step.draft["symptom"] == "symptom!"


def test_a_wrong_password_submits_nothing(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.manager_a)
    response = _post(
        client, f"/scars/{scar_id}/steps/D0", as_form("D0", complete("D0"), "submit", password=WRONG)
    )
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "The password is not correct" in html and "symptom!" in html
    with app.app_context():
        assert services.step_of(_scar(scar_id), "D0").state == StepState.OPEN


def test_a_manager_signs_and_submits_and_the_step_is_then_read_only(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.manager_a)
    url = f"/scars/{scar_id}/steps/D0"
    response = _post(client, url, as_form("D0", complete("D0"), "submit", password=factories.PASSWORD))
    assert response.status_code == 302
    html = client.get(url).get_data(as_text=True)
    assert "Submission 1" in html and "symptom!" in html and 'name="f-symptom"' not in html
    changed = complete("D0") | {"symptom": "changed after signing"}
    refused = _post(client, url, as_form("D0", changed))
    assert refused.status_code == 422
    assert "was submitted and can no longer be changed" in refused.get_data(as_text=True)
    with app.app_context():
        step = services.step_of(_scar(scar_id), "D0")
        assert step.state == StepState.SUBMITTED and step.draft["symptom"] == "symptom!"


def test_brand_users_cannot_post_a_step_answer(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.reviewer)
    assert _post(client, f"/scars/{scar_id}/steps/D0", as_form("D0", complete("D0"))).status_code == 403


# --- Decisions ---------------------------------------------------------------------------------


def test_a_reviewer_cannot_accept_a_step_that_was_not_submitted(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.reviewer)
    response = _post(client, f"/scars/{scar_id}/steps/D0/decision", {"decision": "accept"})
    assert response.status_code == 422
    assert "has not been submitted; there is nothing to decide" in response.get_data(as_text=True)
    with app.app_context():
        assert services.step_of(_scar(scar_id), "D0").state == StepState.OPEN


def test_returning_needs_a_comment_and_a_resubmission_is_number_2_with_both_kept(client, app, world):
    scar_id = _new_scar(app, world)
    with app.app_context():
        step = services.step_of(_scar(scar_id), "D3")
        services.submit_step(step, complete("D3"), _user(world.manager_a), password=factories.PASSWORD)
        db.session.commit()
    login_as(client, world.reviewer)
    url = f"/scars/{scar_id}/steps/D3"
    assert "Your decision" in client.get(url).get_data(as_text=True)
    response = _post(client, f"{url}/decision", {"decision": "return", "comment": " "})
    assert response.status_code == 422
    assert "the comment is required to return a step" in response.get_data(as_text=True)
    comment = "Count the stock at the brand's warehouse too."
    assert _post(client, f"{url}/decision", {"decision": "return", "comment": comment}).status_code == 302
    login_as(client, world.manager_a)
    page = client.get(url).get_data(as_text=True)
    assert (
        comment.replace("'", "&#39;") in page and 'value="12"' in page
    )  # the comment on top, the answer kept
    fixed = complete("D3") | {"at_brand": "40"}
    assert _post(client, url, as_form("D3", fixed, "submit", password=factories.PASSWORD)).status_code == 302
    with app.app_context():
        submissions = services.submissions_of(_scar(scar_id))
        assert [(s.number, s.decision, s.content["at_brand"]) for s in submissions] == [
            (1, "returned", "12"),
            (2, None, "40"),
        ]
    login_as(client, world.reviewer)
    timeline = client.get(f"/scars/{scar_id}").get_data(as_text=True)
    assert "submission 1" in timeline and "submission 2" in timeline


# --- Due dates, files, deadline policy -----------------------------------------------------------


def test_a_due_date_in_the_past_is_refused_with_the_reason_kept(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.reviewer)
    yesterday = (utcnow().date() - timedelta(days=1)).isoformat()
    data = {
        "D4-csrf_token": csrf_token(client, "/account"),
        "D4-due_on": yesterday,
        "D4-reason": "Tool repair",
    }
    response = client.post(f"/scars/{scar_id}/steps/D4/due-date", data=data)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert (
        f"The due date {yesterday} is in the past; choose today or later." in html and "Tool repair" in html
    )
    later = (utcnow().date() + timedelta(days=40)).isoformat()
    data |= {"D4-due_on": later}
    assert client.post(f"/scars/{scar_id}/steps/D4/due-date", data=data).status_code == 302
    with app.app_context():
        assert services.step_of(_scar(scar_id), "D4").due_on.isoformat() == later


def test_the_supplier_attaches_evidence_and_downloads_it_through_the_scar(client, app, world):
    scar_id = _new_scar(app, world)
    login_as(client, world.inspector_a)
    upload = factories.pdf_upload("sorting-record.pdf", b"sorted 480 pcs")
    data = {
        "csrf_token": csrf_token(client, "/account"),
        "file": upload,
        "step_code": "D3",
        "note": "Sorting",
    }
    assert client.post(f"/scars/{scar_id}/attachments", data=data).status_code == 302
    html = client.get(f"/scars/{scar_id}").get_data(as_text=True)
    link = re.search(rf'href="(/scars/{scar_id}/attachments/\d+)">sorting-record.pdf', html)
    assert link and "D3 · Sorting" in html
    response = client.get(link.group(1))
    assert response.status_code == 200 and b"sorted 480 pcs" in response.data
    response.close()
    other = client.get(link.group(1).replace(f"/scars/{scar_id}/", f"/scars/{world.scar_a}/"))
    assert other.status_code == 404  # a file is only reached through its own SCAR


def test_a_quality_manager_sets_the_deadlines_of_a_severity(client, app, world):
    login_as(client, world.quality_manager)
    assert "Containment (D0–D3)" in client.get("/scars/deadlines").get_data(as_text=True)
    days = {"minor-containment_days": "7", "minor-root_cause_days": "21", "minor-actions_days": "45"}
    data = {"severity": "minor", "minor-closure_days": "90", "minor-effectiveness_lots": "5", **days}
    bad = _post(
        client,
        "/scars/deadlines",
        data | {"minor-root_cause_days": "3", "minor-csrf_token": csrf_token(client, "/account")},
    )
    assert bad.status_code == 422 and "The days must grow from stage to stage" in bad.get_data(as_text=True)
    good = _post(client, "/scars/deadlines", data | {"minor-csrf_token": csrf_token(client, "/account")})
    assert good.status_code == 302
    with app.app_context():
        policy = db.session.scalars(select(DeadlinePolicy).where(DeadlinePolicy.severity == "minor")).one()
        assert (policy.containment_days, policy.root_cause_days, policy.effectiveness_lots) == (7, 21, 5)
    assert 'id="history-title"' in client.get("/scars/deadlines").get_data(as_text=True)


# --- Raising a SCAR ----------------------------------------------------------------------------


def _rejected_lot(app, world) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Lot, world.lot_a).part
        lot = factories.submitted_lot(site, part, _user(world.inspector_a), "R-0001", value=_out_of_spec)
        _decide_lot(lot, _user(world.reviewer), Decision.REJECT)
        db.session.commit()
        return lot.id, lot.lot_number


def test_a_rejected_lot_raises_a_prefilled_scar_linked_to_it(client, app, world):
    lot_id, number = _rejected_lot(app, world)
    login_as(client, world.reviewer)
    lot_page = client.get(f"/lots/{lot_id}").get_data(as_text=True)
    assert f'href="/scars/new?lot={lot_id}"' in lot_page
    form = client.get(f"/scars/new?lot={lot_id}").get_data(as_text=True)
    assert f'value="Lot {number} rejected"' in form
    assert "major: 3 nonconforming" in form and "D1 Bore diameter: 0 below and 3 above the limits" in form
    assert re.search(rf'value="{lot_id}"[^>]*checked', form) or re.search(
        rf'checked[^>]*value="{lot_id}"', form
    )
    data = {
        "supplier_id": world.supplier_a,
        "part_id": world.part_a,
        "severity": "major",
        "source": "lot",
        "title": f"Lot {number} rejected",
        "problem": "Bore diameter above the limit on 3 samples.",
        "lot_ids": [world.decided_a, lot_id],  # an earlier lot affected too, listed first
        "action": "raise",
    }
    response = _post(client, f"/scars/new?lot={lot_id}", data)
    assert response.status_code == 302
    with app.app_context():
        scar = db.session.scalars(select(Scar).order_by(Scar.id.desc())).first()
        links = db.session.scalars(select(ScarLot).where(ScarLot.scar_id == scar.id))
        assert {link.lot_id: link.role for link in links} == {lot_id: "raised", world.decided_a: "affected"}
        assert scar.source == "lot"
        scar_number = scar.number
    assert scar_number in client.get(f"/lots/{lot_id}").get_data(as_text=True)


def test_a_failed_raise_keeps_everything_typed(client, app, world):
    login_as(client, world.reviewer)
    data = {"supplier_id": world.supplier_a, "part_id": world.part_a, "severity": "minor",
            "source": "complaint", "title": "", "problem": "Customer found rattling covers.",
            "action": "raise"}  # fmt: skip
    response = _post(client, "/scars/new", data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Customer found rattling covers." in html
    assert re.search(r'<input checked[^>]*value="complaint"', html)
    assert 'id="title-error"' in html
    with app.app_context():
        assert db.session.scalars(select(Scar).where(Scar.source == "complaint")).first() is None


def test_a_link_to_a_lot_of_another_part_is_refused(client, app, world):
    login_as(client, world.reviewer)
    data = {"supplier_id": world.supplier_a, "part_id": world.part_a, "severity": "minor",
            "source": "other", "title": "Scratches", "problem": "Scratches", "lot_ids": [world.lot_b],
            "action": "raise"}  # fmt: skip
    response = _post(client, "/scars/new", data)
    assert "Link only lots of this supplier and part." in response.get_data(as_text=True)


# --- Effectiveness check -----------------------------------------------------------------------


def _lots_after_d8(app, world, decisions: list[Decision], first: int = 0) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Lot, world.lot_a).part
        ids = []
        for i, decision in enumerate(decisions, start=first):
            value = factories.in_spec if decision == Decision.ACCEPT else _out_of_spec
            lot = factories.submitted_lot(site, part, _user(world.inspector_a), f"E-{i}", value=value)
            _decide_lot(lot, _user(world.reviewer), decision)
            ids.append(lot.id)
        db.session.commit()
        return ids


def test_accepted_lots_after_d8_close_the_scar_effective(client, app, world):
    with app.app_context():
        scar = raise_scar(world)
        answer_steps(scar, world, ALL_STEPS)
        assert scar.state == ScarState.VERIFYING and scar.effectiveness_lots == 3
        scar_id = scar.id
        db.session.commit()
    _lots_after_d8(app, world, [Decision.ACCEPT, Decision.ACCEPT])
    with app.app_context():
        assert _scar(scar_id).state == ScarState.VERIFYING
    _lots_after_d8(app, world, [Decision.ACCEPT], first=2)
    with app.app_context():
        scar = _scar(scar_id)
        assert scar.state == ScarState.CLOSED and scar.closed_at is not None
    login_as(client, world.inspector_a)
    html = client.get(f"/scars/{scar_id}").get_data(as_text=True)
    assert "Closed effective" in html and html.count("effectiveness check") >= 3


def test_a_rejected_lot_after_d8_reopens_the_scar_at_d4_and_tells_both_sides(client, app, world):
    with app.app_context():
        scar = raise_scar(world)
        answer_steps(scar, world, ALL_STEPS)
        scar_id = scar.id
        db.session.execute(Notification.__table__.delete())
        db.session.commit()
    [lot_id] = _lots_after_d8(app, world, [Decision.REJECT])
    with app.app_context():
        scar = _scar(scar_id)
        assert (scar.state, scar.reopened) == (ScarState.OPEN, 1)
        assert {s.code: s.state for s in scar.steps} == {
            **dict.fromkeys(("D0", "D1", "D2", "D3"), StepState.ACCEPTED),
            **dict.fromkeys(("D4", "D5", "D6", "D7", "D8"), StepState.OPEN),
        }
        link = db.session.scalars(
            select(ScarLot).where(ScarLot.scar_id == scar_id, ScarLot.lot_id == lot_id)
        ).one()
        assert link.role == "reopened"
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == NotificationKind.SCAR_REOPENED)
        )
        assert {world.inspector_a.id, world.manager_a.id, world.reviewer.id} <= set(told)
    login_as(client, world.manager_a)
    html = client.get(f"/scars/{scar_id}").get_data(as_text=True)
    assert "E-0" in html and "reopened the SCAR" in html
    assert 'name="f-occurrence_cause"' in client.get(f"/scars/{scar_id}/steps/D4").get_data(as_text=True)


# --- The list and tenancy ----------------------------------------------------------------------


def test_another_suppliers_scar_is_not_found(client, world):
    login_as(client, world.inspector_a)
    assert client.get(f"/scars/{world.scar_b}").status_code == 404
    assert client.get(f"/scars/{world.scar_b}/steps/D0").status_code == 404
    html = client.get("/scars").get_data(as_text=True)
    assert f'href="/scars/{world.scar_a}"' in html and f'href="/scars/{world.scar_b}"' not in html


def test_the_list_filters_by_state_supplier_part_severity_and_overdue(client, app, world):
    with app.app_context():
        late = raise_scar(world, "critical", title="Late one")
        for step in late.steps:
            step.due_on = utcnow().date() - timedelta(days=3)
        closed = raise_scar(world, "minor", part_of="b", title="Closed one")
        closed.state = ScarState.CLOSED
        db.session.commit()
    login_as(client, world.reviewer)

    def titles(query: str) -> set[str]:
        html = client.get(f"/scars?{query}").get_data(as_text=True)
        return {t for t in ("Late one", "Closed one", "Title") if f"<td>{t}</td>" in html}

    assert titles("") == {"Late one", "Closed one", "Title"}
    assert titles("state=closed") == {"Closed one"}
    assert titles(f"supplier={world.supplier_b}") == {"Closed one", "Title"}
    assert titles("part=PA-100") == {"Late one", "Title"}
    assert titles("severity=critical") == {"Late one"}
    assert titles("overdue=yes") == {"Late one"}
    assert "No part has the number NOPE" in client.get("/scars?part=NOPE").get_data(as_text=True)


def test_the_list_shows_each_scars_first_waiting_step_nearest_due_date_and_lateness(client, app, world):
    today = utcnow().date()
    with app.app_context():
        late = raise_scar(world, title="Half done")
        answer_steps(late, world, "D0 D1")
        for code, state, days in (("D2", StepState.SUBMITTED, -2), ("D3", StepState.OPEN, -5)):
            step = services.step_of(late, code)
            step.state, step.due_on = state, today + timedelta(days=days)
        on_time = raise_scar(world, title="On time")
        for step in on_time.steps:
            step.due_on = today + timedelta(days=10 + int(step.code[1]))
        done = raise_scar(world, title="All accepted")
        answer_steps(done, world, ALL_STEPS)
        db.session.commit()
        ids = (late.id, on_time.id, done.id)
    login_as(client, world.reviewer)
    html = client.get("/scars").get_data(as_text=True)

    def row(scar_id: int) -> str:
        start = html.index(f'href="/scars/{scar_id}"')
        return html[start : html.index("</tr>", start)]

    half, fresh, finished = (row(i) for i in ids)
    # D0 and D1 accepted: D2 (submitted) is current; D3 is due earliest and late, so the SCAR is late.
    assert f'href="/scars/{ids[0]}/steps/D2">D2</a> <span class="badge text-bg-primary">' in half
    assert (today - timedelta(days=5)).isoformat() in half and "Overdue" in half
    assert f'href="/scars/{ids[1]}/steps/D0">D0</a>' in fresh
    assert (today + timedelta(days=10)).isoformat() in fresh and "Overdue" not in fresh
    assert "/steps/" not in finished and finished.count("—") == 2  # no current step, no due date


def test_the_list_runs_the_same_queries_however_many_scars_it_shows(client, app, world):
    login_as(client, world.reviewer)
    few, _html = count_page_statements(app, client, "/scars")
    with app.app_context():
        for i in range(6):
            raise_scar(world, part_of="ab"[i % 2], title=f"Many {i}")
        db.session.commit()
    many, html = count_page_statements(app, client, "/scars")
    assert "Many 5" in html
    assert many == few


def test_the_nav_links_the_scars_for_everyone(client, world):
    for person in (world.inspector_a, world.reviewer, world.admin):
        login_as(client, person)
        assert 'href="/scars"' in client.get("/home").get_data(as_text=True)
