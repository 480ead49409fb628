"""Scorecard KPIs from the data, cards, and frozen publications (SPEC.md section 7, NOTES.md 4.1).

Each test builds its own supplier and part, so that the world's lots and SCARs (decided and
raised today) stay out of the figures; rows are placed in October 2026 by Core UPDATEs of their
timestamps, and `now` is passed explicitly. Expected numbers are worked out by hand, with the
arithmetic in a comment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import select, text, update

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.clock import utcnow
from app.demo.certificates import certificate_with_scan
from app.extensions import db
from app.lots import data as lot_data
from app.lots import services as lot_services
from app.lots.entry import RawCell
from app.lots.models import CharacteristicResult, Lot, LotDataset, LotState
from app.quality.scoring import DEFAULT_RULES, Kpi, Rule
from app.reviews import services as reviews
from app.reviews.services import Decision, DeviationInput
from app.rules import RuleError
from app.scars import services as scars
from app.scars.models import Scar, ScarLot, ScarState, ScarStep, StepSubmission
from app.scorecards import cards, services
from app.scorecards.kpis import Figures, figures_of
from app.scorecards.periods import MONTH, Period
from app.standards.models import Characteristic
from app.suppliers.models import Supplier
from tests import factories
from tests.factories import PASSWORD, in_spec
from tests.integration.scar_answers import complete

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

OCTOBER = Period(2026, MONTH, 10)
NOVEMBER = Period(2026, MONTH, 11)
NOW = datetime(2026, 11, 15, 12, 0, tzinfo=UTC)  # October is over: it stands at 2026-11-01 00:00 UTC
WINDOW = cards.window(OCTOBER, NOW)


def _at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=UTC)


def _user(person) -> User:  # type: ignore[no-untyped-def]
    return db.session.get(User, person.id)


def _set(model: Any, row_id: int, **values: Any) -> None:
    """Correct a row behind the services' back (a Core UPDATE), then reload what the session holds."""
    db.session.execute(
        update(model).where(model.id == row_id).values(**values).execution_options(synchronize_session=False)
    )
    db.session.expire_all()


def _local_time_zone_on_postgresql() -> None:
    """On PostgreSQL, a session time zone far from UTC: the KPIs must still count UTC days."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SET TIME ZONE 'Asia/Bangkok'"))  # UTC+7; undone by the test's rollback
        assert db.session.execute(text("SHOW TIME ZONE")).scalar() == "Asia/Bangkok"


# --- Builders ----------------------------------------------------------------------------------


def _maker(world, code: str, *characteristics: Characteristic) -> SimpleNamespace:  # type: ignore[no-untyped-def]
    """A supplier of its own with a certified site, an approved part and its people."""
    supplier = factories.supplier(code)
    site = factories.site(supplier)
    certificate_with_scan(site)
    part = factories.part()
    factories.approval(part, site)
    factories.released_standard(part, *characteristics)
    return SimpleNamespace(
        id=supplier.id,
        supplier=supplier,
        site=site,
        part=part,
        inspector=factories.user(Role.SUPPLIER_INSPECTOR, supplier),
        manager=factories.user(Role.SUPPLIER_MANAGER, supplier),
        reviewer=_user(world.reviewer),
        quality_manager=_user(world.quality_manager),
    )


def _values(bad: Iterable[int] = ()) -> Callable[[int, Characteristic], str]:
    """In-spec values, except 0.05 above the upper limit on the samples in `bad`."""
    out = set(bad)

    def value(sample: int, c: Characteristic) -> str:
        if c.kind == "variable" and sample in out:
            return str((c.usl or Decimal(0)) + Decimal("0.05"))
        return in_spec(sample, c)

    return value


def _submitted(m: SimpleNamespace, number: str, size: int = 10, bad: Iterable[int] = ()) -> Lot:
    lot = factories.submitted_lot(m.site, m.part, m.inspector, number, lot_size=size, value=_values(bad))
    # The critical AQL 0.065 needs n = 200, so a lot this small is inspected 100 %.
    assert lot.sample_size == size
    return lot


def _decide(m: SimpleNamespace, lot: Lot, decision: Decision, at: datetime | None = None) -> Lot:
    reviews.claim(lot, m.reviewer)
    reason = "" if decision == Decision.ACCEPT else "Burrs on the bore"
    # Some lots are decided against their recommendation on purpose: the reviewer acknowledges it.
    reviews.decide(
        lot, m.reviewer, decision, reason=reason, password=PASSWORD, version=None, acknowledged=True
    )
    if at is not None:
        _set(Lot, lot.id, decided_at=at)
    return lot


def _on_deviation(m: SimpleNamespace, lot: Lot, at: datetime) -> Lot:
    reviews.claim(lot, m.reviewer)
    data = DeviationInput("Cosmetic only, customer agreed", 5, utcnow().date() + timedelta(days=30))
    reviews.request_deviation(lot, m.reviewer, data, password=PASSWORD, version=None)
    reviews.sign_deviation(lot, m.quality_manager, approve=True, comment="", password=PASSWORD, version=None)
    assert lot.state == LotState.ACCEPTED_ON_DEVIATION
    _set(Lot, lot.id, decided_at=at)
    return lot


def _resubmit(m: SimpleNamespace, lot: Lot, bad: Iterable[int] = ()) -> None:
    """The supplier corrects a returned lot's data and submits it again (a new dataset)."""
    typed = _values(bad)
    cells = [
        RawCell(sample, c, typed(sample, c))
        for sample in range(1, lot.sample_size + 1)
        for c in lot_data.characteristics_of(lot)
    ]
    lot_data.save_entries(lot, cells, [])
    lot_services.submit(lot, m.inspector)


