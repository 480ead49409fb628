"""Control charts of a lot's characteristics over the supplier's recent lots of the part.

Each lot is a subgroup (its latest submission's values). Equal subgroups of 2 to 25 give an X̄-R
chart, single values an I-MR chart, and anything else (lots of 32, 50 or 80 samples, or sizes
that differ) an I-MR-S chart: lot means on an individuals chart, spreads on an S chart. The same
SVG serves the page and the PDF report.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import Float, select, type_coerce

from app.charts import Limits, control_chart, four_significant
from app.extensions import db
from app.kept import reader
from app.lots.models import Lot, LotDataset, Measurement
from app.quality import spc
from app.reviews import chart_cache, limits
from app.reviews import chart_words as words
from app.reviews import frozen as frozen_words
from app.reviews.models import FrozenBaseline
from app.standards.models import Characteristic, CharacteristicKind

RECENT_LOTS = 25
# Below this many earlier lots, the limits are computed from every lot shown, this one included.
MIN_HISTORY = 5


@dataclass(frozen=True)
class LotPoint:
    lot_id: int
    lot_number: str
    dataset_id: int
    sample_size: int
    nonconforming: int | None


@dataclass
class ChartView:
    """One characteristic's charts, ready to show: the location chart, the spread chart, what they say."""

    title: str
    svg: Markup
    spread_svg: Markup | None = None
    note: str = ""
    violations: list[str] = field(default_factory=list)
    key: str = ""  # the characteristic's id, or "p" for the p-chart
    frozen: FrozenBaseline | None = None  # the baseline frozen for this chart, used when it fits
    computed: limits.ChartLimits | None = None  # the limits of the lots' own baseline, for freezing
    basis: tuple[LotPoint, ...] = ()  # the lots that make the computed baseline


def recent_lots(lot: Lot, limit: int = RECENT_LOTS) -> list[LotPoint]:
    """The supplier's lots of the part submitted up to this lot's submission, oldest first."""
    return [point for point, _submitted in _window(lot, limit)]


def _window(lot: Lot, limit: int = RECENT_LOTS) -> list[tuple[LotPoint, datetime]]:
    """recent_lots, each with when its dataset was submitted (part of the charts' data version)."""
    if lot.submitted_at is None:
        return []
    rows = db.session.execute(
        select(
            Lot.id, Lot.lot_number, LotDataset.id, Lot.sample_size, LotDataset.nonconforming,
            LotDataset.submitted_at,
        )
        .join(LotDataset, (LotDataset.lot_id == Lot.id) & (LotDataset.number == Lot.submissions))
        .where(
            Lot.supplier_id == lot.supplier_id,
            Lot.part_id == lot.part_id,
            LotDataset.submitted_at.is_not(None),
            Lot.submitted_at <= lot.submitted_at,
        )
        .order_by(Lot.submitted_at.desc(), Lot.id.desc())
        .limit(limit)
    ).all()  # fmt: skip
    return [(LotPoint(*row[:5]), row[5]) for row in reversed(rows)]


def _values(points: Sequence[LotPoint], codes: set[str]) -> dict[str, dict[int, list[float]]]:
    """Values by characteristic code, then by dataset (one query, floats for the maths)."""
    rows = db.session.execute(
        select(Measurement.dataset_id, Characteristic.code, type_coerce(Measurement.value, Float))
        .join(Characteristic, Characteristic.id == Measurement.characteristic_id)
        .where(
            Measurement.dataset_id.in_([p.dataset_id for p in points]),
            Measurement.value.is_not(None),
            Characteristic.code.in_(codes),
        )
        .order_by(Measurement.dataset_id, Measurement.sample)
    )
    by_code: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for dataset_id, code, value in rows:
        by_code[code][dataset_id].append(float(value))
    return by_code


def _marks(violations: Sequence[spc.Violation]) -> dict[int, list[int]]:
    marks: dict[int, list[int]] = defaultdict(list)
    for v in violations:
        marks[v.index].append(v.rule)
    return dict(marks)


def _mean(group: Sequence[float]) -> float:
    return math.fsum(group) / len(group)


def _sd(group: Sequence[float]) -> float:
    mean = _mean(group)
    return math.sqrt(math.fsum((x - mean) ** 2 for x in group) / (len(group) - 1))


def _history(count: int, current: int) -> tuple[list[int], bool]:
    """The lots whose limits the chart may use: those before this one when there are enough of them
    (does this lot fit the supplier's history?), else every lot shown; and whether it is the former."""
    before = [i for i in range(count) if i != current]
    return (before, True) if len(before) >= MIN_HISTORY else (list(range(count)), False)


def _beyond(
    values: Sequence[float | None], lcl: Sequence[float], ucl: Sequence[float]
) -> dict[int, list[int]]:
    """Rule 1, the test that applies to a dispersion chart: the points strictly beyond a limit."""
    return {i: [1] for i, v in enumerate(values) if v is not None and (v < lcl[i] or v > ucl[i])}


