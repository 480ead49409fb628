"""Sentences that explain a data-integrity flag (app.quality.integrity) to the reviewer.

The pure quality package stores only a flag's kind and the numbers behind it (`params`, kept as JSON
with the lot); the sentence is written here, at display time, in the reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _

UNKNOWN = "?"


def _number(value: Any, places: int) -> str:
    """Format a number with a fixed number of decimal places; "?" when it is missing or not a number."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return UNKNOWN
    return f"{value:.{max(0, places)}f}"


def _sd(value: Any, decimals: Any) -> str:
    """Format a standard deviation one place finer than the recorded resolution (3 significant digits
    when the resolution is unknown)."""
    if isinstance(decimals, int) and not isinstance(decimals, bool):
        return _number(value, decimals + 1)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return UNKNOWN
    return f"{value:.3g}"


def _percent(value: Any) -> str:
    """Format a share (0..1) as a whole percentage, e.g. "38 %"."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return UNKNOWN
    return f"{100 * value:.0f} %"


def _count(value: Any) -> str:
    """Format a count; "?" when missing."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return UNKNOWN
    return str(int(value))


def _zero_variance(name: str, params: Mapping[str, Any]) -> str:
    decimals = params.get("decimals")
    places = decimals if isinstance(decimals, int) and not isinstance(decimals, bool) else 3
    return _(
        "All %(n)s values of %(name)s are the same (%(value)s). Real measurements vary from part to part; "
        "ask how the values were recorded.",
        n=_count(params.get("n")),
        name=name,
        value=_number(params.get("value"), places),
    )


def _low_variance(name: str, params: Mapping[str, Any]) -> str:
    decimals = params.get("decimals")
    return _(
        "The values of %(name)s vary far less than in the supplier's last %(lots)s lots: standard "
        "deviation %(sd)s against %(history_sd)s. Honest measurements rarely vary this little; ask whether "
        "parts were picked out or values edited.",
        name=name,
        lots=_count(params.get("lots")),
        sd=_sd(params.get("sd"), decimals),
        history_sd=_sd(params.get("history_sd"), decimals),
    )


def _repeated_values(name: str, params: Mapping[str, Any]) -> str:
    lot_index = params.get("lot_index")
    values = {"matches": _count(params.get("matches")), "n": _count(params.get("n")), "name": name}
    if params.get("reordered"):
        if lot_index == 1:
            return _(
                "The %(n)s values of %(name)s are exactly those of the previous lot, in a different order. "
                "That hardly happens by chance; ask whether the data were copied.",
                **values,
            )
        return _(
            "The %(n)s values of %(name)s are exactly those of the lot reported %(lots)s lots earlier, in a "
            "different order. That hardly happens by chance; ask whether the data were copied.",
            lots=_count(lot_index),
            **values,
        )
    if lot_index == 1:
        return _(
            "%(matches)s of the %(n)s values of %(name)s are identical, in the same order, to those of the "
            "previous lot. So many matches hardly happen by chance; ask whether the data were copied.",
            **values,
        )
    return _(
        "%(matches)s of the %(n)s values of %(name)s are identical, in the same order, to those of the lot "
        "reported %(lots)s lots earlier. So many matches hardly happen by chance; ask whether the data "
        "were copied.",
        lots=_count(lot_index),
        **values,
    )


def _digit_preference(name: str, params: Mapping[str, Any]) -> str:
    return _(
        "The last digits of the %(n)s values of %(name)s are unevenly spread: %(share)s end in %(digit)s, "
        "where each digit should end about 10 %% of them. The values may have been rounded or typed in "
        "instead of read from the gauge.",
        n=_count(params.get("n")),
        name=name,
        share=_percent(params.get("share")),
        digit=_count(params.get("digit")),
    )


def _piled_at_limit(name: str, params: Mapping[str, Any]) -> str:
    decimals = params.get("decimals")
    places = decimals if isinstance(decimals, int) and not isinstance(decimals, bool) else 3
    values = {
        "count": _count(params.get("count")),
        "n": _count(params.get("n")),
        "name": name,
        "limit": _number(params.get("limit_value"), places),
        "expected": _number(params.get("expected"), 1),
    }
    if params.get("limit") == "lsl":
        return _(
            "%(count)s of the %(n)s values of %(name)s lie at or just above the lower limit %(limit)s, "
            "where the spread of the lot would put about %(expected)s. Values below the limit may have been "
            "moved up to it; ask for the raw gauge readings.",
            **values,
        )
    return _(
        "%(count)s of the %(n)s values of %(name)s lie at or just below the upper limit %(limit)s, "
        "where the spread of the lot would put about %(expected)s. Values above the limit may have been "
        "moved down to it; ask for the raw gauge readings.",
        **values,
    )


def _cpk_jump(name: str, params: Mapping[str, Any]) -> str:
    values = {
        "name": name,
        "cpk": _number(params.get("cpk"), 2),
        "history_cpk": _number(params.get("history_cpk"), 2),
        "lots": _count(params.get("lots")),
    }
    if params.get("direction") == "down":
        return _(
            "Cpk of %(name)s dropped to %(cpk)s in this lot, from %(history_cpk)s over the supplier's last "
            "%(lots)s lots: too large a drop for chance. The process may have changed; ask for the cause.",
            **values,
        )
    return _(
        "Cpk of %(name)s rose to %(cpk)s in this lot, from %(history_cpk)s over the supplier's last "
        "%(lots)s lots: too large a jump for chance. Ask what changed, and whether parts or values were "
        "picked out.",
        **values,
    )


_WRITERS = {
    "zero_variance": _zero_variance,
    "low_variance": _low_variance,
    "repeated_values": _repeated_values,
    "digit_preference": _digit_preference,
    "piled_at_limit": _piled_at_limit,
    "cpk_jump": _cpk_jump,
}


def explain(kind: str, characteristic_name: str, params: Mapping[str, Any]) -> str:
    """Return the sentence that explains one flag to the reviewer, in the current locale."""
    writer = _WRITERS.get(str(kind))
    if writer is None:
        return _(
            "A data-integrity check (%(kind)s) flagged %(name)s.", kind=str(kind), name=characteristic_name
        )
    return writer(characteristic_name, params or {})