def _figures(m: SimpleNamespace, window=WINDOW) -> Figures:  # type: ignore[no-untyped-def]
    return figures_of(m.id, window)


def _critical(
    code: str, position: int, kind: str = "variable", defect_class: str = "critical"
) -> Characteristic:
    if kind == "attribute":
        return Characteristic(
            position=position, code=code, name="Crack", kind=kind, defect_class=defect_class
        )
    return Characteristic(
        position=position,
        code=code,
        name=f"Diameter {code}",
        kind=kind,
        unit="mm",
        nominal=Decimal("10.00"),
        lsl=Decimal("9.95"),
        usl=Decimal("10.05"),
        defect_class=defect_class,
    )


def _scar(m: SimpleNamespace, title: str = "Burrs on bore", due_on: date = date(2026, 12, 15)) -> Scar:
    """A SCAR raised through the service, every step then moved to `due_on` (outside October)."""
    data = scars.ScarInput(m.id, m.part.id, "major", "other", title, "Burrs found on the bore edge")
    scar = scars.raise_scar(data, m.reviewer)
    db.session.execute(
        update(ScarStep)
        .where(ScarStep.scar_id == scar.id)
        .values(due_on=due_on)
        .execution_options(synchronize_session=False)
    )
    db.session.expire_all()
    return scar


def _step(scar: Scar, code: str) -> ScarStep:
    return db.session.scalars(
        select(ScarStep).where(ScarStep.scar_id == scar.id, ScarStep.code == code)
    ).one()


def _submitted_at(m: SimpleNamespace, step: ScarStep, at: datetime, number: int = 1) -> None:
    """A submission of the step sent at `at` (a row as the service keeps it)."""
    db.session.add(
        StepSubmission(
            supplier_id=m.id,
            step_id=step.id,
            number=number,
            content={},
            submitted_by_id=m.manager.id,
            submitted_by_name=m.manager.name,
            submitted_at=at,
        )
    )
    db.session.flush()


def _card(numbers: dict[str, Any], kpi: Kpi) -> dict[str, Any]:
    return next(row for row in numbers["kpis"] if row["kpi"] == kpi.value)


# --- Lots: LAR, PPM, rejected quantity, first pass ---------------------------------------------


