"""SCAR step reminders (48 hours before, on the day, once overdue), `flask scar remind`, and the due
and overdue steps on the home pages."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, select, update

from app.auth.models import Role
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.outbox.models import OutboxMessage
from app.scars import deadlines as scar_deadlines
from app.scars import reminders, services
from app.scars.models import Scar, ScarState, StepReminder
from app.scars.reminders import send_reminders
from tests import factories
from tests.conftest import login_as, make_app
from tests.databases import scratch_database
from tests.integration.scar_answers import answer, raise_scar, user

NOTHING = {"due_soon": 0, "due_today": 0, "overdue": 0, "notifications": 0}


@pytest.fixture
def today(app, world) -> date:  # type: ignore[no-untyped-def]
    """The day SCARs raised by a test are issued; the world's own SCARs are closed, so they stay quiet."""
    with app.app_context():
        db.session.execute(update(Scar).values(state=ScarState.CLOSED))
        db.session.commit()
    return utcnow().date()


def _told(scar_id: int, kind: NotificationKind) -> dict[int, dict]:  # type: ignore[type-arg]
    """Recipient id -> params of the notices of one kind about a SCAR."""
    rows = db.session.scalars(
        select(Notification).where(Notification.url == f"/scars/{scar_id}", Notification.kind == kind)
    )
    return {row.user_id: row.params for row in rows}


def _people(world) -> set[int]:  # type: ignore[no-untyped-def]
    """The supplier's people and the SCAR's issuer."""
    return {world.inspector_a.id, world.manager_a.id, world.reviewer.id}


def test_48_hours_before_the_suppliers_people_and_the_issuer_are_told(app, world, today):
    with app.app_context():
        scar = raise_scar(world)  # major: D0-D3 due in 2 days
        assert send_reminders(today) == {"due_soon": 4, "due_today": 0, "overdue": 0, "notifications": 3}
        told = _told(scar.id, NotificationKind.SCAR_STEP_DUE)
        assert set(told) == _people(world)
        due = (today + timedelta(days=2)).isoformat()
        assert told[world.reviewer.id] == {
            "scar_number": scar.number,
            "supplier_code": "ALPHA",
            "part_number": "PA-100",
            "step": "D0, D1, D2, D3",
            "due_date": due,
        }
        subjects = set(db.session.scalars(select(OutboxMessage.subject)))
        assert f"Step D0, D1, D2, D3 of SCAR {scar.number} (ALPHA) is due on {due}." in subjects


def test_on_the_day_and_once_overdue(app, world, today):
    with app.app_context():
        scar = raise_scar(world)
        assert send_reminders(today + timedelta(days=2))["due_today"] == 4
        assert set(_told(scar.id, NotificationKind.SCAR_STEP_DUE)) == _people(world)
        late = send_reminders(today + timedelta(days=3))
        assert late == {"due_soon": 0, "due_today": 0, "overdue": 4, "notifications": 3}
        overdue = _told(scar.id, NotificationKind.SCAR_OVERDUE)
        assert set(overdue) == _people(world) and overdue[world.manager_a.id]["step"] == "D0, D1, D2, D3"
        assert send_reminders(today + timedelta(days=4)) == NOTHING


def test_running_twice_sends_nothing_new(app, world, today):
    with app.app_context():
        raise_scar(world)
        send_reminders(today)
        notices = db.session.scalar(select(func.count(Notification.id)))
        assert send_reminders(today) == NOTHING
        assert db.session.scalar(select(func.count(Notification.id))) == notices
        assert db.session.scalar(select(func.count(StepReminder.id))) == 4


def test_a_reminder_recorded_by_a_concurrent_run_is_not_sent_again(app, world, today, monkeypatch):
    with app.app_context():
        raise_scar(world)
        seen_by_both = reminders.steps_to_remind(today)  # both runs read before either wrote
        send_reminders(today)
        monkeypatch.setattr(reminders, "steps_to_remind", lambda day: seen_by_both)
        assert send_reminders(today) == NOTHING


def test_accepted_steps_and_other_suppliers_are_left_out(app, world, today):
    with app.app_context():
        scar = raise_scar(world)
        answer(scar, world.manager_a, world.reviewer, "D0")
        answer(scar, world.manager_a, world.reviewer, "D1", accept=None)  # submitted: still due
        assert send_reminders(today)["due_soon"] == 3
        told = _told(scar.id, NotificationKind.SCAR_STEP_DUE)
        assert told[world.inspector_a.id]["step"] == "D1, D2, D3"
        assert not {world.inspector_b.id, world.manager_b.id, world.quality_manager.id} & set(told)


