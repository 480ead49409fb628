"""What a scorecard counts changed: the supplier's data version moves on, so its KPI snapshots are
counted again on the next view. After a publication: each supplier's managers and inspectors are
told, and the worker prints the version's PDFs."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.events import subscribe
from app.jobs.queue import enqueue_after_commit
from app.notifications.models import NotificationKind
from app.notifications.services import notify
from app.scorecards.models import Publication
from app.scorecards.notices import recipients
from app.suppliers import versions


@subscribe("lot.decided")
@subscribe("lot.returned")
def lot_counted(lot: Any, reason: Any) -> None:
    versions.bump(lot.supplier_id)


@subscribe("scar.issued")
def scar_issued(scar: Any) -> None:
    versions.bump(scar.supplier_id)


@subscribe("scar.reopened")
def scar_reopened(scar: Any, lot: Any) -> None:
    versions.bump(scar.supplier_id)


@subscribe("scar.step_submitted")
@subscribe("scar.step_decided")
def step_counted(step: Any, submission: Any) -> None:
    versions.bump(step.supplier_id)


@subscribe("scorecard.published")
def tell_suppliers(publication: Publication, numbers: Mapping[int, Mapping[str, Any]]) -> None:
    for supplier_id, people in recipients(list(numbers)).items():
        code = numbers[supplier_id]["supplier"]["code"]
        path = f"/scorecards/{publication.period}/suppliers/{supplier_id}"
        params = {"supplier_code": code, "period": publication.period}
        notify(people, NotificationKind.SCORECARD_PUBLISHED, params, path)


@subscribe("scorecard.published")
def print_pdfs(publication: Publication, numbers: Mapping[int, Mapping[str, Any]]) -> None:
    """Once the publication is committed; without Redis the PDFs are printed on request (or all at
    once by `flask scorecards pdf`)."""
    enqueue_after_commit("print_publication", publication.id)