def test_lot_kpis_count_the_lots_decided_in_the_window_with_their_deciding_submission(app, world):
    with app.app_context():
        m = _maker(world, "LARS")
        accepted = _submitted(m, "L1")
        accepted_with_a_bad_sample = _submitted(m, "L2", bad=[1])
        rejected = _submitted(m, "L3", size=20, bad=[4, 9])
        on_deviation = _submitted(m, "L4")
        returned = _submitted(m, "L5", bad=[1, 2, 3])
        before_window = _submitted(m, "L6")
        at_the_end = _submitted(m, "L7")
        waiting = _submitted(m, "L8")
        in_review = _submitted(m, "L9")
        returned_only = _submitted(m, "L10")
        # Every lot is created before any decision, so that no plan changes under a lot; the lots
        # whose samples fail are decided last (two of them switch the part to tightened inspection).
        _decide(m, accepted, Decision.ACCEPT, _at(2026, 10, 5, 9))
        _on_deviation(m, on_deviation, _at(2026, 10, 20, 9))
        _decide(m, returned, Decision.RETURN)
        _resubmit(m, returned)  # the correction has no bad sample
        _decide(m, returned, Decision.ACCEPT, _at(2026, 10, 31, 23, 59, 59))
        _decide(m, before_window, Decision.ACCEPT, _at(2026, 9, 30, 23, 59, 59))
        _decide(m, at_the_end, Decision.ACCEPT, _at(2026, 11, 1))  # as_of is exclusive
        _decide(m, accepted_with_a_bad_sample, Decision.ACCEPT, _at(2026, 10, 6, 9))
        _decide(m, rejected, Decision.REJECT, _at(2026, 10, 1))  # the window's first instant counts
        reviews.claim(in_review, m.reviewer)
        _set(Lot, in_review.id, decided_at=_at(2026, 10, 15))  # a stray timestamp: still not decided
        _decide(m, returned_only, Decision.RETURN)
        assert waiting.state == LotState.SUBMITTED and returned.submissions == 2
        first, last = lot_data.datasets_of(returned)
        assert (first.nonconforming, last.nonconforming) == (3, 0)

        f = _figures(m)
        # Decided in October: L1, L2, L3, L4, L5 = 5; accepted: L1, L2, L5 = 3 (L4 on deviation is not).
        assert (f.lots_decided, f.lots_accepted, f.lots_rejected, f.lots_on_deviation) == (5, 3, 1, 1)
        # First pass: accepted with one submission: L1, L2 = 2 (L5 was returned once).
        assert f.lots_first_pass == 2
        # Rejected quantity: L3's lot size, 20.
        assert f.rejected_quantity == 20
        # Inspected units: 10 + 10 + 20 + 10 + 10 = 60; nonconforming in the deciding datasets:
        # L2 1 + L3 2 + L5 0 (its first submission's 3 do not count) = 3.
        assert (f.sample_units, f.nonconforming_units) == (60, 3)
        values = f.values()
        assert values[Kpi.LAR] == 60.0  # 3 / 5
        assert values[Kpi.FIRST_PASS] == 40.0  # 2 / 5
        assert values[Kpi.PPM] == 50000.0  # 3 / 60 x 10^6
        assert values[Kpi.CAPABILITY] is None  # the bore diameter is a major characteristic

        # September holds L6 alone; November (running on the 15th) holds L7 and the world's
        # lots are another supplier's.
        september = figures_of(m.id, cards.window(Period(2026, MONTH, 9), NOW))
        assert (september.lots_decided, september.lots_accepted) == (1, 1)
        november = figures_of(m.id, cards.window(NOVEMBER, NOW))
        assert (november.lots_decided, november.lots_accepted) == (1, 1)


def test_the_card_shows_the_values_points_and_trend_of_the_lot_kpis(app, world):
    with app.app_context():
        m = _maker(world, "CARD")
        lots = [_submitted(m, f"C{i}") for i in range(1, 5)] + [_submitted(m, "C5", bad=[2])]
        for lot in lots[:4]:
            _decide(m, lot, Decision.ACCEPT, _at(2026, 10, 10))
        _decide(m, lots[4], Decision.REJECT, _at(2026, 10, 11))
        september = _submitted(m, "C6")
        _decide(m, september, Decision.ACCEPT, _at(2026, 9, 2))

        card = cards.build(OCTOBER, NOW, DEFAULT_RULES, [m.id])[m.id]
        # LAR 4 / 5 = 80.0 %: below 85, 0 points.
        assert (_card(card, Kpi.LAR)["value"], _card(card, Kpi.LAR)["points"]) == (80.0, 0.0)
        # PPM 1 / 50 x 10^6 = 20,000: on the zero threshold, 0 points.
        assert (_card(card, Kpi.PPM)["value"], _card(card, Kpi.PPM)["points"]) == (20000.0, 0.0)
        # First pass 4 / 5 = 80.0 %: on the zero threshold, 0 points.
        assert (_card(card, Kpi.FIRST_PASS)["value"], _card(card, Kpi.FIRST_PASS)["points"]) == (80.0, 0.0)
        assert card["score"] == 0.0 and card["grade"] == "D"  # zero points are data, not "no data"
        assert card["figures"]["rejected_quantity"] == 10
        assert card["period"] == "2026-10" and card["as_of"] == "2026-11-01T00:00:00+00:00"
        assert [lot["lot_number"] for lot in card["rejected_lots"]] == ["C5"]
        # The trend: six months, oldest first; September's one lot scores LAR 100 %, PPM 0, first
        # pass 100 %: (25·100 + 15·100 + 10·100) / 50 = 100.0.
        assert [p["period"] for p in card["trend"]] == [
            "2026-05",
            "2026-06",
            "2026-07",
            "2026-08",
            "2026-09",
            "2026-10",
        ]
        assert card["trend"][4] == {
            "period": "2026-09",
            "score": 100.0,
            "grade": "A",
            "lar": 100.0,
            "ppm": 0.0,
            "lots_decided": 1,
        }
        assert card["trend"][0]["score"] is None and card["trend"][0]["lots_decided"] == 0


