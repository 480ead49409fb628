"""Server-side row actions of the authoring grid, so it works without JavaScript."""

from __future__ import annotations

from app.standards.forms import RevisionForm
from app.standards.validation import RevisionSettings

BLANK_ROW = {"kind": "variable", "defect_class": "major"}


def apply_row_action(form: RevisionForm, action: str) -> RevisionForm:
    """Rebuild the form with a row added ("add"), removed ("remove:i") or moved ("up:i", "down:i")."""
    rows = [dict(entry.form.data) for entry in form.characteristics]
    verb, _sep, index_text = action.partition(":")
    index = int(index_text) if index_text.isdigit() else -1
    if verb == "add":
        rows.append(dict(BLANK_ROW))
    elif verb == "remove" and 0 <= index < len(rows) and len(rows) > 1:
        rows.pop(index)
    elif verb == "up" and 0 < index < len(rows):
        rows[index - 1], rows[index] = rows[index], rows[index - 1]
    elif verb == "down" and 0 <= index < len(rows) - 1:
        rows[index + 1], rows[index] = rows[index], rows[index + 1]
    data = {name: form[name].data for name in RevisionSettings.__dataclass_fields__}
    return RevisionForm(formdata=None, data={**data, "characteristics": rows})
