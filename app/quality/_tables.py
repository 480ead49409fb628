"""Load the ISO 2859-1 / ANSI Z1.4 single-sampling tables shipped as package data."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

LETTER_ORDER = "ABCDEFGHJKLMNPQRS"
"""Sample-size code letters in table order (I and O are skipped; S is tightened only)."""

_LEVEL_COLUMNS = ("S-1", "S-2", "S-3", "S-4", "I", "II", "III")

# The tightened CSV records the single ISO 2859-1:1999 deviation in its `notes` column.
_ISO_NOTE = re.compile(r"ISO 2859-1:1999\b.*?differs: code ([A-HJ-NP-S]) n=(\d+) Ac=(\d+) Re=(\d+)")

# (severity, scheme) -> prefix of the plan columns in the CSV file for that severity.
_REDUCED_PREFIX = {"iso2859-1": "iso1999_", "ansi-z14": "z14_"}
_FILES = {
    "normal": "z14_normal.csv",
    "tightened": "z14_tightened.csv",
    "reduced": "z14_reduced.csv",
}


@dataclass(frozen=True)
class Cell:
    """One arrow-resolved cell of a master table."""

    table_cell: str  # PLAN, DOWN or UP, as printed in the master table
    letter: str  # code letter of the row where the plan is printed
    sample_size: int
    accept: int
    reject: int
    letter_sample_size: int  # n of the starting code letter, before following the arrow


@dataclass(frozen=True)
class LotRange:
    """One row of Table I: a lot-size range and its code letter per inspection level."""

    lot_min: int
    lot_max: int | None  # None: no upper bound
    letters: Mapping[str, str]


def _rows(name: str) -> list[dict[str, str]]:
    """Parse one CSV file of the package data into dict rows."""
    text = (files("app.quality") / "data" / name).read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text)))


@cache
def code_letter_ranges() -> tuple[LotRange, ...]:
    """Return Table I (lot size -> code letter) in ascending lot-size order."""
    ranges = []
    for row in _rows("z14_code_letters.csv"):
        upper = row["lot_size_max"].strip()
        ranges.append(
            LotRange(
                lot_min=int(row["lot_size_min"]),
                lot_max=int(upper) if upper else None,
                letters={level: row[level] for level in _LEVEL_COLUMNS},
            )
        )
    return tuple(ranges)


def _arrow_cell(code_letter: str, letter: str) -> str:
    """Name the master-table cell that leads from code_letter to the row of letter."""
    start, end = LETTER_ORDER.index(code_letter), LETTER_ORDER.index(letter)
    return "PLAN" if start == end else ("DOWN" if end > start else "UP")


def _iso_tightened_override(row: dict[str, str]) -> Cell | None:
    """Return the ISO 2859-1 plan noted for a tightened cell where ISO differs from Z1.4."""
    match = _ISO_NOTE.search(row.get("notes", ""))
    if match is None:
        return None
    letter, n, ac, re_ = match.groups()
    return Cell(
        table_cell=_arrow_cell(row["code_letter"], letter),
        letter=letter,
        sample_size=int(n),
        accept=int(ac),
        reject=int(re_),
        letter_sample_size=int(row["code_letter_sample_size"]),
    )


def _cell(row: dict[str, str], prefix: str, letter_n_column: str) -> Cell:
    """Build a Cell from the plan columns that start with prefix."""
    return Cell(
        table_cell=row[f"{prefix}table_cell"],
        letter=row[f"{prefix}resolved_code_letter"],
        sample_size=int(row[f"{prefix}sample_size"]),
        accept=int(row[f"{prefix}ac"]),
        reject=int(row[f"{prefix}re"]),
        letter_sample_size=int(row[letter_n_column]),
    )


@cache
def plan_table(severity: str, scheme: str) -> Mapping[tuple[str, str], Cell]:
    """Return {(code letter, printed AQL): Cell} for one severity and scheme."""
    reduced = severity == "reduced"
    prefix = _REDUCED_PREFIX[scheme] if reduced else ""
    letter_n = "reduced_sample_size_for_letter" if reduced else "code_letter_sample_size"
    table: dict[tuple[str, str], Cell] = {}
    for row in _rows(_FILES[severity]):
        if row[f"{prefix}table_cell"] == "NO_PLAN":
            continue
        cell = _cell(row, prefix, letter_n)
        if severity == "tightened" and scheme == "iso2859-1":
            cell = _iso_tightened_override(row) or cell
        table[(row["code_letter"], row["aql"])] = cell
    return table
