"""What the lot page shows of the review: signatures, deviations, charts, history, and the action forms."""

from __future__ import annotations

from typing import Any

from app.audit.queries import history_of
from app.auth.models import User
from app.lots.models import Lot
from app.reviews import baselines, charts, policy, services
from app.reviews.baseline_forms import FreezeForm, UnfreezeForm, prefix
from app.reviews.consequence import switching_consequences
from app.reviews.forms import (
    MEANING_LABELS,
    DecisionForm,
    DeviationForm,
    SecondSignatureForm,
    VersionForm,
    acknowledgement_label,
)
from app.reviews.models import DeviationState

FORMS = {
    "claim": VersionForm,
    "release": VersionForm,
    "decision": DecisionForm,
    "deviation": DeviationForm,
    "second": SecondSignatureForm,
}


def action_form(name: str) -> Any:
    """The named review form (filled from the request when it was posted)."""
    return FORMS[name]()


def review_context(lot: Lot, user: User, forms: dict[str, Any]) -> dict[str, Any]:
    """The review panel's content for this user; `forms` replaces blank forms (to show what was typed)."""
    deviations = services.deviations_of(lot)
    awaiting = next((d for d in deviations if d.state == DeviationState.AWAITING), None)
    allowed = {
        "claim": policy.can_claim(user, lot),
        "release": policy.can_release(user, lot, awaiting),
        "decision": policy.can_decide(user, lot, awaiting),
        "deviation": policy.can_decide(user, lot, awaiting),
        "second": policy.can_countersign(user, awaiting),
    }
    shown_forms = {name: forms.get(name) or FORMS[name](formdata=None) for name, ok in allowed.items() if ok}
    for form in shown_forms.values():
        form.version.data = lot.version  # a re-shown form acts on the lot as it is now
    sees = policy.sees_charts(user) and lot.submissions
    shown_charts = charts.for_lot(lot) if sees else []
    if "decision" in shown_forms:
        shown_forms["decision"].acknowledge.label.text = acknowledgement_label(lot.recommendation)
    return {
        "review_forms": shown_forms,
        "charts": shown_charts,
        "baseline_forms": baseline_forms(shown_charts, forms) if policy.can_freeze_baseline(user) else {},
        "min_baseline_lots": baselines.MIN_LOTS,
        "signatures": services.signatures_of(lot),
        "meanings": MEANING_LABELS,
        "deviations": deviations,
        "awaiting_deviation": awaiting,
        "history": history_of("Lot", lot.id),
        # Said before the decision is signed: to whoever may claim or decide the lot.
        "consequences": switching_consequences(lot) if allowed["claim"] or allowed["decision"] else [],
    }


def baseline_forms(views: list[charts.ChartView], forms: dict[str, Any]) -> dict[str, Any]:
    """Each chart's freeze form, or its unfreeze form while frozen, by chart key; `forms` keeps input."""
    found: dict[str, Any] = {}
    for view in views:
        action = "unfreeze" if view.frozen else "freeze"
        name = prefix(action, view.key)
        form = forms.get(name) or (UnfreezeForm if view.frozen else FreezeForm)(prefix=name, formdata=None)
        if not view.frozen:
            form.basis.data = baselines.basis_ids(view.basis)  # a re-shown form freezes the chart as now
        found[view.key] = form
    return found
