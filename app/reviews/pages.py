"""What the lot page shows of the review: signatures, deviations, charts, history, and the action forms."""

from __future__ import annotations

from typing import Any

from app.audit.queries import history_of
from app.auth.models import User
from app.lots.models import Lot
from app.reviews import charts, policy, services
from app.reviews.consequence import switching_consequences
from app.reviews.forms import (
    MEANING_LABELS,
    DecisionForm,
    DeviationForm,
    SecondSignatureForm,
    VersionForm,
    acknowledgement_label,
)

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
    awaiting = services.awaiting_deviation(lot)
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
    if "decision" in shown_forms:
        shown_forms["decision"].acknowledge.label.text = acknowledgement_label(lot.recommendation)
    return {
        "review_forms": shown_forms,
        "signatures": services.signatures_of(lot),
        "meanings": MEANING_LABELS,
        "deviations": services.deviations_of(lot),
        "awaiting_deviation": awaiting,
        "charts": charts.for_lot(lot) if policy.sees_charts(user) and lot.submissions else [],
        "history": history_of("Lot", lot.id),
        # Said before the decision is signed: to whoever may claim or decide the lot.
        "consequences": switching_consequences(lot) if allowed["claim"] or allowed["decision"] else [],
    }
