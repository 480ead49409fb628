"""Tests of app.quality.integrity: each flag on a tampered lot and not on a nearly identical honest one,
degenerate inputs, and simulations of the false-alarm rate and the detection power.

The simulation model (also used by bench/integrity_false_alarms.py): a characteristic is a normal
process recorded at resolution u = 10**-decimals with u between 1/10 and 1/2 of the process sd; the
history holds 5-25 earlier lots of the same process, newest first; n is an ISO 2859-1 sample size from
5 to 315; the specification is two-sided, one-sided or missing, with Cpk 0.7-2.5.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace

import pytest

from app.quality.integrity import Flag, FlagKind, Series, check_lot

PLAN_SIZES = (5, 8, 13, 20, 32, 50, 80, 125, 200, 315)


@dataclass(frozen=True)
class Process:
    """A normal process recorded at a fixed resolution, with its specification."""

    mean: float
    sd: float
    decimals: int
    lsl: float | None
    usl: float | None

    @property
    def unit(self) -> float:
        """Return the recorded resolution."""
        return 10.0**-self.decimals

    def read(self, rng: random.Random, n: int) -> list[float]:
        """Return n honest readings (rounded in resolution units: faster than round(x, decimals))."""
        gauss, scale = rng.gauss, 10**self.decimals
        mean, sd = self.mean * scale, self.sd * scale
        return [round(gauss(mean, sd)) / scale for _ in range(n)]


def random_process(rng: random.Random, sd_units: tuple[float, float] = (2.0, 10.0)) -> Process:
    """Draw a process: resolution 1/10..1/2 sd, spec two-sided (60 %), USL or LSL only, or none."""
    decimals = rng.randint(1, 4)
    unit = 10.0**-decimals
    sd = unit * rng.uniform(*sd_units)
    mean = round(rng.uniform(20.0, 200.0) * sd, decimals)
    cpk = rng.uniform(0.7, 2.5)
    lsl = usl = None
    kind = rng.random()
    if kind < 0.6:
        half = 3.0 * cpk * sd
        middle = mean - rng.uniform(-0.3, 0.3) * half
        lsl, usl = round(middle - half, decimals), round(middle + half, decimals)
    elif kind < 0.75:
        usl = round(mean + 3.0 * cpk * sd, decimals)
    elif kind < 0.9:
        lsl = round(mean - 3.0 * cpk * sd, decimals)
    return Process(mean, sd, decimals, lsl, usl)


def history_sizes(rng: random.Random, n: int, lots: int) -> list[int]:
    """Sample sizes of earlier lots: mostly n, sometimes the next plan size up or down (switching)."""
    index = PLAN_SIZES.index(n)
    near = PLAN_SIZES[max(0, index - 1) : index + 2]
    return [n if rng.random() < 0.7 else rng.choice(near) for _ in range(lots)]


def honest_series(rng: random.Random, code: str, process: Process, n: int, lots: int) -> Series:
    """One characteristic: n honest readings and `lots` honest earlier lots (the newest has n values)."""
    sizes = [n, *history_sizes(rng, n, lots - 1)]
    history = [process.read(rng, size) for size in sizes]
    return Series(code, process.read(rng, n), process.decimals, process.lsl, process.usl, history)


SMALL_FIRST = tuple(size**-0.5 for size in PLAN_SIZES)  # sample-size weights favouring small samples


def clean_lot(
    rng: random.Random, max_readings: int | None = None, n: int | None = None, small_first: bool = False
) -> list[Series]:
    """A clean lot of 1-40 characteristics (fewer when n x characteristics would pass max_readings).

    n is drawn uniformly from the plan sizes 5..315, or with weights 1/sqrt(n) when small_first.
    """
    n = n or rng.choices(PLAN_SIZES, weights=SMALL_FIRST if small_first else None)[0]
    most = 40 if max_readings is None else max(1, min(40, max_readings // n))
    lots = rng.randint(5, 25)
    return [honest_series(rng, f"C{i}", random_process(rng), n, lots) for i in range(rng.randint(1, most))]


def clean_stream(
    rng: random.Random, lots: int, max_readings: int | None = None, small_first: bool = False
) -> Iterator[list[Series]]:
    """Consecutive clean lots of one supplier's part (fixed characteristics and plan size).

    Each lot is checked against its 5-25 predecessors (25 earlier lots exist before the first), then
    joins the history: the way Kensa meets the lots, and far cheaper to simulate than fresh histories.
    """
    n = rng.choices(PLAN_SIZES, weights=SMALL_FIRST if small_first else None)[0]
    most = 40 if max_readings is None else max(1, min(40, max_readings // n))
    processes = [random_process(rng) for _ in range(rng.randint(1, most))]
    pasts = [[process.read(rng, size) for size in history_sizes(rng, n, 25)] for process in processes]
    for _ in range(lots):
        size = history_sizes(rng, n, 1)[0]
        depth = rng.randint(5, 25)
        lot = []
        for i, (process, past) in enumerate(zip(processes, pasts, strict=True)):
            values = process.read(rng, size)
            lot.append(Series(f"C{i}", values, process.decimals, process.lsl, process.usl, past[:depth]))
            past.insert(0, values)
            del past[25:]
        yield lot


# Tampered lots: (series, expected kind). Each tampers one characteristic ("T") among 0-2 clean ones.


def _with_clean(rng: random.Random, tampered: Series, n: int) -> list[Series]:
    lots = len(tampered.history)
    others = [honest_series(rng, f"C{i}", random_process(rng), n, lots) for i in range(rng.randint(0, 2))]
    return [tampered, *others]


def tamper_copied(rng: random.Random) -> tuple[list[Series], FlagKind]:
    """Every characteristic's values copied from the previous lot."""
    n = rng.choice(PLAN_SIZES[1:])
    lot = clean_lot(rng, max_readings=400, n=n)
    copied = [replace(s, values=list(s.history[0][:n])) for s in lot]
    return copied, FlagKind.REPEATED_VALUES


