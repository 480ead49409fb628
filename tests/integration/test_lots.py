"""Lots: creation rules, the data grid, uploads (all or nothing), submission, evaluation, attachments."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.datastructures import FileStorage

from app.auth.models import User
from app.certificates.models import SiteCertificate
from app.clock import utcnow
from app.downloads import safe_cell
from app.extensions import db
from app.lots import data as lot_data
from app.lots import queries, services
from app.lots.entry import DataRejectedError, RawCell, RawFinding
from app.lots.models import (
    CharacteristicResult,
    ClassResult,
    Lot,
    LotDataset,
    LotState,
    Measurement,
)
from app.lots.plans import lot_plan_of
from app.parts.models import Part
from app.rules import RuleError
from app.sampling.models import SwitchingRecord
from app.standards.models import Characteristic, DefectCode
from app.suppliers.models import Site
from tests import factories
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

# Lot size 60 at level II is code letter E, n = 13 (ISO 2859-1 Table 1). Normal inspection, Table 2-A
# (reference z14_normal.csv): E @ 4.0 → n 13, Ac 1, Re 2; E @ 6.5 → n 13, Ac 2, Re 3.
LOT_SIZE = 60
N = 13


def _characteristics() -> list[Characteristic]:
    return [
        Characteristic(
            position=1, code="D1", name="Bore diameter", kind="variable", unit="mm",
            nominal=Decimal("10.00"), lsl=Decimal("9.95"), usl=Decimal("10.05"), defect_class="major",
        ),
        Characteristic(
            position=2, code="FL", name="Flatness", kind="variable", unit="mm",
            usl=Decimal("0.05"), defect_class="major",
        ),
        Characteristic(position=3, code="VIS", name="Visual check", kind="attribute", defect_class="minor"),
    ]  # fmt: skip


@pytest.fixture
def setup(app, world):
    return lot_setup(app, world)


def lot_setup(app, world) -> dict[str, int]:
    """Supplier A's site, a part with a three-characteristic standard (major 4.0, minor 6.5), a lot."""
    with app.app_context():
        site = db.session.get(Site, world.site_a)
        part = factories.part("PX-300")
        factories.approval(part, site)
        factories.released_standard(
            part, *_characteristics(), aql_critical=None, aql_major="4.0", aql_minor="6.5"
        )
        for code, cls in (("SCR", "minor"), ("DNT", "major")):
            db.session.add(DefectCode(code=code, description=code, default_class=cls))
        inspector = db.session.get(User, world.inspector_a.id)
        lot = factories.lot(site, part, inspector, "L-100", lot_size=LOT_SIZE)
        db.session.commit()
        return {"lot": lot.id, "part": part.id, "site": site.id}


def _lot(lot_id: int) -> Lot:
    return db.session.scalars(select(Lot).where(Lot.id == lot_id)).one()


def _good_rows() -> list[list[str]]:
    """A complete, clean sample: every value inside its limits, every check passed."""
    rows = [["sample", "D1", "FL", "VIS"]]
    for s in range(1, N + 1):
        rows.append([str(s), f"{10 + (s % 5 - 2) / 100:.3f}", f"0.0{s % 4 + 1}", "pass"])
    return rows


def _csv(rows: list[list[str]]) -> bytes:
    return "\n".join(",".join(row) for row in rows).encode()


def _upload(data: bytes, name: str = "data.csv") -> FileStorage:
    return FileStorage(io.BytesIO(data), filename=name)


def _inspector(world) -> User:
    return db.session.get(User, world.inspector_a.id)


def _values(lot: Lot) -> dict:
    return lot_data.values_of(lot_data.working_dataset(lot))


# --- Creating lots -----------------------------------------------------------------------------


def test_a_lot_gets_the_revision_in_force_and_its_plan(app, world):
    """Lot size 500 is code letter H; Table 2-A: H @ 0.065 ↓ L (200, 0/1), H @ 0.65 ↓ J (80, 1/2),
    H @ 2.5 → H (50, 3/4); the lot's sample is the largest n, 200."""
    with app.app_context():
        lot = _lot(world.lot_a)
        plan = lot_plan_of(lot)
        assert lot.revision_id == world.revision_a and lot.state == LotState.DRAFT
        assert lot.sample_size == 200
        assert {c: (p.sample_size, p.accept, p.reject) for c, p in plan.plans.items()} == {
            "critical": (200, 0, 1),
            "major": (80, 1, 2),
            "minor": (50, 3, 4),
        }


