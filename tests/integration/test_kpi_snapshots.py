"""KPI snapshots (app/scorecards/snapshots.py): a draft card reads what was counted and kept, and a
change to what it counts shows on the very next view."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot
from app.reviews.services import Decision, claim, decide
from app.scars import deadlines
from app.scars.models import Scar
from app.scars.services import step_of
from app.scorecards import ranking, services, snapshots
from app.scorecards.models import KpiSnapshot
from app.scorecards.periods import Period
from app.suppliers.models import Supplier
from tests import factories
from tests.conftest import count_page_statements, login_as

pytestmark = pytest.mark.shared_world

MONTH = Period.containing(utcnow().date())


def _card(supplier_id: int) -> str:
    return f"/scorecards/{MONTH.key}/suppliers/{supplier_id}?draft=1"


def _decided(app, world) -> int:
    """Lots decided in the month on supplier A's draft card, as counting afresh gives it."""
    with app.app_context():
        return services.drafts(MONTH, [world.supplier_a], now=utcnow())[world.supplier_a]["figures"][
            "lots_decided"
        ]


def _reject(lot_id: int, reviewer_id: int) -> None:
    """The reviewer claims the lot and rejects it, against the evaluation's recommendation."""
    lot, reviewer = db.session.get(Lot, lot_id), db.session.get(User, reviewer_id)
    claim(lot, reviewer)
    decide(
        lot,
        reviewer,
        Decision.REJECT,
        reason="Burrs",
        password=factories.PASSWORD,
        version=None,
        acknowledged=True,
    )


def test_a_decision_changes_the_draft_on_the_next_view(client, app, world):
    login_as(client, world.reviewer)
    before = client.get(_card(world.supplier_a)).get_data(as_text=True)
    assert "A-0002" not in before
    with app.app_context():
        kept = db.session.scalar(
            select(KpiSnapshot).where(
                KpiSnapshot.supplier_id == world.supplier_a, KpiSnapshot.period == MONTH.key
            )
        )
        assert kept is not None and kept.figures["lots_decided"] == _decided(app, world)
        decided_before = kept.figures["lots_decided"]
        _reject(world.submitted_a, world.reviewer.id)
        db.session.commit()
    after = client.get(_card(world.supplier_a)).get_data(as_text=True)
    assert "A-0002" in after  # listed among the rejected lots at once
    with app.app_context():
        card = services.drafts(MONTH, [world.supplier_a])[world.supplier_a]
        assert card["figures"]["lots_decided"] == decided_before + 1 == _decided(app, world)


def test_a_kept_view_counts_no_lots(client, app, world):
    login_as(client, world.reviewer)
    counted, _html = count_page_statements(app, client, _card(world.supplier_a))
    kept, html = count_page_statements(app, client, _card(world.supplier_a))
    # Six periods of the trend, five aggregates each, and the card's three lists are not run again.
    assert kept <= counted - 30
    assert "ALPHA" in html


def test_a_snapshot_holds_for_the_day_and_is_counted_again_the_next(app, world, clock):
    clock.freeze(utcnow())
    with app.app_context():
        first = services.drafts(MONTH, [world.supplier_a])[world.supplier_a]["as_of"]
        clock.advance(timedelta(hours=1))
        assert services.drafts(MONTH, [world.supplier_a])[world.supplier_a]["as_of"] == first
        clock.advance(timedelta(days=1))  # steps due and overdue SCARs change with the date alone
        again = services.drafts(MONTH, [world.supplier_a])[world.supplier_a]["as_of"]
        assert again == utcnow().isoformat() != first


def test_the_other_suppliers_snapshots_stay(app, world, clock):
    clock.freeze(utcnow())
    with app.app_context():
        ids = [world.supplier_a, world.supplier_b]
        first = snapshots.kept([MONTH], ids, utcnow())[MONTH]
        clock.advance(timedelta(minutes=5))
        scar = db.session.get(Scar, world.scar_a)
        step = step_of(scar, "D3")
        deadlines.change_due_date(
            step,
            step.due_on + timedelta(days=7),
            "Waiting for the lab",
            db.session.get(User, world.reviewer.id),
        )
        db.session.flush()
        again = snapshots.kept([MONTH], ids, utcnow())[MONTH]
        assert again[world.supplier_a].as_of == utcnow() != first[world.supplier_a].as_of
        assert again[world.supplier_b].as_of == first[world.supplier_b].as_of


def test_a_change_committed_while_counting_leaves_the_snapshot_old(app, world, clock):
    """The version is read before the counting: a change that lands meanwhile is not hidden."""
    clock.freeze(utcnow())
    with app.app_context():
        version = db.session.get(Supplier, world.supplier_a).data_version
        snapshots.kept([MONTH], [world.supplier_a], utcnow())
        row = db.session.scalar(
            select(KpiSnapshot).where(
                KpiSnapshot.supplier_id == world.supplier_a, KpiSnapshot.period == MONTH.key
            )
        )
        assert row.data_version == version
        row.data_version = version - 1  # as if counted just before a decision that is now committed
        db.session.flush()
        clock.advance(timedelta(minutes=1))
        again = snapshots.kept([MONTH], [world.supplier_a], utcnow())[MONTH][world.supplier_a]
        assert again.as_of == utcnow()


def test_a_decision_changes_the_live_ranking_at_once(app, world, clock):
    clock.freeze(utcnow())
    with app.app_context():
        before = ranking.rank_of(ranking.live(MONTH, utcnow()), world.supplier_a)
        assert ranking.live(MONTH, utcnow())[0] is ranking.live(MONTH, utcnow())[0]  # kept, not counted again
        _reject(world.submitted_a, world.reviewer.id)
        clock.advance(timedelta(seconds=1))  # the window ends before "now": decided_at < as_of
        after = ranking.rank_of(ranking.live(MONTH, utcnow()), world.supplier_a)
        assert after.figures["lots_rejected"] == before.figures["lots_rejected"] + 1
        assert after.values["lar"] != before.values["lar"]


def test_a_snapshot_the_database_will_not_take_now_does_not_fail_the_page(app, world, monkeypatch):
    """SQLite refuses a write in a read-only request's transaction once another writer committed
    ("database is locked"): the card is still shown, from its counts, and nothing is kept."""
    with app.app_context():
        execute = db.session.execute

        def locked(statement, *args, **kwargs):  # type: ignore[no-untyped-def]
            if getattr(statement, "is_insert", False) and statement.table.name == "kpi_snapshot":
                raise OperationalError(str(statement), {}, Exception("database is locked"))
            return execute(statement, *args, **kwargs)

        monkeypatch.setattr(db.session, "execute", locked)
        card = services.drafts(MONTH, [world.supplier_a])[world.supplier_a]
        monkeypatch.undo()
        assert card["figures"]["lots_decided"] == _decided(app, world)
        kept = db.session.scalars(select(KpiSnapshot).where(KpiSnapshot.supplier_id == world.supplier_a))
        assert [(row.period, row.as_of) for row in kept] == []