def test_a_supplier_without_lots_or_scars_in_the_period_has_no_data_and_no_score(app, world):
    with app.app_context():
        numbers = cards.build(OCTOBER, NOW, DEFAULT_RULES, [world.supplier_b])[world.supplier_b]
        assert {row["kpi"]: row["value"] for row in numbers["kpis"]} == dict.fromkeys(
            [kpi.value for kpi in Kpi], None
        )
        assert all(row["points"] is None for row in numbers["kpis"])
        assert numbers["score"] is None and numbers["grade"] is None
        assert numbers["figures"] == Figures().as_dict()
        # The world's lot of supplier B decided today is in its running month, not in October.
        today = Period.containing(utcnow().date())
        current = cards.build(today, utcnow(), DEFAULT_RULES, [world.supplier_b])[world.supplier_b]
        assert current["figures"]["lots_decided"] == 1


# --- Capability --------------------------------------------------------------------------------


def test_capability_counts_critical_variable_results_with_a_cpk_of_the_deciding_dataset(app, world):
    with app.app_context():
        m = _maker(
            world,
            "CAPA",
            _critical("K1", 1),
            _critical("K2", 2),
            _critical("M3", 3, defect_class="major"),
            _critical("A4", 4, kind="attribute"),
        )
        codes = {c.code: c.id for c in lot_data.characteristics_of(_submitted(m, "W1"))}  # W1 waits
        x, y, september = _submitted(m, "X"), _submitted(m, "Y"), _submitted(m, "S")
        waiting = db.session.get(Lot, db.session.scalar(select(Lot.id).where(Lot.lot_number == "W1")))

        def set_cpk(lot: Lot, number: int, **cpks: float | None) -> None:
            dataset = db.session.scalar(
                select(LotDataset.id).where(LotDataset.lot_id == lot.id, LotDataset.number == number)
            )
            for code, cpk in cpks.items():
                db.session.execute(
                    update(CharacteristicResult)
                    .where(
                        CharacteristicResult.dataset_id == dataset,
                        CharacteristicResult.characteristic_id == codes[code],
                    )
                    .values(cpk=cpk)
                    .execution_options(synchronize_session=False)
                )

        _decide(m, x, Decision.ACCEPT, _at(2026, 10, 7))
        _decide(m, y, Decision.RETURN)
        _resubmit(m, y)
        _decide(m, y, Decision.ACCEPT, _at(2026, 10, 8))
        _decide(m, september, Decision.ACCEPT, _at(2026, 9, 8))
        set_cpk(x, 1, K1=1.33, K2=1.32, M3=2.0)  # K1 exactly on the target counts
        set_cpk(y, 1, K1=2.0, K2=2.0)  # Y's first submission: not the deciding one
        set_cpk(y, 2, K1=0.9, K2=None)  # Y's deciding submission: K2 has no Cpk
        set_cpk(september, 1, K1=2.0, K2=2.0)
        set_cpk(waiting, 1, K1=2.0, K2=2.0)
        db.session.expire_all()
        x_results = db.session.scalars(
            select(CharacteristicResult.cpk)
            .join(LotDataset, LotDataset.id == CharacteristicResult.dataset_id)
            .where(LotDataset.lot_id == x.id)
            .order_by(CharacteristicResult.characteristic_id)
        ).all()
        assert x_results == [1.33, 1.32, 2.0, None]  # K1, K2, M3 and A4 all have a result row

        f = _figures(m)
        # Results: X K1, X K2, Y K1 = 3 (M3 is major, A4 an attribute, Y K2 has no Cpk);
        # capable (Cpk >= 1.33): X K1 = 1.
        assert (f.capability_results, f.capability_capable) == (3, 1)
        assert f.values()[Kpi.CAPABILITY] == 33.3  # 100 x 1 / 3 = 33.33 -> 33.3


# --- SCARs: on time, days to close, open and overdue -------------------------------------------