def _digits_for(low: float, high: float) -> Callable[[float], str]:
    """Print values with the decimals that give the limits' spread 3 significant figures
    (71.0097 and 70.9903, not 71 and 71): labels differ where the chart does."""
    spread = abs(high - low)
    if not math.isfinite(spread) or spread == 0:
        return four_significant
    decimals = max(0, 2 - math.floor(math.log10(spread)))
    return lambda value: f"{value:.{decimals}f}"


def _chart(
    c: Characteristic,
    points: Sequence[LotPoint],
    groups: list[list[float]],
    current: int,
    frozen: FrozenBaseline | None = None,
) -> ChartView:
    """X̄-R for equal subgroups of 2-25, I-MR for single values, else I-MR of lot means with an S chart.

    The limits come from a baseline (app/quality/baseline.py): the lots before this one when there
    are enough of them, else every lot shown, without those out of control against them; or from the
    baseline a quality manager froze for the characteristic, when it fits these lots.
    """
    labels = [p.lot_number for p in points]
    spec = (_float(c.lsl), _float(c.usl))
    texts = words.texts()
    title = f"{c.code} {c.name}"
    candidates, before = _history(len(groups), current)
    kind, n = limits.kind_of(groups)
    with_s = min(len(g) for g in groups) >= 2
    found = limits.computed(kind, [groups[i] for i in candidates], with_s)
    fits = frozen is not None and frozen.limits.fits(kind, n)
    used, basis = words.basis_of(found, frozen, fits, words.basis(labels, candidates, found.left_out, before))
    count = len(groups)

    def location(values: Sequence[float], marks: dict[int, list[int]], what: str) -> Markup:
        low, high = used.lcl, used.ucl
        digits = _digits_for(low, high) if isinstance(low, float) and isinstance(high, float) else _six_digits
        return control_chart(
            values, Limits(used.center, used.lcl, used.ucl), labels=labels, marked=marks,
            title=f"{title}: {what}", spec=spec, highlight=current, texts=texts, number_format=digits,
        )  # fmt: skip

    def spread(
        values: Sequence[float | None], lines: Limits, marks: dict[int, list[int]], what: str
    ) -> Markup:
        return control_chart(
            values, lines, labels=labels, marked=marks, title=f"{title}: {what}", height=160,
            highlight=current, texts=texts,
        )  # fmt: skip

    sigma = used.sigma or 0.0
    bottom, spread_marks = None, {}
    if kind == limits.ChartKind.I_MR:
        values = [g[0] for g in groups]
        marks = _marks(spc.nelson(values, used.center, sigma))
        top = location(values, marks, _("individual values (I)"))
        ranges = [None, *(abs(b - a) for a, b in itertools.pairwise(values))]
        mr_ucl = used.spread_ucl or 0.0
        spread_marks = _beyond(ranges, [0.0] * count, [mr_ucl] * count)
        lines = Limits(used.spread_center or 0.0, 0.0, mr_ucl)
        bottom = spread(ranges, lines, spread_marks, _("moving ranges (MR)"))
        kind_words = _("I-MR chart; σ̂ = MR̄/1.128")
    elif kind == limits.ChartKind.XBAR_R:
        means = [_mean(g) for g in groups]
        marks = _marks(spc.nelson(means, used.center, sigma))
        top = location(means, marks, _("lot means (X-bar)"))
        ranges = [max(g) - min(g) for g in groups]
        r_lcl, r_ucl = used.spread_lcl or 0.0, used.spread_ucl or 0.0
        spread_marks = _beyond(ranges, [r_lcl] * count, [r_ucl] * count)
        lines = Limits(used.spread_center or 0.0, r_lcl, r_ucl)
        bottom = spread(ranges, lines, spread_marks, _("ranges (R)"))
        kind_words = _("X̄-R chart, n = %(n)d; σ̂ = R̄/d2", n=n)
    else:
        # Large or unequal samples: an X̄ chart's limits (±3 sigma/√n, sigma within lots) would flag the normal
        # lot-to-lot variation of every lot, so the lot means get an individuals chart (between lots)
        # and the standard deviations an S chart (within lots): the I-MR-S chart.
        means = [_mean(g) for g in groups]
        if with_s and used.spread_sigma is not None:
            center, lcl, ucl = zip(*(spc.s_limits(used.spread_sigma, len(g)) for g in groups), strict=True)
            sds = [_sd(g) for g in groups]
            spread_marks = _beyond(sds, lcl, ucl)
            bottom = spread(sds, Limits(center, lcl, ucl), spread_marks, _("standard deviations (S)"))
        marks = _marks(spc.nelson(means, used.center, sigma))
        top = location(means, marks, _("lot means (individuals chart)"))
        kind_words = _("I-MR-S chart (between / within lots); σ̂ between = MR̄/1.128 of the lot means")
    note = _("%(kind)s; %(basis)s.", kind=kind_words, basis=basis)
    said = words.said(marks, labels) + words.said_spread(spread_marks, labels)
    return ChartView(
        title=title, svg=top, spread_svg=bottom, note=note, violations=said, key=str(c.id),
        frozen=frozen, computed=found.limits,
        basis=tuple(points[candidates[i]] for i in found.kept),
    )  # fmt: skip


