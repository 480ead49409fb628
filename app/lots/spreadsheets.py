"""Reading an inspection data upload (CSV or XLSX); the templates Kensa writes are `data_files`.

Two layouts are read. The template's ("wide"): a `sample` column, then one column per
characteristic code, one row per sample. The MES export's ("long"): the columns `sample`,
`characteristic`, `value`, one row per value. Both become `RawCell`s checked by `entry.read_cells`.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Generator, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from app.lots.entry import MAX_ERRORS_SHOWN, DataRejectedError, EntryError, RawCell, whole_number
from app.standards.models import Characteristic

# An .xlsx is a zip of XML: refuse archives that would unpack into too much (zip bombs).
XLSX_MAX_UNCOMPRESSED = 100 * 1024 * 1024
XLSX_MAX_ENTRIES = 500
XLSX_MAX_RATIO = 200
LONG_HEADER = ("sample", "characteristic", "value")


@dataclass(slots=True)
class Row:
    """One row of a file: its number as a spreadsheet shows it, and its cells as text."""

    number: int
    cells: list[str]


def _column(index: int, header: str | None = None) -> str:
    """A column as a spreadsheet names it: "C", or "C (DIM-02)" with its header."""
    letter = get_column_letter(index + 1)
    return f"{letter} ({header})" if header else letter


# Blank rows (a spreadsheet's trailing empty lines) allowed on top of the rows a lot can use.
SPARE_ROWS = 100


def rows_allowed(sample_size: int, characteristics: int) -> int:
    """The most rows a file for a lot can need: a header, then one row per value in the long layout
    (the wide one needs fewer), and a few blank ones. A larger file is refused unread."""
    return 1 + sample_size * max(1, characteristics) + SPARE_ROWS


def read_rows(data: bytes, content_type: str, max_rows: int | None = None) -> list[Row]:
    """The file's rows as text, read as a stream and stopped past `max_rows`; raises DataRejectedError
    when the file cannot be read at all or is longer than that."""
    rows = _csv_rows(data) if content_type == "text/csv" else _xlsx_rows(data)
    kept: list[Row] = []
    try:
        for row in rows:
            if max_rows is not None and row.number > max_rows:
                raise _too_long(max_rows)
            kept.append(row)
    finally:
        rows.close()  # closes the workbook when reading stops early
    return kept


def _too_long(max_rows: int) -> DataRejectedError:
    return DataRejectedError(
        [],
        _(
            "This file has more than %(n)d rows, more than this lot's sample can use. "
            "Upload only this lot's data, starting from its template.",
            n=max_rows,
        ),
    )


def _not_utf8() -> DataRejectedError:
    return DataRejectedError(
        [],
        _(
            "The file is not in UTF-8. In Excel, choose File › Save As › “CSV UTF-8 (comma delimited)” "
            "and upload that file."
        ),
    )


def check_text_encoding(data: bytes) -> None:
    """Refuse, with the way to fix it, a CSV saved in a legacy encoding (Thai TIS-620, Chinese GBK, ...)."""
    probe = data[:65536]
    if b"\x00" in probe or not probe.strip():
        return
    controls = sum(1 for byte in probe if byte < 32 and byte not in b"\t\r\n")
    if controls:
        return
    try:
        probe.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        if error.start < len(probe) - 3:
            raise _not_utf8() from None


def _csv_rows(data: bytes) -> Generator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _not_utf8() from None
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    for number, cells in enumerate(reader, start=1):
        yield Row(number, cells)


def _check_archive(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
    total = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if len(entries) > XLSX_MAX_ENTRIES or total > XLSX_MAX_UNCOMPRESSED or total / packed > XLSX_MAX_RATIO:
        raise DataRejectedError(
            [], _("This workbook unpacks to more data than Kensa accepts. Upload the data as CSV instead.")
        )


def _xlsx_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "pass" if value else "fail"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _xlsx_rows(data: bytes) -> Generator[Row]:
    _check_archive(data)
    try:
        # Read-only and with formulas kept as text (data_only=False), so that a formula is refused, not
        # replaced by a cached result. openpyxl parses the XML with defusedxml when it is installed.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise DataRejectedError(
            [], _("This Excel file cannot be read. Save it again as .xlsx and retry.")
        ) from None
    try:
        sheet = workbook["Data"] if "Data" in workbook.sheetnames else workbook.worksheets[0]
        # Streamed row by row (read-only mode): the caller stops reading at its row limit.
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            yield Row(number, [_xlsx_text(value) for value in values])
    finally:
        workbook.close()


def bounded(errors: list[EntryError]) -> list[EntryError]:
    """The first MAX_ERRORS_SHOWN errors, and a last line saying that checking stopped there."""
    if len(errors) <= MAX_ERRORS_SHOWN:
        return errors
    stop = EntryError(
        _(
            "Kensa stopped listing problems after the first %(n)d; there are more. "
            "Correct these, then upload the file again.",
            n=MAX_ERRORS_SHOWN,
        )
    )
    return [*errors[:MAX_ERRORS_SHOWN], stop]


def _is_blank(row: Row) -> bool:
    return not any(cell.strip() for cell in row.cells)


def _header_code(text: str) -> str:
    """The characteristic code in a header cell: "DIM-02" or "DIM-02 (mm)" both give "DIM-02"."""
    return text.split(" (", 1)[0].strip().upper()


def cells_from_rows(
    rows: Sequence[Row], characteristics: Sequence[Characteristic], sample_size: int
) -> tuple[list[RawCell], list[EntryError]]:
    """The cells of a file in either layout, and every structural error (columns, sample rows)."""
    rows = [row for row in rows if not _is_blank(row)]
    if not rows:
        return [], [EntryError(_("The file has no rows. Start from the template of this lot."))]
    header = [cell.strip() for cell in rows[0].cells]
    if [cell.lower() for cell in header[:3]] == list(LONG_HEADER):
        return _long_cells(rows, characteristics, sample_size)
    return _wide_cells(rows, header, characteristics, sample_size)


def _known_codes(characteristics: Sequence[Characteristic]) -> str:
    return ", ".join(c.code for c in characteristics)


def _wide_cells(
    rows: Sequence[Row], header: list[str], characteristics: Sequence[Characteristic], sample_size: int
) -> tuple[list[RawCell], list[EntryError]]:
    errors: list[EntryError] = []
    by_code = {c.code.upper(): c for c in characteristics}
    if not header or header[0].lower() != "sample":
        errors.append(
            EntryError(
                _(
                    "The first column must be “sample”, the sample number. "
                    "Start from the template of this lot."
                ),
                row=rows[0].number,
                column=_column(0),
            )
        )
    columns: dict[int, Characteristic] = {}
    for index, text in enumerate(header[1:], start=1):
        if not text:
            continue
        characteristic = by_code.get(_header_code(text))
        if characteristic is None:
            errors.append(
                EntryError(
                    _(
                        "“%(header)s” is not a characteristic of this lot's standard. "
                        "The columns are: %(codes)s.",
                        header=text,
                        codes=_known_codes(characteristics),
                    ),
                    row=rows[0].number,
                    column=_column(index, text),
                )
            )
        elif characteristic in columns.values():
            errors.append(
                EntryError(
                    _("The column for %(code)s appears twice.", code=characteristic.code),
                    row=rows[0].number,
                    column=_column(index, text),
                )
            )
        else:
            columns[index] = characteristic
    for characteristic in characteristics:
        if characteristic not in columns.values():
            errors.append(
                EntryError(
                    _(
                        "The column for %(code)s (%(name)s) is missing.",
                        code=characteristic.code,
                        name=characteristic.name,
                    ),
                    row=rows[0].number,
                )
            )
    cells: list[RawCell] = []
    seen: dict[int, int] = {}
    for row in rows[1:]:
        sample = _row_sample(row, row.cells[0] if row.cells else "", sample_size, seen, errors)
        if sample is None:
            continue
        for index, characteristic in columns.items():
            text = row.cells[index] if index < len(row.cells) else ""
            cells.append(
                RawCell(sample, characteristic, text, row.number, _column(index, characteristic.code))
            )
        extra = [i for i in range(len(row.cells)) if i and i not in columns and row.cells[i].strip()]
        for index in extra:
            if index >= len(header) or not header[index]:
                errors.append(
                    EntryError(_("This cell has no column heading."), row=row.number, column=_column(index))
                )
    errors.extend(_missing_samples(seen, sample_size))
    return cells, errors


def _long_cells(
    rows: Sequence[Row], characteristics: Sequence[Characteristic], sample_size: int
) -> tuple[list[RawCell], list[EntryError]]:
    errors: list[EntryError] = []
    by_code = {c.code.upper(): c for c in characteristics}
    cells: list[RawCell] = []
    seen_cells: dict[tuple[int, int], int] = {}
    samples: set[int] = set()
    value_column = _column(2, "value")
    for row in rows[1:]:
        values = row.cells if len(row.cells) >= 3 else [*row.cells, "", "", ""]
        sample = whole_number(values[0])
        if sample is None or not 1 <= sample <= sample_size:
            errors.append(_sample_error(values[0], sample_size, row.number, _column(0, "sample")))
            continue
        samples.add(sample)
        characteristic = by_code.get(values[1].strip().upper())
        if characteristic is None:
            errors.append(
                EntryError(
                    _(
                        "“%(code)s” is not a characteristic of this lot's standard. Use one of: %(codes)s.",
                        code=values[1],
                        codes=_known_codes(characteristics),
                    ),
                    row=row.number,
                    column=_column(1, "characteristic"),
                )
            )
            continue
        first = seen_cells.setdefault((sample, characteristic.id), row.number)
        if first != row.number:
            errors.append(
                EntryError(
                    _(
                        "Sample %(sample)d, %(code)s was already given in row %(first)d.",
                        sample=sample,
                        code=characteristic.code,
                        first=first,
                    ),
                    row=row.number,
                )
            )
            continue
        cells.append(RawCell(sample, characteristic, values[2], row.number, value_column))
    errors.extend(_missing_samples(dict.fromkeys(samples, 0), sample_size))
    return cells, errors


def _sample_error(text: str, sample_size: int, row: int, column: str) -> EntryError:
    if whole_number(text) is None:
        message = _(
            "“%(text)s” is not a sample number. Use whole numbers from 1 to %(n)d.", text=text, n=sample_size
        )
    else:
        message = _(
            "Sample %(text)s does not exist: this lot has samples 1 to %(n)d.", text=text, n=sample_size
        )
    return EntryError(message, row=row, column=column)


def _row_sample(
    row: Row, text: str, sample_size: int, seen: dict[int, int], errors: list[EntryError]
) -> int | None:
    sample = whole_number(text)
    if sample is None or not 1 <= sample <= sample_size:
        errors.append(_sample_error(text, sample_size, row.number, _column(0, "sample")))
        return None
    if sample in seen:
        errors.append(
            EntryError(
                _(
                    "Sample %(sample)d appears twice, in rows %(first)d and %(row)d.",
                    sample=sample,
                    first=seen[sample],
                    row=row.number,
                ),
                row=row.number,
                column=_column(0, "sample"),
            )
        )
        return None
    seen[sample] = row.number
    return sample


def _missing_samples(seen: dict[int, int], sample_size: int) -> list[EntryError]:
    missing = [sample for sample in range(1, sample_size + 1) if sample not in seen]
    if not missing:
        return []
    shown = ", ".join(str(s) for s in missing[:20]) + (" …" if len(missing) > 20 else "")
    return [
        EntryError(
            _(
                "The file has %(found)d of the %(n)d samples this lot needs. Missing samples: %(missing)s.",
                found=len(seen),
                n=sample_size,
                missing=shown,
            )
        )
    ]