def test_steps_answered_by_their_due_day_are_on_time_in_utc_days(app, world):
    with app.app_context():
        _local_time_zone_on_postgresql()
        m = _maker(world, "ONTM")
        scar = _scar(m)
        due = {
            "D0": date(2026, 10, 10),
            "D1": date(2026, 10, 10),
            "D2": date(2026, 10, 20),
            "D3": date(2026, 10, 31),
            "D4": date(2026, 11, 1),
            "D5": date(2026, 9, 30),
            "D6": date(2026, 11, 14),
            "D7": date(2026, 11, 15),
            "D8": date(2026, 11, 16),
        }
        for code, on in due.items():
            _set(ScarStep, _step(scar, code).id, due_on=on)
        for code in ("D0", "D1", "D3"):
            scars.submit_step(_step(scar, code), complete(code), m.manager, password=PASSWORD)
        sent = {
            "D0": _at(2026, 10, 10, 23, 30),  # on the due day (UTC): on time
            "D1": _at(2026, 10, 11, 0, 30),  # the day after: late
            "D3": _at(2026, 10, 31, 8),  # on the due day, the window's last: on time
        }
        for code, at in sent.items():
            db.session.execute(
                update(StepSubmission)
                .where(StepSubmission.step_id == _step(scar, code).id)
                .values(submitted_at=at)
                .execution_options(synchronize_session=False)
            )
        db.session.expire_all()
        # D2 is never answered: late. D4 is due on 1 November (after October), D5 in September.

        f = _figures(m)
        # Due in October: D0, D1, D2, D3 = 4; on time: D0, D3 = 2 -> 50.0 %.
        assert (f.steps_due, f.steps_on_time) == (4, 2)
        assert f.values()[Kpi.ON_TIME] == 50.0

        # November, running on the 15th at noon: due and over are D4 (1 Nov, never answered) and D6
        # (14 Nov, answered that day); D7 is due today (not late yet), D8 tomorrow.
        _submitted_at(m, _step(scar, "D6"), _at(2026, 11, 14, 9))
        running = figures_of(m.id, cards.window(NOVEMBER, NOW))
        assert (running.steps_due, running.steps_on_time) == (2, 1)
        # The whole of November: D4, D6, D7, D8 = 4 due, 1 on time.
        whole = figures_of(m.id, cards.window(NOVEMBER, _at(2026, 12, 1)))
        assert (whole.steps_due, whole.steps_on_time) == (4, 1)


def test_after_a_reopening_only_later_answers_count_for_d4_to_d8(app, world):
    with app.app_context():
        m = _maker(world, "REOP")
        scar = _scar(m)
        lot = factories.lot(m.site, m.part, m.inspector, "R-1")
        db.session.add(
            ScarLot(
                supplier_id=m.id,
                scar_id=scar.id,
                lot_id=lot.id,
                role="reopened",
                created_at=_at(2026, 10, 10),
            )
        )
        for code, on in {"D3": date(2026, 10, 8), "D4": date(2026, 10, 25), "D5": date(2026, 10, 25)}.items():
            _set(ScarStep, _step(scar, code).id, due_on=on)
        _submitted_at(m, _step(scar, "D3"), _at(2026, 10, 7))  # before the reopening, D0-D3 stand
        _submitted_at(m, _step(scar, "D4"), _at(2026, 10, 5))  # before the reopening: no longer counts
        _submitted_at(m, _step(scar, "D4"), _at(2026, 10, 28), number=2)  # after it, but late
        _submitted_at(m, _step(scar, "D5"), _at(2026, 10, 20))  # after it, on time

        f = _figures(m)
        # Due in October: D3, D4, D5 = 3; on time: D3, D5 = 2 -> 66.7 %.
        assert (f.steps_due, f.steps_on_time) == (3, 2)
        assert f.values()[Kpi.ON_TIME] == 66.7


def test_a_reopening_of_one_scar_leaves_the_answers_to_other_scars_alone(app, world):
    with app.app_context():
        m = _maker(world, "REO2")
        reopened, other = _scar(m, "Burrs"), _scar(m, "Scratches")
        lot = factories.lot(m.site, m.part, m.inspector, "R-2")
        db.session.add(
            ScarLot(
                supplier_id=m.id,
                scar_id=reopened.id,
                lot_id=lot.id,
                role="reopened",
                created_at=_at(2026, 10, 20),
            )
        )
        _set(ScarStep, _step(other, "D4").id, due_on=date(2026, 10, 15))
        _submitted_at(m, _step(other, "D4"), _at(2026, 10, 10))  # on time; the other SCAR reopened later

        f = _figures(m)
        # Due in October: the other SCAR's D4 alone, answered on time -> 1 of 1.
        assert (f.steps_due, f.steps_on_time) == (1, 1)


def test_mean_days_to_close_covers_the_scars_closed_in_the_window_in_utc_days(app, world):
    with app.app_context():
        _local_time_zone_on_postgresql()
        m = _maker(world, "CLOS")
        closings = {
            "A": (date(2026, 9, 20), _at(2026, 10, 5, 10)),  # 15 days
            "B": (date(2026, 10, 1), _at(2026, 10, 31, 23, 59)),  # 30 days (UTC day 31 October)
            "C": (date(2026, 10, 10), _at(2026, 11, 1)),  # closed at as_of: not in October
            "D": (date(2026, 9, 1), _at(2026, 9, 30, 23, 59, 59)),  # closed in September
        }
        for title, (issued, closed) in closings.items():
            scar = _scar(m, title)
            _set(Scar, scar.id, issued_on=issued, closed_at=closed, state=ScarState.CLOSED.value)
        still_open = _scar(m, "E")
        _set(Scar, still_open.id, issued_on=date(2026, 10, 2))

        f = _figures(m)
        # Closed in October: A and B; (15 + 30) / 2 = 22.5 days.
        assert (f.scars_closed, f.days_to_close_total) == (2, 45)
        assert f.values()[Kpi.DAYS_TO_CLOSE] == 22.5
        # Open at the end of October: C (closed only at as_of) and E; no step is due before December.
        assert (f.scars_open, f.scars_overdue) == (2, 0)


