"""F3 and F7: a data file is read only as far as the lot can use, its errors are bounded, and the
XLSX template writes people's text so that a spreadsheet never runs it as a formula."""

from __future__ import annotations

import io
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from openpyxl import load_workbook

from app.lots import spreadsheets
from app.lots.data_files import xlsx_bytes
from app.lots.entry import MAX_ERRORS_SHOWN
from app.lots.spreadsheets import rows_allowed
from tests.integration.test_lots import N, _csv, _good_rows, _import_errors, _xlsx, setup  # noqa: F401

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

LIMIT = rows_allowed(N, 3)  # the setup lot: 13 samples, 3 characteristics


def _too_many_rows() -> list[list[str]]:
    rows = _good_rows()
    return rows + [[str(N), "10", "0.01", "pass"]] * (LIMIT - len(rows) + 1)


@pytest.mark.parametrize(("make", "name"), [(_csv, "data.csv"), (_xlsx, "data.xlsx")])
def test_f3_a_file_longer_than_the_lot_can_use_is_refused(app, world, setup, make, name):  # noqa: F811
    errors = _import_errors(app, world, setup, make(_too_many_rows()), name)
    assert errors == [
        f"This file has more than {LIMIT} rows, more than this lot's sample can use. "
        "Upload only this lot's data, starting from its template."
    ]


def test_f3_reading_stops_at_the_limit_instead_of_reading_the_whole_file(app, world, setup):  # noqa: F811
    seen = []
    original = spreadsheets._csv_rows

    def counting(data):  # type: ignore[no-untyped-def]
        for row in original(data):
            seen.append(row.number)
            yield row

    huge = _csv(_good_rows() + [["1", "x", "x", "x"]] * 100_000)
    with patch.object(spreadsheets, "_csv_rows", counting):
        _import_errors(app, world, setup, huge)
    assert max(seen) == LIMIT + 1


def test_f3_errors_stop_after_a_bound_and_say_so(app, world, setup):  # noqa: F811
    # Twenty cells without a column heading in each sample row: 260 problems in a 14-row file.
    rows = [row + ["x"] * 20 if index else row for index, row in enumerate(_good_rows())]
    errors = _import_errors(app, world, setup, _csv(rows))
    assert len(errors) == MAX_ERRORS_SHOWN + 1
    assert errors[-1] == (
        f": Kensa stopped listing problems after the first {MAX_ERRORS_SHOWN}; there are more. "
        "Correct these, then upload the file again."
    )


def test_f7_the_xlsx_template_does_not_write_formulas_from_names_or_units():
    evil = SimpleNamespace(
        code="D1",
        name='=HYPERLINK("http://evil.example","Help")',
        kind="variable",
        unit="@SUM(A1)",
        lsl=None,
        nominal=None,
        usl=None,
        defect_class="major",
    )
    data = xlsx_bytes(iter([["sample", "D1"]]), [evil], "=cmd|'/c calc'!A1")  # type: ignore[list-item]
    sheet = load_workbook(io.BytesIO(data))["Characteristics"]
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert not [cell.coordinate for cell in cells if cell.data_type == "f"]
    assert (
        sheet["B3"].value == '\'=HYPERLINK("http://evil.example","Help")' and sheet["D3"].value == "'@SUM(A1)"
    )