def tamper_even_digits(rng: random.Random) -> tuple[list[Series], FlagKind]:
    """One characteristic (n >= 50, sd 5-10 units) rounded to an even last digit."""
    n = rng.choice(PLAN_SIZES[5:])
    process = random_process(rng, sd_units=(5.0, 10.0))
    honest = honest_series(rng, "T", process, n, rng.randint(5, 25))
    scale = 10**process.decimals
    even = [2 * round(v * scale / 2) / scale for v in honest.values]
    return _with_clean(rng, replace(honest, values=even), n), FlagKind.DIGIT_PREFERENCE


def tamper_pulled_to_usl(rng: random.Random) -> tuple[list[Series], FlagKind]:
    """One characteristic (n >= 125) with 10-25 % over the USL; the values over it moved to the USL."""
    n = rng.choice(PLAN_SIZES[7:])
    base = random_process(rng)
    usl = round(base.mean + rng.uniform(0.67, 1.28) * base.sd, base.decimals)
    process = replace(base, lsl=None, usl=usl)
    honest = honest_series(rng, "T", process, n, rng.randint(5, 25))
    pulled = [min(v, usl) for v in honest.values]
    return _with_clean(rng, replace(honest, values=pulled), n), FlagKind.PILED_AT_LIMIT


def tamper_invented(rng: random.Random) -> tuple[list[Series], FlagKind]:
    """One characteristic (n >= 20) whose values were invented around the mean with a quarter of the sd."""
    n = rng.choice(PLAN_SIZES[3:])
    process = random_process(rng, sd_units=(4.0, 10.0))
    honest = honest_series(rng, "T", process, n, rng.randint(5, 25))
    invented = replace(process, sd=process.sd / 4).read(rng, n)
    return _with_clean(rng, replace(honest, values=invented), n), FlagKind.LOW_VARIANCE


def tamper_constant(rng: random.Random) -> tuple[list[Series], FlagKind]:
    """One characteristic (n >= 13) reported as the nominal value every time."""
    n = rng.choice(PLAN_SIZES[2:])
    process = random_process(rng)
    honest = honest_series(rng, "T", process, n, rng.randint(5, 25))
    constant = [round(process.mean, process.decimals)] * n
    return _with_clean(rng, replace(honest, values=constant), n), FlagKind.ZERO_VARIANCE


TAMPERS: dict[str, Callable[[random.Random], tuple[list[Series], FlagKind]]] = {
    "copied from the previous lot": tamper_copied,
    "rounded to even last digits": tamper_even_digits,
    "over the USL pulled to the USL": tamper_pulled_to_usl,
    "invented with a quarter of the sd": tamper_invented,
    "one constant value": tamper_constant,
}


