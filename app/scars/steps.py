"""What each 8D discipline asks for: its fields, and the check of a submitted answer.

One description serves the step forms (rendered field by field), the check on submission, the
SCAR page, the CSV and the PDF. Content is stored as JSON: texts, whole numbers, ISO dates, and
tables as lists of rows (dicts of column -> text).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.i18n import lazy_gettext as _l

TEXT, LONG_TEXT, COUNT, DATE, TABLE = "text", "long_text", "count", "date", "table"
TEXT_MAX = 4000
ROWS_MAX = 30


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    kind: str = TEXT  # TEXT or DATE
    required: bool = True


@dataclass(frozen=True)
class Field:
    name: str
    label: Any
    kind: str = LONG_TEXT
    required: bool = True
    help: Any = ""
    columns: tuple[Column, ...] = ()
    min_rows: int = 0


@dataclass(frozen=True)
class StepSpec:
    code: str
    title: Any
    purpose: Any
    fields: tuple[Field, ...] = field(default_factory=tuple)


_ACTION_COLUMNS = (
    Column("action", _l("Action")),
    Column("owner", _l("Owner")),
    Column("due", _l("Due date"), DATE),
    Column("evidence", _l("Evidence"), required=False),
)

SPECS: dict[str, StepSpec] = {
    spec.code: spec
    for spec in (
        StepSpec(
            "D0",
            _l("D0 Symptom and emergency response"),
            _l("What the customer sees, and what was done at once to protect them."),
            (
                Field("symptom", _l("Symptom")),
                Field("emergency_actions", _l("Emergency response actions")),
            ),
        ),
        StepSpec(
            "D1",
            _l("D1 Team"),
            _l("A small cross-functional team with the knowledge, time and authority to solve it."),
            (
                Field("champion", _l("Champion (sponsor)"), TEXT),
                Field(
                    "team",
                    _l("Team members"),
                    TABLE,
                    columns=(
                        Column("name", _l("Name")),
                        Column("role", _l("Role in the team")),
                        Column("function", _l("Department"), required=False),
                    ),
                    min_rows=2,
                    help=_l("At least two people; name the team leader's role as “leader”."),
                ),
            ),
        ),
        StepSpec(
            "D2",
            _l("D2 Problem description"),
            _l("What is wrong with what, quantified: what, where, when, how many; is and is not."),
            (
                Field("what", _l("What is wrong (requirement against actual)")),
                Field("where", _l("Where it was found"), TEXT),
                Field("when", _l("When it started, and how it was found"), TEXT),
                Field("how_many", _l("How many pieces are affected"), COUNT),
                Field(
                    "is_is_not",
                    _l("Is / is not"),
                    TABLE,
                    columns=(
                        Column("aspect", _l("Aspect")),
                        Column("is", _l("Is")),
                        Column("is_not", _l("Is not")),
                    ),
                    min_rows=1,
                    help=_l(
                        "For example: which lines, shifts, cavities and lots have it, and which"
                        " comparable ones do not."
                    ),
                ),
            ),
        ),
        StepSpec(
            "D3",
            _l("D3 Interim containment"),
            _l("Isolate the brand from the problem until the permanent fix: all suspect stock, sorted."),
            (
                Field("actions", _l("Containment actions")),
                Field("sorted_at_oem", _l("Pieces sorted at your plant"), COUNT),
                Field("rejected_at_oem", _l("Pieces rejected at your plant"), COUNT),
                Field("in_transit", _l("Pieces in transit, sorted or held"), COUNT),
                Field("at_brand", _l("Pieces at the brand's warehouse, sorted or held"), COUNT),
                Field("clean_point", _l("First clean lot or date code"), TEXT),
                Field("results", _l("Results: how you know the containment works")),
            ),
        ),
        StepSpec(
            "D4",
            _l("D4 Root cause"),
            _l("Why it happened (occurrence) and why it was not detected (escape), verified."),
            (
                Field(
                    "whys",
                    _l("5-why chain (occurrence)"),
                    TABLE,
                    columns=(Column("why", _l("Why?")),),
                    min_rows=3,
                    help=_l(
                        "Each answer is the cause of the one before; “operator error” is not a root cause."
                    ),
                ),
                Field("occurrence_cause", _l("Root cause of occurrence")),
                Field("escape_cause", _l("Root cause of escape (why it was not detected)")),
                Field("verification", _l("How the causes were verified (switched on and off, data)")),
            ),
        ),
        StepSpec(
            "D5",
            _l("D5 Permanent corrective actions"),
            _l("The actions chosen for the occurrence and the escape cause, and how they were verified."),
            (
                Field("actions", _l("Actions"), TABLE, columns=_ACTION_COLUMNS, min_rows=1),
                Field("verification", _l("How the actions were verified before rollout")),
            ),
        ),
        StepSpec(
            "D6",
            _l("D6 Implementation and validation"),
            _l("The actions in place, containment removed, and the data that shows they work."),
            (
                Field("actions", _l("Actions implemented"), TABLE, columns=_ACTION_COLUMNS, min_rows=1),
                Field("containment_removed_on", _l("Containment removed on"), DATE, required=False),
                Field("validation", _l("Validation data")),
            ),
        ),
        StepSpec(
            "D7",
            _l("D7 Prevent recurrence"),
            _l("The systems changed so that it cannot happen again, here or on similar parts."),
            (
                Field(
                    "documents",
                    _l("Documents updated"),
                    TABLE,
                    columns=(
                        Column("document", _l("Document (FMEA, control plan, work instruction…)")),
                        Column("change", _l("What changed")),
                    ),
                    min_rows=1,
                ),
                Field("read_across", _l("Other lines and parts checked (read across)")),
            ),
        ),
        StepSpec(
            "D8",
            _l("D8 Closure"),
            _l("Close the 8D and recognise the team."),
            (
                Field("summary", _l("Closing summary")),
                Field("recognition", _l("Team recognition"), required=False),
            ),
        ),
    )
}


def blank_row(spec: Field) -> dict[str, str]:
    return {column.name: "" for column in spec.columns}


def check(code: str, content: Mapping[str, Any], *, complete: bool) -> dict[str, str]:
    """Problems with a step's answer by field name ("team" or "team.2.name" for a cell).

    A draft (`complete=False`) is only checked for what cannot be stored (too long, not a number);
    a submission must also fill every required field and table row.
    """
    problems: dict[str, str] = {}
    for spec in SPECS[code].fields:
        value = content.get(spec.name)
        if spec.kind == TABLE:
            rows = [row for row in (value or []) if any(str(v).strip() for v in row.values())]
            if len(rows) > ROWS_MAX:
                problems[spec.name] = str(_l("Use at most %(n)d rows.", n=ROWS_MAX))
            if complete and len(rows) < max(spec.min_rows, 1 if spec.required else 0):
                problems[spec.name] = str(_l("Fill in at least %(n)d row(s).", n=max(spec.min_rows, 1)))
            for index, row in enumerate(rows, start=1):
                for column in spec.columns:
                    problem = _cell_problem(
                        column.kind, column.required and complete, row.get(column.name, "")
                    )
                    if problem:
                        problems[f"{spec.name}.{index}.{column.name}"] = problem
            continue
        problem = _cell_problem(spec.kind, spec.required and complete, value)
        if problem:
            problems[spec.name] = problem
    return problems


def _cell_problem(kind: str, required: bool, value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    if not text:
        return str(_l("Please fill this in.")) if required else None
    if len(text) > TEXT_MAX:
        return str(_l("Use at most %(max)d characters.", max=TEXT_MAX))
    if kind == COUNT and not (text.isdigit() and int(text) <= 100_000_000):
        return str(_l("Give a whole number of pieces, 0 or more."))
    if kind == DATE:
        try:
            date.fromisoformat(text)
        except ValueError:
            return str(_l("Give a date as yyyy-mm-dd."))
    return None


def normalised(code: str, content: Mapping[str, Any]) -> dict[str, Any]:
    """The answer as stored: known fields only, texts trimmed, empty table rows dropped."""
    stored: dict[str, Any] = {}
    for spec in SPECS[code].fields:
        value = content.get(spec.name)
        if spec.kind == TABLE:
            stored[spec.name] = [
                {c.name: str(row.get(c.name, "")).strip() for c in spec.columns}
                for row in (value or [])
                if any(str(v).strip() for v in row.values())
            ]
        else:
            stored[spec.name] = "" if value is None else str(value).strip()
    return stored