def _six_digits(value: float) -> str:
    # Lot means differ in the 4th-5th digit (71.0032 against 71.0041): 4 digits would print "71".
    return f"{value:.6g}"


def _float(value: object) -> float | None:
    return None if value is None else float(value)  # type: ignore[arg-type]


def for_lot(lot: Lot) -> list[ChartView]:
    """The control charts of each variable characteristic of the lot, and the p-chart of the lots.

    Rendered once per data version (app/reviews/chart_cache.py): the key names everything they show.
    """
    window = _window(lot)
    if len(window) < 2:
        return []
    frozen = frozen_words.active_for(lot)
    points = [point for point, _submitted in window]
    # A released revision's characteristics never change (app/standards/services.py): its id names them.
    key = (
        lot.id,
        lot.revision_id,
        tuple(window),
        tuple(sorted((k, _baseline_version(b)) for k, b in frozen.items())),
        reader(),
    )
    return chart_cache.views(key, lambda: _render(lot, points, _variables(lot), frozen), frozen)  # type: ignore[arg-type]


def _variables(lot: Lot) -> list[Characteristic]:
    characteristics = db.session.scalars(
        select(Characteristic)
        .where(Characteristic.revision_id == lot.revision_id)
        .order_by(Characteristic.position)
    )
    return [c for c in characteristics if c.kind == CharacteristicKind.VARIABLE]


def _baseline_version(baseline: FrozenBaseline) -> tuple[object, ...]:
    """What a chart shows of a frozen baseline: its limits, and the note's date, name and lots."""
    return (
        baseline.id, baseline.frozen_at, baseline.frozen_by.name, frozen_words.lot_numbers(baseline),
        baseline.limits,
    )  # fmt: skip


def _render(
    lot: Lot, points: list[LotPoint], variables: list[Characteristic], frozen: dict[str, FrozenBaseline]
) -> list[ChartView]:
    values = _values(points, {c.code for c in variables})
    views = []
    for c in variables:
        # Lots inspected against an older revision may lack a characteristic: they drop out of its chart.
        kept = [(p, values[c.code][p.dataset_id]) for p in points if values[c.code].get(p.dataset_id)]
        if len(kept) < 2:
            continue
        current = next((i for i, (p, _g) in enumerate(kept) if p.lot_id == lot.id), len(kept) - 1)
        try:
            chart = _chart(c, [p for p, _g in kept], [g for _p, g in kept], current, frozen.get(str(c.id)))
            views.append(chart)
        except ValueError:
            continue  # e.g. zero spread in every lot: no limits can be drawn
    p_view = _p_chart(lot, points, frozen.get(frozen_words.P_CHART))
    return [*views, p_view] if p_view else views


def _p_chart(lot: Lot, points: Sequence[LotPoint], frozen: FrozenBaseline | None = None) -> ChartView | None:
    counted = [p for p in points if p.nonconforming is not None]
    if len(counted) < 2:
        return None
    labels = [p.lot_number for p in counted]
    current = next((i for i, p in enumerate(counted) if p.lot_id == lot.id), len(counted) - 1)
    candidates, before = _history(len(counted), current)
    base = [counted[i] for i in candidates]
    found = limits.p_computed([p.nonconforming or 0 for p in base], [p.sample_size for p in base])
    fits = frozen is not None and frozen.limits.fits(limits.ChartKind.P, None)
    used, basis = words.basis_of(found, frozen, fits, words.basis(labels, candidates, found.left_out, before))
    p_bar = used.center
    proportions = [(p.nonconforming or 0) / p.sample_size for p in counted]
    lcl, ucl = zip(*(spc.p_limits(p_bar, p.sample_size) for p in counted), strict=True)
    marks: dict[int, list[int]] = {}
    if 0 < p_bar < 1:
        # Tests 1-4 only: the zone tests assume near-normal points (NOTES.md §3.3).
        sigmas = [(p_bar * (1 - p_bar) / p.sample_size) ** 0.5 for p in counted]
        z = spc.standardized(proportions, p_bar, sigmas)
        marks = _marks([v for v in spc.nelson(z, 0.0, 1.0) if v.rule <= 4])
    svg = control_chart(
        proportions,
        Limits(p_bar, list(lcl), list(ucl)),
        labels=labels,
        marked=marks,
        title=_("Share of nonconforming samples per lot (p-chart)"),
        highlight=current,
        texts=words.texts(),
    )
    note = _(
        "p̄ = %(p).4f; %(basis)s; limits vary with each lot's sample size; Nelson tests 1–4 only.",
        p=p_bar,
        basis=basis,
    )
    return ChartView(
        title=_("Lot nonconformity"), svg=svg, note=note, violations=words.said(marks, labels),
        key=frozen_words.P_CHART, frozen=frozen, computed=found.limits,
        basis=tuple(base[i] for i in found.kept),
    )  # fmt: skip
