"""The sentence of each notification kind, in the current locale."""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel.speaklater import LazyString

from app.i18n import lazy_gettext as _l
from app.notifications.models import NotificationKind

LOT_DECIDED = _l("Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was decided.")

# lot_decided: by its `decision` param, the lot's final state.
DECISIONS: dict[str, LazyString] = {
    "accepted": _l("Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was accepted."),
    "rejected": _l("Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was rejected."),
    "accepted_on_deviation": _l(
        "Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was accepted on deviation."
    ),
}

SENTENCES: dict[NotificationKind, LazyString] = {
    NotificationKind.LOT_SUBMITTED: _l(
        "Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was submitted for review."
    ),
    NotificationKind.LOT_RETURNED: _l(
        "Lot %(lot_number)s of %(part_number)s from %(supplier_code)s was returned for correction."
    ),
    NotificationKind.LOT_DECIDED: LOT_DECIDED,
    NotificationKind.DEVIATION_AWAITING_SIGNATURE: _l(
        "The deviation for lot %(lot_number)s of %(part_number)s from %(supplier_code)s"
        " needs your second signature."
    ),
    NotificationKind.DEVIATION_REFUSED: _l(
        "The deviation you signed for lot %(lot_number)s of %(part_number)s from %(supplier_code)s"
        " was refused; the lot is back with you."
    ),
    NotificationKind.SCAR_ISSUED: _l("SCAR %(scar_number)s was issued to %(supplier_code)s."),
    NotificationKind.SCAR_REOPENED: _l(
        "SCAR %(scar_number)s (%(supplier_code)s) reopened at D4: lot %(lot_number)s failed after the fix."
    ),
    NotificationKind.SCAR_STEP_DUE: _l(
        "Step %(step)s of SCAR %(scar_number)s (%(supplier_code)s) is due on %(due_date)s."
    ),
    NotificationKind.SCAR_OVERDUE: _l(
        "SCAR %(scar_number)s (%(supplier_code)s) is overdue: step %(step)s was due on %(due_date)s."
    ),
    NotificationKind.SCAR_STEP_SUBMITTED: _l(
        "%(supplier_code)s submitted step %(step)s of SCAR %(scar_number)s: accept it or return it."
    ),
    NotificationKind.SCAR_STEP_RETURNED: _l(
        "Step %(step)s of SCAR %(scar_number)s was returned: answer it again and submit it."
    ),
    NotificationKind.SCAR_STEP_ACCEPTED: _l("Step %(step)s of SCAR %(scar_number)s was accepted."),
    NotificationKind.SCORECARD_PUBLISHED: _l(
        "The scorecard of %(supplier_code)s for %(period)s was published."
    ),
}


class _Params(dict[str, object]):
    """Sentence values; a missing one shows as "?" rather than breaking the list page."""

    def __missing__(self, key: str) -> str:
        return "?"


def sentence(kind: str, params: Mapping[str, object]) -> str:
    """The notification's sentence in the current locale."""
    if kind == NotificationKind.LOT_DECIDED:
        template = DECISIONS.get(str(params.get("decision")), LOT_DECIDED)
    else:
        template = SENTENCES[NotificationKind(kind)]
    return str(template) % _Params(params)


def message_label(kind: str, params: Mapping[str, object]) -> str:
    """What the free-text `message` param is: a rejection's reason, or the sender's message."""
    if kind == NotificationKind.LOT_DECIDED and params.get("decision") == "rejected":
        return _("Reason")
    if kind in (NotificationKind.SCAR_STEP_RETURNED, NotificationKind.SCAR_STEP_ACCEPTED):
        return _("Comment")
    return _("Message")
