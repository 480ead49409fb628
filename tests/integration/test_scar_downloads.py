"""SCAR downloads: the CSV of SCARs with their step dates, and a SCAR's 8D report as PDF."""

from __future__ import annotations

import csv
import io
from datetime import UTC

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from app.extensions import db
from app.scars import services
from app.scars.export import HEADER
from app.scars.models import Scar
from tests.conftest import login_as
from tests.integration.scar_answers import answer, raise_scar

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

EVIL = '=HYPERLINK("http://evil.example","Click")'


def _csv(response) -> list[dict[str, str]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200 and response.mimetype == "text/csv" and response.is_streamed
    body = response.get_data(as_text=True)
    response.close()
    assert body.startswith("\ufeff")
    header, *rows = csv.reader(io.StringIO(body[1:]))
    assert header == list(HEADER)
    return [dict(zip(header, row, strict=True)) for row in rows]


def _by_number(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
    return {row["number"]: row for row in rows}


def test_the_csv_has_a_row_per_scar_with_its_step_dates(app, client, world):
    with app.app_context():
        scar = raise_scar(world)
        answer(scar, world.manager_a, world.reviewer, "D0", accept=False)
        answer(scar, world.manager_a, world.reviewer, "D0")  # resubmitted, accepted
        first = services.submissions_of(scar)[0].submitted_at
        d0 = services.step_of(scar, "D0")
        due, accepted = d0.due_on.isoformat(), d0.accepted_at
        db.session.commit()
        number = scar.number
        everyone = set(db.session.scalars(select(Scar.number)))
    login_as(client, world.quality_manager)
    response = client.get("/scars/export.csv")
    assert response.headers["Content-Disposition"].startswith('attachment; filename="kensa-scars-')
    rows = _by_number(_csv(response))
    assert set(rows) == everyone and len(everyone) == 3  # the world's two, and this one
    row = rows[number]
    assert (row["supplier_code"], row["part_number"], row["severity"], row["state"]) == (
        "ALPHA",
        "PA-100",
        "major",
        "open",
    )
    assert row["raised_by"] and row["reopened"] == "0" and row["closed_at"] == ""
    assert (row["D0_state"], row["D0_due_on"]) == ("accepted", due)
    assert row["D0_first_submitted_at"] == first.astimezone(UTC).isoformat(timespec="seconds")
    assert row["D0_accepted_at"] == accepted.astimezone(UTC).isoformat(timespec="seconds")
    assert (row["D4_state"], row["D4_first_submitted_at"], row["D4_accepted_at"]) == ("open", "", "")


def test_the_csv_escapes_formulas(app, client, world):
    with app.app_context():
        number = raise_scar(world, title=EVIL).number
        db.session.commit()
    login_as(client, world.reviewer)
    rows = _csv(client.get("/scars/export.csv"))
    assert _by_number(rows)[number]["title"] == "'" + EVIL
    assert not any(cell.startswith(("=", "+", "@")) for row in rows for cell in row.values())


def test_a_supplier_exports_only_its_own_scars(app, client, world):
    with app.app_context():
        ours, theirs = raise_scar(world).number, raise_scar(world, a=False).number
        db.session.commit()
    login_as(client, world.inspector_a)
    rows = _by_number(_csv(client.get("/scars/export.csv")))
    assert ours in rows and theirs not in rows
    assert {row["supplier_code"] for row in rows.values()} == {"ALPHA"}
    assert all(row["raised_by"] for row in rows.values())  # the issuer's name, though out of scope


def test_the_csv_filters_by_state_supplier_and_severity(app, client, world):
    with app.app_context():
        critical = raise_scar(world, a=False, severity="critical").number
        db.session.commit()
    login_as(client, world.reviewer)
    assert set(_by_number(_csv(client.get("/scars/export.csv?severity=critical")))) == {critical}
    bravo = _csv(client.get(f"/scars/export.csv?supplier={world.supplier_b}"))
    assert {row["supplier_code"] for row in bravo} == {"BRAVO"} and len(bravo) == 2
    assert _csv(client.get("/scars/export.csv?state=closed")) == []
    assert len(_csv(client.get("/scars/export.csv?state=nonsense&severity="))) == 3


# --- The 8D report --------------------------------------------------------------------------


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_the_8d_report_holds_the_problem_the_answers_and_the_decisions(app, client, world):
    with app.app_context():
        scar = raise_scar(world)
        answer(scar, world.manager_a, world.reviewer, "D0", symptom="Sharp burr on the bore, 0.3 mm high")
        answer(scar, world.manager_a, world.reviewer, "D1", accept=False)
        db.session.commit()
        scar_id, number = scar.id, scar.number
    login_as(client, world.manager_a)
    response = client.get(f"/scars/{scar_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == f'attachment; filename="{number}_8D_report.pdf"'
    assert response.headers["Cache-Control"] == "private, no-store"
    text = _text(response.data)
    assert number in text and "Burrs found on the bore edge" in text
    assert "Sharp burr on the bore, 0.3 mm high" in text and "Emergency response actions" in text
    assert "Champion (sponsor)" in text and "name cell" in text  # D1's team table
    assert "Add the stock in transit" in text  # the reason D1 was returned
    assert "Not submitted yet." in text and "Page 1 of" in text


def test_another_suppliers_8d_report_is_404(client, world):
    login_as(client, world.inspector_a)
    assert client.get(f"/scars/{world.scar_b}/report.pdf").status_code == 404
    assert client.get(f"/scars/{world.scar_a}/report.pdf").status_code == 200