def detected(flags: Sequence[Flag], kind: FlagKind) -> bool:
    """Return True when a flag of the expected kind was raised."""
    return any(flag.kind is kind for flag in flags)


# ---------------------------------------------------------------------------------------------------
# Constructed lots: tampered versus honest


def _process(decimals: int = 3, lsl: float | None = 9.97, usl: float | None = 10.03) -> Process:
    return Process(mean=10.0, sd=0.005, decimals=decimals, lsl=lsl, usl=usl)


def _honest(seed: int, n: int = 50, lots: int = 10, process: Process | None = None) -> Series:
    rng = random.Random(seed)
    proc = process or _process()
    history = [proc.read(rng, n) for _ in range(lots)]
    return Series("FLAT", proc.read(rng, n), proc.decimals, proc.lsl, proc.usl, history)


def _kinds(series: Series | Sequence[Series]) -> set[FlagKind]:
    lot = [series] if isinstance(series, Series) else list(series)
    return {flag.kind for flag in check_lot(lot)}


def test_honest_lots_raise_no_flags() -> None:
    for seed in range(20):
        assert check_lot([_honest(seed)]) == []


def test_zero_variance() -> None:
    honest = _honest(1, n=13)
    flags = check_lot([replace(honest, values=[0.020] * 13)])
    assert [f.kind for f in flags] == [FlagKind.ZERO_VARIANCE]
    assert flags[0].characteristic == "FLAT"
    assert flags[0].params["n"] == 13 and flags[0].params["value"] == 0.02
    # the honest lot, and the same lot with only its last value changed, vary
    assert FlagKind.ZERO_VARIANCE not in _kinds(honest)
    assert FlagKind.ZERO_VARIANCE not in _kinds(replace(honest, values=[0.020] * 12 + [0.026]))


def test_zero_variance_is_skipped_for_a_coarse_gauge() -> None:
    # history sd below one resolution unit: equal readings are what such a gauge gives
    coarse = _honest(2, n=13, process=_process(decimals=1, lsl=9.5, usl=10.5))
    assert len(set(coarse.values)) == 1
    assert check_lot([coarse]) == []


def test_zero_variance_without_history_assumes_a_gauge_that_resolves_the_process() -> None:
    lone = Series("FLAT", [0.020] * 13, 3, None, 0.05)
    assert _kinds(lone) == {FlagKind.ZERO_VARIANCE}
    # five equal readings happen by chance often enough (0.07 % at sd = 2 units) to stay unflagged
    # once the budget is split over ten characteristics
    five = Series("FLAT", [0.020] * 5, 3, None, 0.05)
    assert _kinds(five) == {FlagKind.ZERO_VARIANCE}
    others = [_honest(seed, n=5) for seed in range(9)]
    assert FlagKind.ZERO_VARIANCE not in _kinds([five, *others])


def test_low_variance() -> None:
    honest = _honest(3, n=32)
    rng = random.Random(3)
    invented = [round(rng.gauss(10.0, 0.0012), 3) for _ in range(32)]
    flags = check_lot([replace(honest, values=invented)])
    assert FlagKind.LOW_VARIANCE in {f.kind for f in flags}
    low = next(f for f in flags if f.kind is FlagKind.LOW_VARIANCE)
    assert low.params["lots"] == 10
    assert float(low.params["sd"]) < 0.5 * float(low.params["history_sd"])
    # an honest lot whose sd is at the low end of chance is not flagged
    lowish = [round(rng.gauss(10.0, 0.0035), 3) for _ in range(32)]
    assert FlagKind.LOW_VARIANCE not in _kinds(replace(honest, values=lowish))


def test_low_variance_needs_five_history_lots() -> None:
    honest = _honest(4, n=32, lots=4)
    rng = random.Random(4)
    invented = [round(rng.gauss(10.0, 0.0012), 3) for _ in range(32)]
    assert FlagKind.LOW_VARIANCE not in _kinds(replace(honest, values=invented))


