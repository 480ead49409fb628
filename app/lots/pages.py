"""A lot's data-entry page (grid, findings, upload), filled from what is stored or from what was posted."""

from __future__ import annotations

from flask import render_template, request

from app.forms import ConfirmForm
from app.lots import data as lot_data
from app.lots import grid
from app.lots.forms import STATE_LABELS, UploadForm
from app.lots.models import Lot
from app.lots.plans import lot_plan_of
from app.reviews.services import return_message


def data_page(
    lot: Lot,
    texts: dict[str, str],
    finding_rows: list[dict[str, str]],
    errors=None,
    upload_errors=None,
    status=200,
    *,
    unsaved: bool = False,
    focus: str | None = None,
):
    """The data page; `unsaved` when it shows posted input that is not stored (leaving it then asks)."""
    characteristics = lot_data.characteristics_of(lot)
    placed = grid.place_errors(errors or [], characteristics)
    return (
        render_template(
            "lots/data.html",
            lot=lot,
            plan=lot_plan_of(lot),
            characteristics=characteristics,
            texts=texts,
            finding_rows=finding_rows,
            errors=placed,
            upload_errors=upload_errors or [],
            catalogue=lot_data.catalogue().values(),
            upload_form=UploadForm(),
            confirm=ConfirmForm(),
            returned=return_message(lot),
            cell_name=grid.cell_name,
            spec_side=grid.spec_side,
            spec_words=grid.spec_words(),
            script_texts=grid.script_texts(),
            unsaved=unsaved,
            focus=focus,
            states=STATE_LABELS,
        ),
        status,
    )


def stored_data_page(lot: Lot, errors=None, upload_errors=None, status=200):
    """The data page filled from what is stored (the draft, else the last submission)."""
    dataset = lot_data.working_dataset(lot)
    texts = grid.texts_from_values(
        lot_data.values_of(dataset), lot_data.characteristics_of(lot), lot.sample_size
    )
    return data_page(
        lot, texts, grid.finding_texts(lot_data.findings_of(dataset)), errors, upload_errors, status
    )


def posted_data_page(lot: Lot, finding_rows: list[dict[str, str]], errors=None, status=200, focus=None):
    """The data page again with what was posted, exactly as typed, marked as not saved.

    Adding or removing a finding row does not save the draft first: saving is all or nothing, so it
    would fail exactly when the grid holds a half-typed value or a finding is half filled in, and the
    typed text would then have to come back this way anyway; nor does arranging rows write an audit
    event. The page says it holds unsaved input, so leaving it asks (lot-grid.js).
    """
    texts = dict(request.form)
    return data_page(lot, texts, finding_rows, errors, status=status, unsaved=True, focus=focus)