def test_open_and_overdue_scars_stand_at_as_of(app, world):
    with app.app_context():
        m = _maker(world, "OVER")
        made: dict[str, Scar] = {}

        def scar(name: str, issued: date, closed: datetime | None = None, **steps: tuple[date, Any]) -> None:
            made[name] = row = _scar(m, name)
            values: dict[str, Any] = {"issued_on": issued}
            if closed is not None:
                values |= {"closed_at": closed, "state": ScarState.CLOSED.value}
            _set(Scar, row.id, **values)
            for code, (due_on, accepted_at) in steps.items():
                _set(ScarStep, _step(row, code).id, due_on=due_on, accepted_at=accepted_at)

        scar("O1", date(2026, 10, 1), D0=(date(2026, 10, 10), None))  # open, overdue
        scar(
            "O2",
            date(2026, 10, 20),
            _at(2026, 11, 5),  # closed after as_of: open at it
            D0=(date(2026, 10, 25), _at(2026, 10, 24)),  # accepted in time
            D4=(date(2026, 11, 1), None),  # due on as_of's day: not past it
        )
        scar("O3", date(2026, 10, 2), D0=(date(2026, 10, 15), _at(2026, 11, 3)))  # accepted too late
        scar("O4", date(2026, 11, 1), D0=(date(2026, 10, 31), None))  # issued on as_of's day
        scar("O5", date(2026, 9, 1), _at(2026, 10, 20))  # closed in October
        scar("O6", date(2026, 10, 31), D0=(date(2026, 10, 31), None))  # due on the last day, not done

        f = _figures(m)
        # Open at 1 November 00:00: O1, O2, O3, O6 = 4; overdue: O1, O3, O6 = 3.
        assert (f.scars_open, f.scars_overdue) == (4, 3)
        card = cards.build(OCTOBER, NOW, DEFAULT_RULES, [m.id])[m.id]
        listed = {row["number"]: row["overdue"] for row in card["open_scars"]}
        numbers = {name: scar.number for name, scar in made.items()}
        assert listed == {numbers["O1"]: True, numbers["O2"]: False, numbers["O3"]: True, numbers["O6"]: True}

        # While October runs (15 October, noon): O1 (10 Oct, overdue), O3 (due today, not yet) and
        # O5 (closed only on the 20th) are open; O2 and O6 are not issued yet.
        running = figures_of(m.id, cards.window(OCTOBER, _at(2026, 10, 15, 12)))
        assert (running.scars_open, running.scars_overdue) == (3, 1)


# --- Publishing --------------------------------------------------------------------------------


def _one_of_two_accepted(world, code: str) -> tuple[SimpleNamespace, Lot]:  # type: ignore[no-untyped-def]
    """A supplier with two lots decided in October, one accepted and one rejected: its card scores
    LAR 50 % (0 points), PPM 0 (100 points), first pass 50 % (0 points), no other data:
    (25·0 + 15·100 + 10·0) / (25 + 15 + 10) = 1500 / 50 = 30.0, a D."""
    m = _maker(world, code)
    good, bad = _submitted(m, f"{code}-1"), _submitted(m, f"{code}-2")
    _decide(m, good, Decision.ACCEPT, _at(2026, 10, 10))
    _decide(m, bad, Decision.REJECT, _at(2026, 10, 12))
    return m, bad


