"""The header's search box: straight to the record on a single exact match, else the list of matches."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request

from app.lots.forms import STATE_LABELS as LOT_STATES
from app.scars.forms import STATE_LABELS as SCAR_STATES
from app.search import queries
from app.security import ANY_ROLE, roles_required

bp = Blueprint("search", __name__)


@bp.route("/search")
@roles_required(ANY_ROLE)
def index():
    """Lots, SCARs and parts whose number contains `q`; one exact match opens its page."""
    text = queries.search_text(request.args.get("q"))
    found = queries.find(text) if text else None
    target = found.single_exact_url() if found else None
    if target:
        return redirect(target)
    return render_template(
        "search/results.html",
        text=text,
        found=found,
        limit=queries.LIMIT,
        lot_states=LOT_STATES,
        scar_states=SCAR_STATES,
    )