def test_the_lot_page_shows_the_plan(client, world):
    login_as(client, world.inspector_a)
    page = client.get(f"/lots/{world.lot_a}").get_data(as_text=True)
    assert "Sample size 200 of 500 pieces" in page and "H → L" in page


def _create_form(client, world, **overrides):
    today = utcnow().date().isoformat()
    data = {
        "csrf_token": csrf_token(client, "/lots/new"),
        "site_part": f"{world.site_a}-{world.part_a}",
        "lot_number": "L-2026-001",
        "lot_size": "500",
        "production_date": today,
        "inspection_date": today,
        "inspector_id": str(world.inspector_a.id),
        **overrides,
    }
    return client.post("/lots/new", data=data)


def test_an_inspector_creates_a_lot_and_lands_on_the_data_page(client, world, app):
    login_as(client, world.inspector_a)
    response = _create_form(client, world)
    assert response.status_code == 302 and response.headers["Location"].endswith("/data")
    with app.app_context():
        lot = db.session.scalars(select(Lot).where(Lot.lot_number == "L-2026-001")).one()
        assert lot.supplier_id == world.supplier_a and lot.created_by_id == world.inspector_a.id


def test_a_duplicate_lot_number_is_refused_next_to_the_field_and_keeps_the_input(client, world):
    login_as(client, world.inspector_a)
    page = _create_form(client, world, lot_number="A-0001", lot_size="777").get_data(as_text=True)
    assert 'id="lot_number-error"' in page and "Lot A-0001 of PA-100 already exists." in page
    assert 'value="777"' in page


def test_the_database_enforces_unique_lot_numbers_per_supplier_and_part(app, world):
    with app.app_context():
        lot = _lot(world.lot_a)
        db.session.add(
            Lot(
                supplier_id=lot.supplier_id, site_id=lot.site_id, part_id=lot.part_id,
                revision_id=lot.revision_id,
                lot_number=lot.lot_number, lot_size=10, production_date=lot.production_date,
                inspection_date=lot.inspection_date, inspector_id=lot.inspector_id,
                created_by_id=lot.created_by_id,
                severities={}, sample_size=2,
            )
        )  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.flush()


def test_a_lapsed_certificate_refuses_the_lot_and_says_what_to_do(client, world, app):
    with app.app_context():
        for certificate in db.session.scalars(
            select(SiteCertificate).where(SiteCertificate.site_id == world.site_a)
        ):
            certificate.valid_until = utcnow().date() - timedelta(days=1)
        db.session.commit()
    login_as(client, world.inspector_a)
    page = _create_form(client, world).get_data(as_text=True)
    assert "expired on" in page and "until a renewal is recorded or a quality manager grants a waiver" in page


def test_an_unapproved_pair_and_a_discontinued_part_are_refused(app, world):
    with app.app_context():
        inspector = _inspector(world)
        site_a = db.session.get(Site, world.site_a)
        with pytest.raises(RuleError, match="not approved"):
            factories.lot(site_a, db.session.get(Part, world.part_b), inspector)
        record = db.session.scalars(
            select(SwitchingRecord).where(SwitchingRecord.id == world.switching_a)
        ).one()
        record.discontinued = True
        with pytest.raises(RuleError, match="discontinued"):
            factories.lot(site_a, db.session.get(Part, world.part_a), inspector)


def test_dates_must_be_in_order_and_not_in_the_future(client, world):
    login_as(client, world.inspector_a)
    today = utcnow().date()
    page = _create_form(
        client,
        world,
        production_date=today.isoformat(),
        inspection_date=(today - timedelta(days=3)).isoformat(),
    ).get_data(as_text=True)
    assert "The lot cannot be inspected before it was produced." in page
    page = _create_form(client, world, production_date=(today + timedelta(days=5)).isoformat()).get_data(
        as_text=True
    )
    assert "The production date cannot be in the future." in page


# --- The grid ----------------------------------------------------------------------------------


def _grid_form(app, lot_id: int, rows: list[list[str]]) -> dict[str, str]:
    with app.app_context():
        lot = _lot(lot_id)
        by_code = {c.code: c.id for c in lot_data.characteristics_of(lot)}
    header = rows[0]
    data = {}
    for row in rows[1:]:
        for code, text in zip(header[1:], row[1:], strict=True):
            data[f"v-{row[0]}-{by_code[code]}"] = text
    return data


