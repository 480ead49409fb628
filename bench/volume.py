"""The benches' volume: moved to `app.volume` (also behind `flask seed volume`); re-exported here.

bench/review_queue.py and bench/scorecard_kpis.py call `load(engine, metadata, lots, now,
scorecard_data=...)` and read `Volume`, `SUPPLIERS` and `SPAN`; the rows for a given seed are the
same as before the move, apart from the users (e-mails under volume.example, a manager per
supplier, a quality manager and an admin added after the reviewers).
"""

from app.volume.generator import Volume, generate, load
from app.volume.lots import PLANS
from app.volume.scorecard import CHARACTERISTICS, DEFECT_CODES, TOLERANCE, scorecard_rows
from app.volume.shape import (
    PARTS_PER_SUPPLIER,
    RECENT,
    REVIEWERS,
    SPAN,
    SUPPLIERS,
    SUPPLIERS_PER_REVIEWER,
    assigned,
    reviewer_of,
    supplier_of_part,
)

__all__ = [
    "CHARACTERISTICS",
    "DEFECT_CODES",
    "PARTS_PER_SUPPLIER",
    "PLANS",
    "RECENT",
    "REVIEWERS",
    "SPAN",
    "SUPPLIERS",
    "SUPPLIERS_PER_REVIEWER",
    "TOLERANCE",
    "Volume",
    "assigned",
    "generate",
    "load",
    "reviewer_of",
    "scorecard_rows",
    "supplier_of_part",
]