def test_publishing_freezes_the_numbers_and_a_republish_adds_a_version(app, world):
    with app.app_context():
        m, rejected = _one_of_two_accepted(world, "PUBL")
        first = services.publish(OCTOBER, m.quality_manager, note="October", now=NOW)
        assert (first.period, first.version, first.as_of) == ("2026-10", 1, _at(2026, 11, 1))
        stored = services.published_card(OCTOBER, m.id)
        assert stored is not None
        digest = stored.digest
        assert (stored.score, stored.grade) == (30.0, "D")
        assert _card(stored.numbers, Kpi.LAR)["value"] == 50.0 and stored.numbers["version"] == 1
        # Every supplier gets a card, with data or not.
        assert {c.supplier_id for c in services.published_cards(first)} >= {
            m.id,
            world.supplier_a,
            world.supplier_b,
        }

        # A data correction after publishing: the rejected lot becomes accepted, with a new size.
        _set(Lot, rejected.id, state=LotState.ACCEPTED.value, lot_size=12)
        frozen = services.published_card(OCTOBER, m.id, version=1)
        assert frozen is not None
        assert frozen.digest == digest and cards.digest(frozen.numbers) == digest
        assert (frozen.score, frozen.grade) == (30.0, "D")
        assert frozen.numbers["figures"]["lots_accepted"] == 1
        assert frozen.numbers["figures"]["rejected_quantity"] == 10
        # The live draft follows the data: LAR 2 / 2, PPM 0, first pass 2 / 2: 100.0, an A.
        draft = services.drafts(OCTOBER, [m.id], now=NOW)[m.id]
        assert _card(draft, Kpi.LAR)["value"] == 100.0
        assert (draft["score"], draft["grade"]) == (100.0, "A")
        assert cards.digest(draft) != digest

        second = services.publish(OCTOBER, m.quality_manager, now=NOW)
        assert second.version == 2
        latest = services.published_card(OCTOBER, m.id)
        assert latest is not None and latest.publication_id == second.id
        assert (latest.score, latest.grade, latest.numbers["version"]) == (100.0, "A", 2)
        assert cards.digest(latest.numbers) == latest.digest != digest
        kept = services.published_card(OCTOBER, m.id, version=1)
        assert kept is not None and kept.digest == digest and kept.score == 30.0
        assert [p.version for p in services.publications_of(OCTOBER)] == [2, 1]
        # (period, latest version, ..., score, grade) of the supplier's published cards.
        periods = services.published_periods_of(m.id)
        assert [(str(p[0]), p[1], p[-2], p[-1]) for p in periods] == [("2026-10", 2, 100.0, "A")]


def test_changed_rules_change_drafts_but_not_published_cards(app, world):
    with app.app_context():
        m, _rejected = _one_of_two_accepted(world, "RULE")
        services.publish(OCTOBER, m.quality_manager, now=NOW)
        rules = {
            Kpi.LAR: Rule(weight=5, full_at=99.0, zero_at=85.0),
            Kpi.PPM: Rule(weight=30, full_at=1000.0, zero_at=20000.0),
            Kpi.FIRST_PASS: Rule(weight=5, full_at=98.0, zero_at=80.0),
            Kpi.ON_TIME: Rule(weight=30, full_at=95.0, zero_at=50.0),
            Kpi.DAYS_TO_CLOSE: Rule(weight=10, full_at=30.0, zero_at=90.0),
            Kpi.CAPABILITY: Rule(weight=20, full_at=95.0, zero_at=50.0),
        }  # 5 + 30 + 5 + 30 + 10 + 20 = 100
        services.set_rules(rules, m.quality_manager)
        assert services.rules_in_force() == rules

        draft = services.drafts(OCTOBER, [m.id], now=NOW)[m.id]
        # (5·0 + 30·100 + 5·0) / (5 + 30 + 5) = 3000 / 40 = 75.0, a C.
        assert (draft["score"], draft["grade"]) == (75.0, "C")
        assert draft["weights"] == {"quality": 40, "responsiveness": 40, "capability": 20}
        published = services.published_card(OCTOBER, m.id)
        assert published is not None
        assert (published.score, published.grade) == (30.0, "D")
        assert published.numbers["weights"] == {"quality": 50, "responsiveness": 30, "capability": 20}
        assert _card(published.numbers, Kpi.LAR)["weight"] == 25
        assert cards.digest(published.numbers) == published.digest

        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "scorecard.rules_changed")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None and event.actor_id == m.quality_manager.id
        assert event.before["lar"] == {"weight": 25, "full_at": 99.0, "zero_at": 85.0}
        assert event.after["lar"] == {"weight": 5, "full_at": 99.0, "zero_at": 85.0}
        assert event.after["ppm"]["weight"] == 30
        # The same rules again change nothing and record nothing.
        count = len(
            db.session.scalars(
                select(AuditEvent.id).where(AuditEvent.action == "scorecard.rules_changed")
            ).all()
        )
        services.set_rules(dict(rules), m.quality_manager)
        assert (
            len(
                db.session.scalars(
                    select(AuditEvent.id).where(AuditEvent.action == "scorecard.rules_changed")
                ).all()
            )
            == count
        )


