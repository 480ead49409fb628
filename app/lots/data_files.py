"""The data file templates a lot offers (CSV, and Excel with its characteristics and instructions):
the header row and the sample column in codes, which `spreadsheets` reads back; the rest in the
reader's language. Formula-like text typed by people is escaped (`safe_cell`)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator, Sequence

from flask_babel import gettext as _
from openpyxl import Workbook

from app.downloads import safe_cell
from app.standards.labels import class_label
from app.standards.models import Characteristic, CharacteristicKind

_NUMBER_RE = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def verdict_text(passed: bool | None) -> str:
    return "" if passed is None else ("pass" if passed else "fail")


def wide_rows(
    characteristics: Sequence[Characteristic], sample_size: int, values: dict[tuple[int, int], object]
) -> Iterator[list[str]]:
    """The template layout: a header, then one row per sample with the values known so far."""
    yield ["sample", *(c.code for c in characteristics)]
    for sample in range(1, sample_size + 1):
        row = [str(sample)]
        for characteristic in characteristics:
            value = values.get((sample, characteristic.id))
            if characteristic.kind == CharacteristicKind.ATTRIBUTE:
                row.append(verdict_text(value if isinstance(value, bool) else None))
            else:
                row.append("" if value is None else str(value))
        yield row


def csv_bytes(rows: Iterator[list[str]]) -> bytes:
    """Rows as a UTF-8 CSV (with a BOM, so that Excel opens it as UTF-8), formula-like cells escaped."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(rows: Iterator[list[str]], characteristics: Sequence[Characteristic], title: str) -> bytes:
    """The template as a workbook: sheet "Data" to fill in (its header row is for Kensa, in codes), sheet
    "Characteristics" with units and limits and how to fill in the data, in the reader's language."""
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet("Data")
    for row in rows:
        data.append(
            [
                int(cell) if index == 0 and cell.isdigit() else _number_or_text(cell)
                for index, cell in enumerate(row)
            ]
        )
    info = workbook.create_sheet("Characteristics")
    info.append([safe_cell(title)])
    info.append([_("Code"), _("Name"), _("Kind"), _("Unit"), _("LSL"), _("Nominal"), _("USL"), _("Class")])
    for c in characteristics:
        # Names and units are typed by people: a spreadsheet must not run "=HYPERLINK(...)" from them.
        texts = [safe_cell(c.code), safe_cell(c.name), _kind_word(c.kind), safe_cell(c.unit or "")]
        info.append([*texts, _num(c.lsl), _num(c.nominal), _num(c.usl), str(class_label(c.defect_class))])
    info.append([])
    for line in _instructions():
        info.append([line])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _instructions() -> list[str]:
    return [
        _("How to fill in this template"),
        _(
            "Fill in the sheet “Data”: one row per sample, one column per characteristic. Keep its first "
            "row (sample and the characteristics' codes) as it is."
        ),
        _(
            "One row per sample. Type measured values with a point or a comma; for checks type pass or "
            "fail. A value outside its limits is marked; you may save a draft with empty cells, but "
            "submitting needs every cell."
        ),
        _(
            "Upload the file on the lot's data page. If anything is wrong, nothing is saved and every "
            "problem is listed."
        ),
    ]


def _kind_word(kind: str) -> str:
    return _("Measured") if kind == CharacteristicKind.VARIABLE else _("Pass/fail")


def _num(value: object) -> float | str:
    return "" if value is None else float(str(value))


def _number_or_text(cell: str) -> float | str:
    if cell and _NUMBER_RE.match(cell):
        return float(cell)
    return safe_cell(cell)
