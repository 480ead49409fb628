"""The lot page, which is also the review page, composed in this one place: the lot's data and evaluation
(app/lots) with the nonconforming samples named (app/reviews/evidence.py), the review panel
(app/reviews/pages.py) and its SCARs (app/scars); the lot view and the review actions render it."""

from __future__ import annotations

from typing import Any

from flask import abort, render_template
from flask_login import current_user
from markupsafe import Markup

from app import kept
from app.forms import ConfirmForm
from app.kept import reader
from app.lots import attachments as lot_attachments
from app.lots import data as lot_data
from app.lots import evaluation, grid
from app.lots.forms import STATE_LABELS, AttachmentForm
from app.lots.models import Lot, LotDataset
from app.lots.plans import lot_plan_of
from app.reviews.evidence import nonconforming_by_class
from app.reviews.pages import review_context
from app.scars.queries import scars_of_lot

EVALUATIONS = "lot evaluations"


def render_lot(
    lot: Lot, submission: int | None = None, *, forms: dict[str, Any] | None = None, status: int = 200
):  # type: ignore[no-untyped-def]
    """The lot with the shown submission's evaluation, and the review panel; `forms` keeps what was typed."""
    datasets = lot_data.datasets_of(lot)
    submitted = [d for d in datasets if d.is_submitted]
    shown = next((d for d in submitted if d.number == submission), submitted[-1] if submitted else None)
    if submission is not None and (shown is None or shown.number != submission):
        abort(404)
    page = render_template(
        "lots/detail.html",
        lot=lot,
        plan=lot_plan_of(lot),
        datasets=datasets,
        submitted=submitted,
        shown=shown,
        evaluation_html=_evaluation_html(lot, shown) if shown else "",
        draft=next((d for d in datasets if not d.is_submitted), None),
        attachments=lot_attachments.attachments_of(lot),
        attachment_form=AttachmentForm(),
        states=STATE_LABELS,
        confirm=ConfirmForm(),
        lot_scars=scars_of_lot(lot.id),
        **review_context(lot, current_user, forms or {}),
    )
    return page, status


def _evaluation_html(lot: Lot, shown: LotDataset) -> Markup:
    """The shown submission's evaluation, nonconforming samples and raw data, rendered once per data version.

    A submitted dataset and its stored evaluation never change (a correction is a new dataset), nor do a
    released revision's characteristics (app/standards/services.py refuses any flush that would): the key
    names the dataset, the lot's sample size and revision, and the reader's language (words and numbers).
    """
    key = (
        lot.id, shown.id, shown.number, shown.submitted_at, shown.recommendation, lot.sample_size,
        lot.revision_id, reader(),
    )  # fmt: skip
    store = kept.store(EVALUATIONS)
    found: Markup | None = store.get(key)
    if found is None:
        found = Markup(_render_evaluation(lot, shown))  # noqa: S704 - an autoescaped template
        store.put(key, found)
    return found


def _render_evaluation(lot: Lot, shown: LotDataset) -> str:
    characteristics = lot_data.characteristics_of(lot)
    stored = evaluation.stored(shown)
    values = lot_data.values_of(shown)
    findings = lot_data.findings_of(shown)
    return render_template(
        "lots/_evaluation.html",
        lot=lot,
        shown=shown,
        evaluation=stored,
        nonconforming=nonconforming_by_class(
            [c.defect_class for c in stored.classes], characteristics, values, findings, lot.sample_size
        ),
        characteristics=characteristics,
        raw_rows=grid.raw_rows(values, characteristics, lot.sample_size),
        findings=grid.finding_texts(findings),
    )