def test_repeated_values_from_the_previous_lot() -> None:
    honest = _honest(5, n=20)
    flags = check_lot([replace(honest, values=list(honest.history[0]))])
    repeated = [f for f in flags if f.kind is FlagKind.REPEATED_VALUES]
    assert repeated and repeated[0].params["lot_index"] == 1
    assert repeated[0].params["matches"] == 20 and repeated[0].params["n"] == 20
    assert FlagKind.REPEATED_VALUES not in _kinds(honest)


def test_repeated_values_from_an_older_lot_and_partly() -> None:
    honest = _honest(6, n=20)
    partly = list(honest.history[2][:12]) + list(honest.values[12:])
    flags = check_lot([replace(honest, values=partly)])
    repeated = [f for f in flags if f.kind is FlagKind.REPEATED_VALUES]
    assert repeated and repeated[0].params["lot_index"] == 3
    assert int(repeated[0].params["matches"]) >= 12
    # four copied values are not enough for a flag (fewer than five matches)
    four = list(honest.history[2][:4]) + list(honest.values[4:])
    assert FlagKind.REPEATED_VALUES not in _kinds(replace(honest, values=four))


def test_repeated_values_reordered() -> None:
    honest = _honest(15, n=20)
    shuffled = list(honest.history[1])
    random.Random(15).shuffle(shuffled)
    flags = check_lot([replace(honest, values=shuffled)])
    repeated = [f for f in flags if f.kind is FlagKind.REPEATED_VALUES]
    assert repeated and repeated[0].params["reordered"] == 1 and repeated[0].params["lot_index"] == 2
    # the same values but one changed by one resolution step is no longer the same multiset
    nearly = [*shuffled[:-1], round(shuffled[-1] + 0.001, 3)]
    assert FlagKind.REPEATED_VALUES not in _kinds(replace(honest, values=nearly))


def test_digit_preference() -> None:
    honest = _honest(7, n=125, process=replace(_process(), sd=0.008))
    even = [2 * round(v * 500) / 1000 for v in honest.values]
    flags = check_lot([replace(honest, values=even)])
    digits = [f for f in flags if f.kind is FlagKind.DIGIT_PREFERENCE]
    assert digits and int(digits[0].params["digit"]) % 2 == 0
    assert float(digits[0].params["share"]) > 0.15 and digits[0].params["n"] == 125
    assert FlagKind.DIGIT_PREFERENCE not in _kinds(honest)
    # the same lot recorded at one more decimal (last digit always 0) is still honest at its own resolution
    assert _kinds(replace(honest, decimals=4)) <= {FlagKind.DIGIT_PREFERENCE}


def test_digit_preference_needs_fifty_values_and_five_units_of_spread() -> None:
    small = _honest(8, n=32, process=replace(_process(), sd=0.008))
    even = [2 * round(v * 500) / 1000 for v in small.values]
    assert FlagKind.DIGIT_PREFERENCE not in _kinds(replace(small, values=even))
    narrow = _honest(8, n=125, process=replace(_process(), sd=0.003))
    even = [2 * round(v * 500) / 1000 for v in narrow.values]
    assert FlagKind.DIGIT_PREFERENCE not in _kinds(replace(narrow, values=even))


def test_piled_at_the_usl_and_the_lsl() -> None:
    process = _process(lsl=9.98, usl=10.005)  # 16 % over the USL
    honest = _honest(9, n=200, process=process)
    pulled = [min(v, 10.005) for v in honest.values]
    flags = check_lot([replace(honest, values=pulled)])
    piled = [f for f in flags if f.kind is FlagKind.PILED_AT_LIMIT]
    assert [f.params["limit"] for f in piled] == ["usl"]
    assert piled[0].params["limit_value"] == 10.005
    assert int(piled[0].params["count"]) > 2 * float(piled[0].params["expected"])
    assert FlagKind.PILED_AT_LIMIT not in _kinds(honest)
    honest = replace(honest, lsl=9.995, usl=10.02)  # 16 % under the LSL
    assert FlagKind.PILED_AT_LIMIT not in _kinds(honest)
    raised = [max(v, 9.995) for v in honest.values]
    piled = [f for f in check_lot([replace(honest, values=raised)]) if f.kind is FlagKind.PILED_AT_LIMIT]
    assert [f.params["limit"] for f in piled] == ["lsl"]


def test_piled_needs_three_values_in_the_band() -> None:
    process = _process(lsl=None, usl=10.012)
    honest = _honest(10, n=13, process=process)
    two = [*sorted(honest.values)[:11], 10.012, 10.012]
    assert FlagKind.PILED_AT_LIMIT not in _kinds(replace(honest, values=two))