def test_a_changed_due_date_is_reminded_again(app, world, today):
    with app.app_context():
        scar = raise_scar(world)
        send_reminders(today + timedelta(days=3))  # D0-D3 overdue
        moved = today + timedelta(days=5)
        scar_deadlines.change_due_date(
            services.step_of(scar, "D3"), moved, "Sorting at the port", user(world.reviewer)
        )
        assert send_reminders(today + timedelta(days=3))["due_soon"] == 1
        assert (
            _told(scar.id, NotificationKind.SCAR_STEP_DUE)[world.reviewer.id]["due_date"] == moved.isoformat()
        )
        assert send_reminders(moved)["due_today"] == 1


def test_flask_scar_remind_prints_the_counts(app, world, today):
    with app.app_context():
        raise_scar(world)
        db.session.commit()
    runner = app.test_cli_runner()
    first = runner.invoke(args=["scar", "remind", "--date", today.isoformat()])
    assert first.exit_code == 0, first.output
    assert first.output == (
        f"SCAR reminders for {today.isoformat()}: 4 due soon, 0 due today, 0 overdue; 3 notifications.\n"
    )
    again = runner.invoke(args=["scar", "remind"])
    assert again.output.endswith(": 0 due soon, 0 due today, 0 overdue; 0 notifications.\n")
    assert runner.invoke(args=["scar", "remind", "--date", "31-12-2026"]).exit_code == 2


# --- Two runs at the same moment, each with its own connection -------------------------------


@pytest.fixture
def live(tmp_path) -> Iterator[Flask]:
    """An app on its own committed database, with one SCAR whose D0-D3 fall due in two days."""
    with scratch_database(tmp_path) as url:
        application = make_app(url, UPLOAD_FOLDER=str(tmp_path / "uploads"))
        try:
            with application.app_context():
                upgrade()
                owner, part = factories.supplier("RACE"), factories.part("PR-1")
                factories.user(Role.SUPPLIER_MANAGER, owner)
                reviewer = factories.user(Role.REVIEWER)
                data = services.ScarInput(owner.id, part.id, "major", "other", "Race", "Two crons at once")
                services.raise_scar(data, reviewer)
                db.session.commit()
            yield application
        finally:
            with application.app_context():
                db.session.remove()
                db.engine.dispose()


def test_two_runs_at_once_send_each_reminder_once(live, monkeypatch):
    barrier = threading.Barrier(2)
    read = reminders.steps_to_remind

    def read_then_wait(day: date):  # type: ignore[no-untyped-def]
        found = read(day)
        barrier.wait(timeout=10)  # both have read before either writes
        return found

    monkeypatch.setattr(reminders, "steps_to_remind", read_then_wait)
    results: list[dict[str, int]] = []
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with live.app_context():
                results.append(send_reminders(utcnow().date()))
                db.session.commit()
        except BaseException as error:  # reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(r["notifications"] for r in results) == [0, 2]
    with live.app_context():
        assert db.session.scalar(select(func.count(StepReminder.id))) == 4
        assert (
            db.session.scalar(select(func.count(Notification.id)).where(Notification.kind != "scar_issued"))
            == 2
        )


# --- The home pages ---------------------------------------------------------------------------


def _make_late(scar: Scar, code: str, days: int) -> None:
    services.step_of(scar, code).due_on = utcnow().date() - timedelta(days=days)


def test_the_supplier_home_lists_the_steps_due_with_the_overdue_ones_flagged(app, client, world, today):
    with app.app_context():
        scar = raise_scar(world)
        _make_late(scar, "D0", 3)
        raise_scar(world, a=False, title="Not ours")
        db.session.commit()
        number, scar_id = scar.number, scar.id
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    assert "SCAR steps due" in page and f'<a href="/scars/{scar_id}">{number}</a>' in page
    assert page.count(f">{number}</a>") == 4  # D0-D3 due within 7 days; D4 not yet
    assert "D0 Symptom and emergency response" in page and ">Overdue</span>" in page and "3 days late" in page
    assert "Not ours" not in page and page.count(">Overdue</span>") == 1


def test_the_internal_home_counts_overdue_steps_and_lists_the_most_overdue(app, client, world, today):
    with app.app_context():
        first, second = raise_scar(world), raise_scar(world, a=False)
        for code in ("D0", "D1", "D2"):
            _make_late(first, code, 2)
        _make_late(second, "D3", 9)
        db.session.commit()
        numbers = first.number, second.number
    login_as(client, world.reviewer)
    page = client.get("/home").get_data(as_text=True)
    assert re.search(r'<div class="figure">4</div>\s*<div class="label">Overdue SCAR steps</div>', page)
    # The most overdue first: BRAVO's D3, 9 days late; then ALPHA's D0 and 2 more, 2 days late.
    assert page.index(numbers[1]) < page.index(numbers[0])
    assert "D0 <span" in page and "and 2 more" in page and ">9</span>" in page
