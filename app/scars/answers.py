"""The 8D step forms' inputs: names from `steps.SPECS`, reading an answer from the request, rows shown.

Field names: `f-<field>` for a text, count or date; `t-<field>-<row>-<column>` for a table cell
(rows from 1), with `rows-<field>` holding the number of rows shown. The `action` button says what
to do: `save`, `submit`, `add-<field>` (a row) or `remove-<field>-<row>`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.scars.steps import ROWS_MAX, SPECS, TABLE, Field, blank_row


def field_name(field: str) -> str:
    return f"f-{field}"


def cell_name(field: str, row: int, column: str) -> str:
    return f"t-{field}-{row}-{column}"


def rows_name(field: str) -> str:
    return f"rows-{field}"


def _filled(row: Mapping[str, Any]) -> bool:
    return any(str(value).strip() for value in row.values())


def _row_count(form: Mapping[str, str], field: str) -> int:
    text = form.get(rows_name(field), "0")
    return min(int(text), ROWS_MAX) if text.isdigit() else 0


def answer_from_form(code: str, form: Mapping[str, str], *, compact: bool = True) -> dict[str, Any]:
    """The answer as typed; `compact` drops blank table rows, so that rows match `steps.check` numbering."""
    answer: dict[str, Any] = {}
    for spec in SPECS[code].fields:
        if spec.kind != TABLE:
            answer[spec.name] = form.get(field_name(spec.name), "")
            continue
        rows = [
            {column.name: form.get(cell_name(spec.name, row, column.name), "") for column in spec.columns}
            for row in range(1, _row_count(form, spec.name) + 1)
        ]
        answer[spec.name] = [row for row in rows if _filled(row)] if compact else rows
    return answer


def _table(code: str, field: str) -> Field | None:
    return next((f for f in SPECS[code].fields if f.name == field and f.kind == TABLE), None)


@dataclass(frozen=True)
class Action:
    """What a step form's button asked for: save, submit, or add / remove a table row."""

    kind: str  # "save", "submit", "add", "remove"
    field: str | None = None
    row: int | None = None


def parse_action(code: str, text: str) -> Action:
    if text.startswith("add-") and _table(code, text[4:]):
        return Action("add", text[4:])
    if text.startswith("remove-"):
        field, _sep, row = text[7:].rpartition("-")
        if _table(code, field) and row.isdigit():
            return Action("remove", field, int(row))
    return Action("submit" if text == "submit" else "save")


def with_row_added(code: str, answer: dict[str, Any], field: str) -> dict[str, Any]:
    spec = _table(code, field)
    rows = list(answer.get(field) or [])
    if spec is not None and len(rows) < ROWS_MAX:
        rows.append(blank_row(spec))
    return {**answer, field: rows}


def with_row_removed(code: str, answer: dict[str, Any], field: str, row: int) -> dict[str, Any]:
    rows = [r for index, r in enumerate(answer.get(field) or [], start=1) if index != row]
    return {**answer, field: rows}


def shown(code: str, answer: Mapping[str, Any] | None) -> dict[str, Any]:
    """What the form shows: every field as text, each table with at least the rows it asks for."""
    answer = answer or {}
    result: dict[str, Any] = {}
    for spec in SPECS[code].fields:
        value = answer.get(spec.name)
        if spec.kind != TABLE:
            result[spec.name] = "" if value is None else str(value)
            continue
        rows = [{c.name: str(row.get(c.name, "") or "") for c in spec.columns} for row in (value or [])]
        rows += [blank_row(spec) for _ in range(max(spec.min_rows, 1) - len(rows))]
        result[spec.name] = rows
    return result


def summary(code: str, content: Mapping[str, Any], length: int = 160) -> str:
    """A line about a submitted answer for the timeline: its first text, cut short."""
    for spec in SPECS[code].fields:
        value = content.get(spec.name)
        if spec.kind != TABLE and value and str(value).strip():
            text = " ".join(str(value).split())
            return text if len(text) <= length else text[: length - 1] + "…"
    return ""
