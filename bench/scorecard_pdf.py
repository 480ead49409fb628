"""One supplier scorecard PDF through Kensa, against bare WeasyPrint printing the same document.

The card is a real one: `services.drafts` builds it for a supplier on a scratch SQLite database
(migrated to head), so every key is where the app puts it. Its numbers are then filled in as a busy
month would have them, through the app's own scoring (`cards.scored` under the rules in force):
all 6 KPIs with data and a target, 6 trend periods with a score, 10 defect codes and an "other"
bar in the Pareto, 25 rejected lots and 10 open SCARs (4 overdue).

* **Kensa**: `app.scorecards.report.render(card, digest, version, generated_at)`, what the CLI
  and the download do: the printed words from the numbers, both SVG charts, the Jinja template,
  the two stylesheets read from static/, and WeasyPrint through `app.pdf.render_pdf` (the data:-only
  URL fetcher).
  The script also times `report.report_html` alone (everything but WeasyPrint).
* **Floor**: `weasyprint.HTML(string=html).write_pdf(stylesheets=[CSS(string=...)])` on the very HTML
  Kensa printed (captured once, untimed: the same tables, the same two SVGs inline, the same CSS,
  the same page count), with no Flask, Jinja, chart or database work.

The two take turns (the order flipping every round, the garbage collected before every call), after
untimed warm-ups; each figure is the median of `--runs` (20) runs.
Target: Kensa at most 1.5 x the floor.

    .venv/bin/python -m bench.scorecard_pdf [--runs 20] [--keep /tmp/card.pdf] [--profile]
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import sys
import tempfile
import time
import zlib
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bench.import_measurements import boot_app, environment, median_of, p95_of, profile, scratch_database

TARGET_RATIO = 1.5
WARM_UP = 4
PERIOD = "2026-10"
VERSION = 2
DEFECTS = (
    ("SCR-01", "Scratch on a visible surface"),
    ("DIM-OUT", "Dimension out of tolerance"),
    ("BUR-02", "Burr on a machined edge"),
    ("DENT", "Dent"),
    ("COL-03", "Colour mismatch against the master sample"),
    ("THR-04", "Thread gauge no-go enters"),
    ("PKG-05", "Damaged packaging"),
    ("LBL-06", "Wrong or missing label"),
    ("CRK-07", "Crack"),
    ("FLS-08", "Flash on a parting line"),
)
SCAR_TITLES = (
    "Scratches on the housing cover after assembly",
    "Bore diameter D1 drifting toward the upper limit",
    "Wrong label on two cartons of PA-100",
    "Burrs on the bracket edge in three lots",
    "Colour mismatch of the front bezel",
)


def filled_card(card: dict[str, Any], rules: Any, rng: random.Random) -> dict[str, Any]:
    """The draft's numbers with a busy month's figures, scored by the app's own rules."""
    from app.quality import scoring
    from app.quality.scoring import Kpi
    from app.scorecards import cards
    from app.scorecards.kpis import Figures
    from app.scorecards.periods import Period

    period = Period.parse(card["period"])
    assert period is not None

    def figures(decided: int) -> Figures:
        rejected = round(decided * rng.uniform(0.065, 0.09))
        deviation = round(decided * 0.01)
        accepted = decided - rejected - deviation
        units = decided * 125
        return Figures(
            lots_decided=decided,
            lots_accepted=accepted,
            lots_first_pass=accepted - rng.randint(2, 6),
            lots_rejected=rejected,
            lots_on_deviation=deviation,
            rejected_quantity=rejected * 3000,
            sample_units=units,
            nonconforming_units=round(units * rng.uniform(0.002, 0.006)),
            capability_results=decided * 2,
            capability_capable=round(decided * 2 * rng.uniform(0.8, 0.95)),
            steps_due=40,
            steps_on_time=rng.randint(34, 39),
            scars_closed=6,
            days_to_close_total=6 * rng.randint(25, 50),
            scars_open=10,
            scars_overdue=4,
        )

    trend = []
    for key in [p.key for p in period.recent(len(card["trend"]))]:
        found = figures(rng.randint(360, 440))
        values, _points, score = cards.scored(found, rules)
        trend.append(
            {
                "period": key,
                "score": score,
                "grade": scoring.grade(score),
                "lar": values[Kpi.LAR],
                "ppm": values[Kpi.PPM],
                "lots_decided": found.lots_decided,
            }
        )
    found = figures(400)
    values, points, score = cards.scored(found, rules)
    targets = {Kpi.LAR: 97.0, Kpi.PPM: 2500.0, Kpi.FIRST_PASS: 95.0, Kpi.ON_TIME: 90.0}
    targets |= {Kpi.DAYS_TO_CLOSE: 30.0, Kpi.CAPABILITY: 90.0}
    counts = sorted((rng.randint(3, 60) for _ in DEFECTS), reverse=True)
    pareto: list[dict[str, Any]] = [
        {"code": code, "description": text, "count": n, "lots": max(1, n // 3)}
        for (code, text), n in zip(DEFECTS, counts, strict=True)
    ]
    pareto.append({"code": "", "description": "", "count": 9, "lots": None})
    total, running = sum(row["count"] for row in pareto), 0
    for row in pareto:
        running += row["count"]
        row["cumulative"] = round(100 * running / total, 1)
    decided = period.end - timedelta(days=1)
    card.update(
        figures=found.as_dict(),
        kpis=[
            {
                **row,
                "value": values[Kpi(row["kpi"])],
                "points": points[Kpi(row["kpi"])],
                "target": targets[Kpi(row["kpi"])],
            }
            for row in card["kpis"]
        ],
        score=score,
        grade=scoring.grade(score),
        trend=trend,
        pareto=pareto,
        rejected_lots=[
            {
                "id": 1000 + n,
                "lot_number": f"L{period.key.replace('-', '')}-{n:04d}",
                "part_number": f"PA-{100 + n % 7:03d}-{'ABC'[n % 3]}",
                "lot_size": 500 * (1 + n % 9),
                "decided_on": (decided - timedelta(days=n)).date().isoformat(),
            }
            for n in range(25)
        ],
        open_scars=[
            {
                "id": 500 + n,
                "number": f"SCAR-2026-{40 + n:04d}",
                "title": SCAR_TITLES[n % len(SCAR_TITLES)],
                "severity": ("critical", "major", "minor")[n % 3],
                "issued_on": (decided - timedelta(days=7 * n)).date().isoformat(),
                "overdue": n % 3 == 1,
            }
            for n in range(10)
        ],
        version=VERSION,
    )
    return card


def build_card() -> dict[str, Any]:
    """A supplier's draft for PERIOD through `services.drafts`, then filled (see filled_card)."""
    from app.extensions import db
    from app.scorecards import services
    from app.scorecards.periods import Period
    from tests import factories

    supplier = factories.supplier("SIAM")
    supplier.legal_name = "Siam Precision Manufacturing Co., Ltd."
    db.session.commit()
    period = Period.parse(PERIOD)
    assert period is not None
    draft = services.drafts(period, [supplier.id], now=period.end + timedelta(days=2))[supplier.id]
    return filled_card(draft, services.rules_in_force(), random.Random(7))


def pages_of(pdf: bytes) -> int:
    """The page objects of a PDF, looked for in its plain text and in its compressed streams."""
    found = len(re.findall(rb"/Type\s*/Page\b", pdf))
    for blob in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        try:
            found += len(re.findall(rb"/Type\s*/Page\b", zlib.decompress(blob)))
        except zlib.error:
            continue
    return found


def line(label: str, times: Sequence[float]) -> str:
    ms = [t * 1000 for t in times]
    return (
        f"  {label:<44} median {median_of(ms):8.1f} ms   p95 {p95_of(ms):8.1f} ms   "
        f"max {max(ms):8.1f} ms   ({len(ms)} runs)"
    )


def take_turns(calls: dict[str, Callable[[], object]], runs: int) -> dict[str, list[float]]:
    """Warm-ups, then `runs` rounds calling each in turn, so that the machine's load weighs on all alike.

    The order flips every round and the garbage is collected (untimed) before every call, so that
    neither pays for what the other left behind.
    """
    times: dict[str, list[float]] = {label: [] for label in calls}
    labels = list(calls)
    for round_ in range(WARM_UP + runs):
        for label in labels if round_ % 2 == 0 else labels[::-1]:
            gc.collect()
            start = time.perf_counter()
            calls[label]()
            if round_ >= WARM_UP:
                times[label].append(time.perf_counter() - start)
    return times


def bench(runs: int, keep: Path | None, with_profile: bool) -> None:
    import logging

    import weasyprint

    from app.pdf import stylesheet
    from app.scorecards import cards, report

    logging.getLogger("app.scorecards.report").setLevel(logging.WARNING)  # one line per render
    card = build_card()
    digest = cards.digest(card)
    generated_at = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
    html = report.report_html(card, digest, VERSION, generated_at)
    css = [stylesheet(name) for name in report.STYLESHEETS]

    def kensa() -> bytes:
        return report.render(card, digest, VERSION, generated_at)

    def floor() -> bytes:
        pdf: bytes = weasyprint.HTML(string=html).write_pdf(
            stylesheets=[weasyprint.CSS(string=text) for text in css]
        )
        return pdf

    ours, bare = kensa(), floor()
    if keep:
        keep.write_bytes(ours)
    kensa_label, floor_label = "Kensa  scorecards.report.render", "floor  WeasyPrint on the same HTML + CSS"
    html_label = "  of which the HTML (words, charts, Jinja)"
    times = take_turns({kensa_label: kensa, floor_label: floor}, runs)
    times |= take_turns({html_label: lambda: report.report_html(card, digest, VERSION, generated_at)}, runs)
    ratio = median_of(times[kensa_label]) / median_of(times[floor_label])
    print(
        f"Scorecard PDF of one card: {len(card['kpis'])} KPIs, {len(card['trend'])} trend periods, "
        f"{len(card['pareto'])} Pareto bars, {len(card['rejected_lots'])} rejected lots, "
        f"{len(card['open_scars'])} open SCARs"
    )
    print(
        f"  document: {len(html):,} characters of HTML, {pages_of(ours)} pages "
        f"({pages_of(bare)} for the floor), {len(ours):,} bytes of PDF ({len(bare):,} for the floor)"
    )
    print(line(floor_label, times[floor_label]))
    print(line(kensa_label, times[kensa_label]))
    print(line(html_label, times[html_label]))
    verdict = "met" if ratio <= TARGET_RATIO else "NOT MET"
    print(f"  Kensa / floor time: {ratio:.2f}x;  target at most {TARGET_RATIO}x: {verdict}")
    if with_profile:
        profile("scorecards.report.render", kensa)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="write Kensa's PDF to this file")
    parser.add_argument("--profile", action="store_true", help="also cProfile one more render")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="kensa-bench-") as folder,
        scratch_database(Path(folder), None) as url,
    ):
        # No app module may be imported before boot_app (see there).
        boot_app(url, Path(folder) / "uploads")
        try:
            bench(args.runs, args.keep, args.profile)
        finally:
            from app.extensions import db

            db.session.remove()
            db.engine.dispose()
        print(f"  {environment()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