def test_a_bad_cell_refuses_the_whole_save_with_the_message_next_to_it(client, app, world, setup):
    rows = _good_rows()
    rows[4][1] = "10,0x"
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/data"
    response = client.post(
        url, data={"csrf_token": csrf_token(client, url), **_grid_form(app, setup["lot"], rows)}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "“10,0x” is not a number." in page and 'value="10,0x"' in page and 'aria-invalid="true"' in page
    assert 'value="10.010"' in page  # the other typed cells are kept
    with app.app_context():
        assert _values(_lot(setup["lot"])) == {}


def test_a_partial_draft_saves_and_submitting_it_lists_what_is_missing(client, app, world, setup):
    rows = _good_rows()[:5]
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/data"
    form = {"csrf_token": csrf_token(client, url), **_grid_form(app, setup["lot"], rows)}
    assert client.post(url, data=form).status_code == 302
    response = client.post(url, data={**form, "action": "submit"})
    page = response.get_data(as_text=True)
    assert "The sample is not complete: 27 values are missing." in page
    with app.app_context():
        lot = _lot(setup["lot"])
        assert lot.state == LotState.DRAFT and len(_values(lot)) == 12


def test_the_grid_marks_out_of_limit_values_and_a_value_on_a_limit_is_in_spec(client, app, world, setup):
    rows = _good_rows()
    rows[1][1], rows[2][1] = "10.06", "10.05"
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/data"
    client.post(url, data={"csrf_token": csrf_token(client, url), **_grid_form(app, setup["lot"], rows)})
    page = client.get(url).get_data(as_text=True)
    classes = {value: css for value, css in re.findall(r'value="(10\.0[56])"[^>]*class="([^"]*)"', page)}
    assert "out-of-spec" in classes["10.06"] and "out-of-spec" not in classes["10.05"]
    assert page.count("out-of-spec") == 1


def test_findings_rows_are_added_removed_and_checked(client, app, world, setup):
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/data"
    token = csrf_token(client, url)
    page = client.post(url, data={"csrf_token": token, "action": "add_finding", "findings": "0"}).get_data(
        as_text=True
    )
    assert 'name="f-1-code"' in page
    bad = {
        "csrf_token": token,
        "findings": "1",
        "f-1-code": "SCR",
        "f-1-zone": "A",
        "f-1-count": "1",
        "f-1-sample": "99",
    }
    page = client.post(url, data=bad).get_data(as_text=True)
    assert "Give the sample number, from 1 to 13." in page
    good = {**bad, "f-1-sample": "4"}
    assert client.post(url, data=good).status_code == 302
    page = client.post(url, data={**good, "action": "remove_finding-1"}).get_data(as_text=True)
    assert 'name="f-1-code"' not in page


# --- Submission and evaluation -----------------------------------------------------------------


def test_submitting_evaluates_counts_a_sample_once_per_class_and_freezes_the_data(app, world, setup):
    """Major (Ac 1, Re 2): sample 2 fails D1 and FL and has a dent (counted once), sample 5 fails FL →
    2 nonconforming ≥ Re → reject. Minor (Ac 2, Re 3): samples 3 and 6 fail VIS, sample 3 has a scratch →
    2 ≤ Ac → accept. The recommendation is reject."""
    rows = _good_rows()
    rows[2][1:3] = ["10.08", "0.09"]
    rows[5][2] = "0.051"
    rows[3][3] = rows[6][3] = "fail"
    with app.app_context():
        lot = _lot(setup["lot"])
        inspector = _inspector(world)
        lot_data.import_file(lot, _upload(_csv(rows)), inspector)
        findings = [RawFinding("DNT", "A", "1", "2", 1), RawFinding("SCR", "B", "2", "3", 2)]
        lot_data.save_entries(lot, _cells(lot, rows), findings)
        dataset = services.submit(lot, inspector)
        classes = {
            c.defect_class: (c.nonconforming, c.accept, c.reject, c.verdict)
            for c in db.session.scalars(select(ClassResult).where(ClassResult.dataset_id == dataset.id))
        }
        assert classes == {"major": (2, 1, 2, "reject"), "minor": (2, 2, 3, "accept")}
        assert lot.state == LotState.SUBMITTED and lot.recommendation == dataset.recommendation == "reject"
        with pytest.raises(RuleError, match="can no longer be changed"):
            lot_data.save_entries(lot, _cells(lot, _good_rows()), [])


def _cells(lot: Lot, rows: list[list[str]]) -> list[RawCell]:
    by_code = {c.code: c for c in lot_data.characteristics_of(lot)}
    return [
        RawCell(int(row[0]), by_code[code], text)
        for row in rows[1:]
        for code, text in zip(rows[0][1:], row[1:], strict=True)
    ]


def test_the_stored_statistics_are_those_of_the_lot(app, world, setup):
    """D1 values 9.99, 10.00, 10.01, 10.02, 9.98 repeating: checked against a hand computation."""
    with app.app_context():
        lot = _lot(setup["lot"])
        inspector = _inspector(world)
        lot_data.import_file(lot, _upload(_csv(_good_rows())), inspector)
        dataset = services.submit(lot, inspector)
        result = db.session.scalars(
            select(CharacteristicResult)
            .join(Characteristic)
            .where(CharacteristicResult.dataset_id == dataset.id, Characteristic.code == "D1")
        ).one()
        values = [10 + (s % 5 - 2) / 100 for s in range(1, N + 1)]
        mean = sum(values) / N
        sd = (sum((v - mean) ** 2 for v in values) / (N - 1)) ** 0.5
        assert result.n == N and result.mean == pytest.approx(mean) and result.sd == pytest.approx(sd)
        assert result.cp == pytest.approx(0.10 / (6 * sd))
        assert result.cpk == pytest.approx(min(10.05 - mean, mean - 9.95) / (3 * sd))
        assert (result.minimum, result.maximum, result.out_of_spec) == (9.98, 10.02, 0.0)
        flatness = db.session.scalars(
            select(CharacteristicResult)
            .join(Characteristic)
            .where(CharacteristicResult.dataset_id == dataset.id, Characteristic.code == "FL")
        ).one()
        assert flatness.cp is None and flatness.cpu is not None and flatness.cpk == flatness.cpu


def test_the_lot_page_shows_the_evaluation_to_the_reviewer(client, app, world, setup):
    with app.app_context():
        lot = _lot(setup["lot"])
        lot_data.import_file(lot, _upload(_csv(_good_rows())), _inspector(world))
        services.submit(lot, _inspector(world))
        db.session.commit()
    login_as(client, world.reviewer)
    page = client.get(f"/lots/{setup['lot']}").get_data(as_text=True)
    assert "Recommendation:" in page and "Bore diameter" in page and "Submission 1" in page


def test_a_returned_lot_is_resubmitted_as_a_new_numbered_revision(app, world, setup):
    with app.app_context():
        lot = _lot(setup["lot"])
        inspector = _inspector(world)
        lot_data.import_file(lot, _upload(_csv(_good_rows())), inspector)
        first = services.submit(lot, inspector)
        lot.state = LotState.RETURNED  # the reviewer's return (#5) only sets the state
        rows = _good_rows()
        rows[1][1] = "10.004"
        lot_data.save_entries(lot, _cells(lot, rows), [])
        second = services.submit(lot, inspector)
        assert (first.number, second.number, lot.submissions) == (1, 2, 2)
        d1 = next(c for c in lot_data.characteristics_of(lot) if c.code == "D1")
        assert lot_data.values_of(first)[(1, d1.id)] == Decimal("9.99")
        assert lot_data.values_of(second)[(1, d1.id)] == Decimal("10.004")
        assert (
            db.session.scalar(select(func.count()).select_from(LotDataset).where(LotDataset.lot_id == lot.id))
            == 2
        )


# --- Uploads: all or nothing -------------------------------------------------------------------


def _import_errors(app, world, setup, data: bytes, name: str = "data.csv") -> list[str]:
    """Import into a draft that already holds the clean data; return the errors, check nothing changed."""
    with app.app_context():
        lot = _lot(setup["lot"])
        lot_data.import_file(lot, _upload(_csv(_good_rows())), _inspector(world))
        before = _values(lot)
        with pytest.raises((DataRejectedError, RuleError)) as caught:
            lot_data.import_file(lot, _upload(data, name), _inspector(world))
        assert _values(lot) == before
        error = caught.value
        return [f"{e.where()}: {e.message}" for e in getattr(error, "errors", [])] or [str(error)]


def test_a_missing_column_is_named(app, world, setup):
    rows = [row[:2] + row[3:] for row in _good_rows()]
    assert _import_errors(app, world, setup, _csv(rows)) == [
        "Row 1: The column for FL (Flatness) is missing."
    ]


def test_an_unknown_characteristic_is_named_with_its_column(app, world, setup):
    rows = _good_rows()
    rows[0].append("D9")
    for row in rows[1:]:
        row.append("1")
    errors = _import_errors(app, world, setup, _csv(rows))
    assert errors == [
        "Row 1, column E (D9): “D9” is not a characteristic of this lot's standard. "
        "The columns are: D1, FL, VIS."
    ]


def test_every_non_number_is_listed_by_row_and_column(app, world, setup):
    rows = _good_rows()
    rows[3][1], rows[8][2], rows[9][3] = "abc", "1.2.3", "maybe"
    errors = _import_errors(app, world, setup, _csv(rows))
    assert errors == [
        "Row 4 (sample 3), column B (D1): “abc” is not a number. Type digits only, for example 12.05.",
        "Row 9 (sample 8), column C (FL): “1.2.3” is not a number. Type digits only, for example 12.05.",
        "Row 10 (sample 9), column D (VIS): “maybe” is not a result. "
        "Write pass or fail (OK or NG also work).",
    ]


def test_a_wrong_sample_count_is_refused(app, world, setup):
    errors = _import_errors(app, world, setup, _csv(_good_rows()[:-2]))
    assert errors == [": The file has 11 of the 13 samples this lot needs. Missing samples: 12, 13."]
    rows = [*_good_rows(), ["14", "10", "0.01", "pass"]]
    assert _import_errors(app, world, setup, _csv(rows)) == [
        "Row 15, column A (sample): Sample 14 does not exist: this lot has samples 1 to 13."
    ]


def test_a_duplicate_row_is_refused(app, world, setup):
    rows = _good_rows()
    rows[5][0] = "3"
    errors = _import_errors(app, world, setup, _csv(rows))
    assert "Row 6, column A (sample): Sample 3 appears twice, in rows 4 and 6." in errors
    assert any("Missing samples: 5." in e for e in errors)


def test_an_empty_file_and_binary_garbage_are_refused(app, world, setup):
    assert _import_errors(app, world, setup, b"") == ["The file is empty."]
    garbage = bytes(range(256)) * 8
    assert _import_errors(app, world, setup, garbage) == [
        "This file is not an Excel workbook (.xlsx) or a CSV file."
    ]


def test_formula_cells_are_refused_in_csv_and_xlsx(app, world, setup):
    rows = _good_rows()
    rows[2][1] = "=9.99+0.01"
    assert _import_errors(app, world, setup, _csv(rows)) == [
        "Row 3 (sample 2), column B (D1): This cell holds a formula. Type the measured value itself."
    ]
    errors = _import_errors(app, world, setup, _xlsx(rows), "data.xlsx")
    assert errors == [
        "Row 3 (sample 2), column B (D1): This cell holds a formula. Type the measured value itself."
    ]


def test_a_csv_that_is_not_utf8_gets_the_way_to_save_it(app, world, setup):
    data = _csv(_good_rows()).replace(b"pass", "ผ่าน".encode("cp874"))
    assert "CSV UTF-8" in _import_errors(app, world, setup, data)[0]


def _xlsx(rows: list[list[str]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Data"
    for row in rows:
        sheet.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_an_xlsx_upload_and_the_long_layout_are_read(app, world, setup):
    with app.app_context():
        lot = _lot(setup["lot"])
        assert (
            lot_data.import_file(lot, _upload(_xlsx(_good_rows()), "data.xlsx"), _inspector(world)) == 3 * N
        )
        long_rows = [["sample", "characteristic", "value"]] + [
            [row[0], code, text]
            for row in _good_rows()[1:]
            for code, text in zip(("D1", "FL", "VIS"), row[1:], strict=True)
        ]
        assert lot_data.import_file(lot, _upload(_csv(long_rows)), _inspector(world)) == 3 * N
        d1 = next(c for c in lot_data.characteristics_of(lot) if c.code == "D1")
        assert str(_values(lot)[(2, d1.id)]) == "10.000"  # as recorded: the gauge reads to 0.001


def test_a_zip_bomb_workbook_is_refused_before_unpacking(app, world, setup):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (20 * 1024 * 1024))
    errors = _import_errors(app, world, setup, out.getvalue(), "bomb.xlsx")
    assert errors == [
        "This workbook unpacks to more data than Kensa accepts. Upload the data as CSV instead."
    ]


def test_the_upload_page_lists_the_errors_and_keeps_the_draft(client, app, world, setup):
    rows = _good_rows()
    rows[4][1] = "x"
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/import"
    token = csrf_token(client, f"/lots/{setup['lot']}/data")
    response = client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(_csv(rows)), "data.csv")},
        content_type="multipart/form-data",
    )
    page = response.get_data(as_text=True)
    assert (
        response.status_code == 422
        and "Row 5 (sample 4), column B (D1)" in page
        and "The file was not imported." in page
    )
    response = client.post(
        url,
        data={"csrf_token": token, "file": (io.BytesIO(_csv(_good_rows())), "data.csv")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    with app.app_context():
        assert len(_values(_lot(setup["lot"]))) == 3 * N


# --- Template and export -----------------------------------------------------------------------


def test_the_template_has_one_row_per_sample_and_one_column_per_characteristic(client, world, setup):
    login_as(client, world.inspector_a)
    text = client.get(f"/lots/{setup['lot']}/template.csv").get_data(as_text=True)
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0] == "sample,D1,FL,VIS" and len(lines) == N + 1 and lines[-1] == f"{N},,,"
    workbook = load_workbook(
        io.BytesIO(client.get(f"/lots/{setup['lot']}/template.xlsx").data), read_only=True
    )
    assert workbook.sheetnames == ["Data", "Characteristics"]


def test_exports_escape_formula_like_text_but_not_negative_numbers():
    assert safe_cell('=HYPERLINK("http://x")') == '\'=HYPERLINK("http://x")'
    assert safe_cell("@SUM(A1)") == "'@SUM(A1)" and safe_cell("+cmd") == "'+cmd"
    assert safe_cell("-0.015") == "-0.015" and safe_cell("10.02") == "10.02"


# --- Attachments -------------------------------------------------------------------------------


def test_an_attachment_is_downloaded_with_its_name_and_never_inline(client, world, app):
    with app.app_context():
        lot = _lot(world.lot_a)
        link = factories.lot_attachment(lot, _inspector(world), "ตรวจสอบ report.pdf")
        db.session.commit()
        attachment_id, stored_name = link.attachment_id, link.attachment.filename
    assert stored_name == "ตรวจสอบ report.pdf"
    login_as(client, world.reviewer)
    response = client.get(f"/lots/{world.lot_a}/attachments/{attachment_id}")
    assert response.status_code == 200 and response.headers["Content-Disposition"].startswith("attachment;")
    assert response.data.startswith(b"%PDF-")


def test_a_spoofed_attachment_type_is_refused(client, world):
    login_as(client, world.inspector_a)
    url = f"/lots/{world.lot_a}/attachments"
    html = b"<html><script>alert(1)</script></html>"
    client.post(
        url,
        data={
            "csrf_token": csrf_token(client, f"/lots/{world.lot_a}"),
            "file": (io.BytesIO(html), "photo.jpg"),
        },
        content_type="multipart/form-data",
    )
    page = client.get(f"/lots/{world.lot_a}").get_data(as_text=True)
    assert "This file is not a PDF, a PNG or JPEG image" in page and "photo.jpg" not in page


def test_another_lots_attachment_id_gives_404(client, world, app):
    with app.app_context():
        other = factories.lot(
            db.session.get(Site, world.site_a),
            db.session.get(Part, world.part_a),
            _inspector(world),
            "A-OTHER",
        )
        db.session.commit()
        other_id = other.id
    login_as(client, world.inspector_a)
    assert client.get(f"/lots/{other_id}/attachments/{world.lot_file_a}").status_code == 404


# --- Lists -------------------------------------------------------------------------------------


def test_the_lot_list_filters_by_state_and_counts_queries(client, world, app, setup):
    with app.app_context():
        site = db.session.get(Site, world.site_a)
        part = db.session.get(Part, setup["part"])
        for i in range(30):
            factories.lot(site, part, _inspector(world), f"BULK-{i:03d}", lot_size=LOT_SIZE)
        db.session.commit()
    login_as(client, world.inspector_a)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/lots?state=draft").get_data(as_text=True)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert "32 lots" in page and "BULK-029" in page
    assert len(statements) <= 8, statements
    submitted = client.get("/lots?state=submitted").get_data(as_text=True)
    assert "A-0002" in submitted and "A-0003" not in submitted and "BULK-000" not in submitted


def test_a_supplier_lists_only_its_own_lots(client, world):
    login_as(client, world.inspector_b)
    page = client.get("/lots").get_data(as_text=True)
    assert "B-0001" in page and "A-0001" not in page


def test_measurements_carry_their_supplier(app, world, setup):
    with app.app_context():
        lot = _lot(setup["lot"])
        lot_data.import_file(lot, _upload(_csv(_good_rows())), _inspector(world))
        dataset = lot_data.working_dataset(lot)
        owners = set(
            db.session.scalars(
                select(Measurement.supplier_id).where(Measurement.dataset_id == dataset.id).distinct()
            )
        )
        assert owners == {world.supplier_a}


def test_the_supplier_home_lists_drafts_and_submitted_lots_with_their_age(client, app, world, setup):
    with app.app_context():
        lot = _lot(setup["lot"])
        lot_data.import_file(lot, _upload(_csv(_good_rows())), _inspector(world))
        services.submit(lot, _inspector(world))
        db.session.commit()
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    drafts = page[page.index("Drafts <span") : page.index("Submitted, waiting for review")]
    waiting = page[page.index("Submitted, waiting for review") :]
    assert "A-0001" in drafts and "L-100" not in drafts
    assert "L-100" in waiting and "second" in waiting  # the age, in words


def test_demo_seeding_makes_lots_once_with_a_rejection_and_a_flag(app):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        lots = db.session.scalars(select(Lot).where(Lot.lot_number.like("%-2611-%"))).all()
        assert len(lots) == 13
        assert {lot.recommendation for lot in lots} == {"accept", "reject", None}
        assert any(lot.flag_count for lot in lots if lot.recommendation == "accept")


def test_the_second_page_of_the_lot_list_keeps_its_filter(client, world, app):
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
        for i in range(51):
            factories.lot(site, part, _inspector(world), f"PG-{i:03d}")
        db.session.commit()
    login_as(client, world.inspector_a)
    second = client.get("/lots?state=draft&page=2")
    html = second.get_data(as_text=True)
    assert second.status_code == 200 and "Page 2 of 2" in html
    assert 'href="/lots?state=draft&amp;page=1"' in html


def test_the_supplier_home_shows_the_latest_ten_of_each_active_group_and_counts_them_all(client, app, world):
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
        start = utcnow() - timedelta(days=30)
        states = [LotState.DRAFT] * 11 + [LotState.RETURNED] * 2 + [LotState.SUBMITTED, LotState.IN_REVIEW]
        states += [LotState.ACCEPTED] * 3
        for i, state in enumerate(states):
            lot = factories.lot(site, part, _inspector(world), f"H-{i:03d}")
            lot.state, lot.updated_at = state, start + timedelta(hours=i)
        db.session.commit()
        active = queries.active_lots(world.supplier_a)
        # With the world's lots of A: draft A-0001, submitted A-0002, in review A-0003 (changed last);
        # B's lots are not A's.
        assert active.counts == {"returned": 2, "draft": 12, "waiting": 4, "rejected": 0}
        drafts = [row.lot_number for row in active.latest["draft"]]
        assert drafts == ["A-0001", *(f"H-{i:03d}" for i in range(10, 1, -1))]  # newest change first
        waiting = [row.lot_number for row in active.latest["waiting"]]
        assert sorted(waiting[:2]) == ["A-0002", "A-0003"] and waiting[2:] == ["H-014", "H-013"]
        assert {row.site_name for row in active.latest["returned"]} == {site.name}
        assert active.latest["returned"][0].part_number == part.part_number
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    drafts_section = page[page.index("Drafts <span") : page.index("Submitted, waiting for review")]
    assert '<span class="badge text-bg-light">12</span>' in drafts_section
    assert drafts_section.count('href="/lots/') == 10 and "H-001" not in drafts_section
    assert 'href="/lots?state=draft">All of them' in drafts_section
    assert "H-015" not in page and "B-0001" not in page  # decided lots and B's are not on A's home
