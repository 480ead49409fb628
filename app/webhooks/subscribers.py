"""The domain events the MES hears about, turned into pending webhook deliveries of the supplier."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from app.events import subscribe
from app.lots.models import Lot
from app.scars.models import Scar, ScarStep, StepSubmission
from app.scorecards.models import Publication
from app.webhooks.services import queue_event


def _lot(lot: Lot, reason: str | None) -> dict[str, Any]:
    return {
        "lot_id": lot.id,
        "lot_number": lot.lot_number,
        "part_number": lot.part.part_number,
        "state": lot.state,
        "reason": reason or "",
        "url": f"/api/v1/lots/{lot.id}",
    }


@subscribe("lot.decided")
def lot_decided(lot: Lot, reason: str | None) -> None:
    queue_event(lot.supplier_id, "lot.decided", _lot(lot, reason))


@subscribe("lot.returned")
def lot_returned(lot: Lot, reason: str | None) -> None:
    queue_event(lot.supplier_id, "lot.returned", _lot(lot, reason))


@subscribe("scar.issued")
def scar_issued(scar: Scar) -> None:
    data = {
        "scar_id": scar.id,
        "number": scar.number,
        "severity": scar.severity,
        "url": f"/api/v1/scars/{scar.id}",
    }
    queue_event(scar.supplier_id, "scar.issued", data)


@subscribe("scar.step_decided")
def scar_step_decided(step: ScarStep, submission: StepSubmission) -> None:
    data = {
        "scar_id": step.scar_id,
        "step": step.code,
        "decision": submission.decision,
        "comment": submission.comment,
        "url": f"/api/v1/scars/{step.scar_id}",
    }
    queue_event(step.supplier_id, "scar.step_decided", data)


@subscribe("scorecard.published")
def scorecard_published(publication: Publication, numbers: Mapping[int, Mapping[str, Any]]) -> None:
    for supplier_id in numbers:
        data = {"period": publication.period, "version": publication.version}
        queue_event(supplier_id, "scorecard.published", data)