def test_rules_whose_weights_do_not_add_up_to_100_are_refused(app, world):
    with app.app_context():
        manager = _user(world.quality_manager)
        rules = {**DEFAULT_RULES, Kpi.LAR: Rule(weight=20, full_at=99.0, zero_at=85.0)}  # 95 in all
        with pytest.raises(RuleError) as refused:
            services.set_rules(rules, manager)
        assert refused.value.field == "weights"
        assert services.rules_in_force() == DEFAULT_RULES
        with pytest.raises(RuleError):
            services.set_rules(DEFAULT_RULES, _user(world.reviewer))  # only a quality manager
        assert (
            db.session.scalars(
                select(AuditEvent).where(AuditEvent.action == "scorecard.rules_changed")
            ).first()
            is None
        )


def test_rules_that_leave_a_kpi_out_are_refused_rather_than_topped_up_with_its_default(app, world):
    with app.app_context():
        rules = {kpi: rule for kpi, rule in DEFAULT_RULES.items() if kpi != Kpi.CAPABILITY}
        rules[Kpi.LAR] = Rule(weight=45, full_at=99.0, zero_at=85.0)  # 45 + 15 + 10 + 20 + 10 = 100
        # In force, capability would keep its default 20: 100 + 20 = 120, not 100.
        with pytest.raises(RuleError):
            services.set_rules(rules, _user(world.quality_manager))
        assert sum(rule.weight for rule in services.rules_in_force().values()) == 100


def test_targets_are_audited_on_the_supplier_and_shown_on_the_card(app, world):
    with app.app_context():
        manager = _user(world.quality_manager)
        supplier = db.session.get(Supplier, world.supplier_b)
        services.set_targets(supplier, 2026, {Kpi.LAR: 95.0, Kpi.PPM: 500.0}, manager)
        services.set_targets(supplier, 2025, {Kpi.LAR: 80.0}, manager)
        event = db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == "scorecard.targets_changed").order_by(AuditEvent.id)
        ).first()
        assert event is not None
        assert (event.object_type, event.object_id, event.supplier_id) == (
            "Supplier",
            supplier.id,
            supplier.id,
        )
        assert event.before == {"year": 2026}
        assert event.after == {"year": 2026, "lar": 95.0, "ppm": 500.0}
        assert event.actor_id == manager.id  # who changed them, as for the rules

        card = cards.build(OCTOBER, NOW, DEFAULT_RULES, [supplier.id])[supplier.id]
        targets = {row["kpi"]: row["target"] for row in card["kpis"]}
        assert targets == {"lar": 95.0, "ppm": 500.0, "first_pass": None, "on_time": None,
                           "days_to_close": None, "capability": None}  # fmt: skip
        with pytest.raises(RuleError):
            services.set_targets(supplier, 2026, {Kpi.LAR: 99.0}, _user(world.reviewer))


def test_changing_one_target_audits_the_whole_set_and_an_unchanged_set_records_nothing(app, world):
    with app.app_context():
        manager = _user(world.quality_manager)
        supplier = db.session.get(Supplier, world.supplier_b)
        services.set_targets(supplier, 2026, {Kpi.LAR: 95.0, Kpi.PPM: 500.0}, manager)
        services.set_targets(supplier, 2026, {Kpi.LAR: 97.0}, manager)  # PPM is left as it is
        assert services.targets_of(supplier.id, 2026) == {Kpi.LAR: 97.0, Kpi.PPM: 500.0}

        def events() -> list[AuditEvent]:
            return list(
                db.session.scalars(
                    select(AuditEvent)
                    .where(AuditEvent.action == "scorecard.targets_changed")
                    .order_by(AuditEvent.id)
                )
            )

        last = events()[-1]
        assert last.before == {"year": 2026, "lar": 95.0, "ppm": 500.0}
        assert last.after == {"year": 2026, "lar": 97.0, "ppm": 500.0}
        count = len(events())
        services.set_targets(supplier, 2026, {Kpi.LAR: 97.0}, manager)  # nothing changes
        assert len(events()) == count


def test_only_a_quality_manager_publishes_a_period_that_has_started(app, world):
    with app.app_context():
        for person in (world.reviewer, world.manager_a, world.admin):
            with pytest.raises(RuleError, match="Only a quality manager"):
                services.publish(OCTOBER, _user(person), now=NOW)
        with pytest.raises(RuleError):
            services.publish(Period(2026, MONTH, 12), _user(world.quality_manager), now=NOW)
        assert services.publications_of(OCTOBER) == []
        assert services.publications_of(Period(2026, MONTH, 12)) == []


@pytest.mark.parametrize("change", ["update", "delete"])
def test_a_published_card_cannot_be_changed_or_deleted(app, world, change):
    with app.app_context():
        publication = services.publish(OCTOBER, _user(world.quality_manager), now=NOW)
        card = services.published_cards(publication)[0]
        if change == "update":
            card.score = 99.0
        else:
            db.session.delete(card)
        with pytest.raises(ValueError, match="is published and cannot be changed or deleted"):
            db.session.flush()
        db.session.rollback()