def test_cpk_jump_up_and_down() -> None:
    honest = _honest(11, n=80)
    rng = random.Random(11)
    better = [round(rng.gauss(10.0, 0.002), 3) for _ in range(80)]
    up = [f for f in check_lot([replace(honest, values=better)]) if f.kind is FlagKind.CPK_JUMP]
    assert up and up[0].params["direction"] == "up"
    assert float(up[0].params["cpk"]) > float(up[0].params["history_cpk"]) and up[0].params["lots"] == 10
    worse = [round(rng.gauss(10.012, 0.005), 3) for _ in range(80)]
    down = [f for f in check_lot([replace(honest, values=worse)]) if f.kind is FlagKind.CPK_JUMP]
    assert down and down[0].params["direction"] == "down"
    slightly = [round(rng.gauss(10.002, 0.005), 3) for _ in range(80)]
    assert FlagKind.CPK_JUMP not in _kinds(replace(honest, values=slightly))


def test_cpk_jump_needs_a_limit() -> None:
    honest = _honest(12, n=80, process=_process(lsl=None, usl=None))
    rng = random.Random(12)
    worse = [round(rng.gauss(10.012, 0.005), 3) for _ in range(80)]
    assert FlagKind.CPK_JUMP not in _kinds(replace(honest, values=worse))
    assert FlagKind.CPK_JUMP in _kinds(replace(honest, values=worse, usl=10.02))


def test_flags_are_in_series_order_and_params_are_json_values() -> None:
    honest = _honest(13, n=20)
    lot = [
        replace(honest, code="A"),
        replace(honest, code="B", values=[0.02] * 20),
        replace(honest, code="C", values=list(honest.history[0])),
    ]
    flags = check_lot(lot)
    assert [f.characteristic for f in flags] == ["B", "C"]
    for flag in flags:
        assert all(isinstance(v, int | float | str) for v in flag.params.values())
        assert 0.0 <= float(flag.params["p_value"]) < 0.001


# ---------------------------------------------------------------------------------------------------
# Degenerate and invalid inputs


@pytest.mark.parametrize(
    "series",
    [
        Series("A", [], 3, 1.0, 2.0),
        Series("A", [1.5], 3, 1.0, 2.0),
        Series("A", [1.5, 1.5], 3, 1.0, 2.0, [[1.5], [], [1.5, 1.6]]),
        Series("A", [1.5] * 4, 3, None, None),
        Series("A", [1.5] * 40, 1, None, 2.0, [[1.5] * 40] * 6),
        Series("A", [1.5] * 40, 3, 1.0, None, [[1.5] * 40] * 6),
        Series("A", [-0.013, -0.012, 0.0, 0.011, 0.013], 3, -0.02, 0.02, [[0.0] * 5] * 6),
        Series("A", [1, 2, 3, 4, 5], 0, None, None, [[1, 2, 3, 4, 5]] * 3),
        Series("A", [1.0, 2.0, 3.0, 4.0, 2.0], 2, None, 2.5, [[2.0, 2.0]] * 5),
    ],
)
def test_degenerate_data_never_raises(series: Series) -> None:
    flags = check_lot([series])
    assert all(isinstance(flag, Flag) for flag in flags)


def test_no_series_no_flags() -> None:
    assert check_lot([]) == []


def test_the_sd_zero_history_skips_the_variance_tests() -> None:
    # a process whose every reading is the same (e.g. a go/no-go coded as 0/1) raises nothing
    series = Series("A", [1.5] * 40, 3, 1.0, 2.0, [[1.5] * 40] * 6)
    assert check_lot([series]) == []


@pytest.mark.parametrize(
    ("series", "alpha", "message"),
    [
        (Series("A", [1.0, float("nan")], 3, None, None), 0.001, "value of 'A' nan"),
        (Series("A", [1.0, 2.0], 3, None, None, [[1.0, float("inf")]]), 0.001, "history value of 'A' inf"),
        (Series("A", [1.0, 2.0], -1, None, None), 0.001, "decimals -1"),
        (Series("A", [1.0, 2.0], 3, 2.0, 1.0), 0.001, "LSL 2.0 of 'A'"),
        (Series("A", [1.0, 2.0], 3, float("inf"), None), 0.001, "LSL of 'A' inf"),
        (Series("A", [1.0, 2.0], 3, None, None), 0.0, "alpha 0.0"),
        (Series("A", [1.0, 2.0], 3, None, None), 1.5, "alpha 1.5"),
    ],
)
def test_invalid_input_raises_value_error_naming_it(series: Series, alpha: float, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_lot([series], alpha=alpha)


# ---------------------------------------------------------------------------------------------------
# The reviewer's sentences (app.lots.flag_text)


def _tampered_examples() -> dict[FlagKind, Series]:
    """One constructed tampered series per flag kind (the cases of the tests above)."""
    honest = _honest(11, n=80, process=_process(lsl=9.98, usl=10.005))
    rng = random.Random(11)
    wide = _honest(7, n=125, process=replace(_process(), sd=0.008))
    return {
        FlagKind.ZERO_VARIANCE: replace(honest, values=[0.020] * 80),
        FlagKind.LOW_VARIANCE: replace(honest, values=[round(rng.gauss(10.0, 0.0012), 3) for _ in range(80)]),
        FlagKind.REPEATED_VALUES: replace(honest, values=list(honest.history[1])),
        FlagKind.DIGIT_PREFERENCE: replace(wide, values=[2 * round(v * 500) / 1000 for v in wide.values]),
        FlagKind.PILED_AT_LIMIT: replace(honest, values=[min(v, 10.005) for v in honest.values]),
        FlagKind.CPK_JUMP: replace(honest, values=[round(rng.gauss(9.99, 0.004), 3) for _ in range(80)]),
    }


def test_every_flag_kind_has_a_sentence() -> None:
    from flask import Flask
    from flask_babel import Babel

    from app.lots.flag_text import explain

    app = Flask(__name__)
    Babel(app)
    with app.app_context():
        for kind, series in _tampered_examples().items():
            flag = next(f for f in check_lot([series]) if f.kind is kind)
            sentence = explain(str(kind), "Flatness", flag.params)
            assert "Flatness" in sentence and "%(" not in sentence and "?" not in sentence, sentence
        all_equal = explain("zero_variance", "Flatness", {"n": 13, "value": 0.02, "decimals": 3})
        assert all_equal == (
            "All 13 values of Flatness are the same (0.020). Real measurements vary from part to part; "
            "ask how the values were recorded."
        )
        older = explain("repeated_values", "Flatness", {"matches": 20, "n": 20, "lot_index": 3})
        assert "3 lots earlier" in older
        shuffled = explain(
            "repeated_values", "Flatness", {"matches": 20, "n": 20, "lot_index": 1, "reordered": 1}
        )
        assert "in a different order" in shuffled and "previous lot" in shuffled
        lower = explain(
            "piled_at_limit",
            "Flatness",
            {"limit": "lsl", "limit_value": 9.98, "count": 9, "expected": 2.25, "n": 80, "decimals": 3},
        )
        assert "lower limit 9.980" in lower and "about 2.2" in lower
        assert "Flatness" in explain("no_such_kind", "Flatness", {})
        assert "?" in explain("piled_at_limit", "Flatness", {})  # missing numbers do not crash


# ---------------------------------------------------------------------------------------------------
# Simulations


def test_false_alarms_on_clean_lots_stay_below_one_percent() -> None:
    # 2,000 clean lots (100 suppliers' parts x 20 consecutive lots) over the model's ranges; to keep the
    # test fast, small samples are drawn more often and n x characteristics is capped at 200 readings
    # (so 40 characteristics only with n = 5); bench/integrity_false_alarms.py runs the full ranges
    rng = random.Random(20240611)
    lots = [lot for _ in range(100) for lot in clean_stream(rng, 20, max_readings=200, small_first=True)]
    flagged = sum(1 for lot in lots if check_lot(lot))
    assert len(lots) == 2000 and flagged / len(lots) <= 0.01


@pytest.mark.parametrize("name", list(TAMPERS))
def test_tampered_lots_are_detected(name: str) -> None:
    rng = random.Random(f"tampered: {name}")
    lots = 50
    hits = 0
    for _ in range(lots):
        lot, kind = TAMPERS[name](rng)
        hits += detected(check_lot(lot), kind)
    assert hits / lots >= 0.9
