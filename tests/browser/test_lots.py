"""An inspector creates a lot, uploads its data (a wrong file first), submits it and reads the evaluation;
the data grid marks out-of-spec values as they are typed and keeps a bad draft's input."""

from __future__ import annotations

import csv
import io
import random
import re
import uuid
from datetime import timedelta
from decimal import Decimal

from playwright.sync_api import FilePayload, Locator, Page, expect

from tests.browser.helpers import screenshot, sign_in
from tests.clock import TEST_TODAY

HPA_INSPECTOR = "inspector@haiphong-assembly.example"
HPA_INSPECTOR_NAME = "Nguyen Van An"
SIAM_INSPECTOR = "inspector@siam-precision.example"
SIAM_INSPECTOR_NAME = "Somchai Jaidee"
# XQ-2040 (demo seed): W1 frame width 70.95-71.05 mm, G1 gap ≤ 0.10 mm, A1 anodising colour pass/fail.
FRAME = "XQ-2040 Aluminium frame"
BAD_NUMBER = "12,3x"
BAD_ROW = 4  # the file's row 4: the header is row 1, so sample 3


def _lot_number() -> str:
    return f"BT-{uuid.uuid4().hex[:6].upper()}"


def _flash(page: Page, text: str) -> Locator:
    """The flashed message (role "status") that contains `text`."""
    return page.get_by_role("status").filter(has_text=text)


def _create_lot(page: Page, site: str, number: str, inspector: str, lot_size: int = 50) -> None:
    """As a signed-in supplier user: Lots → New lot → fill in → Create lot (lands on the data page)."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Lots").click()
    page.get_by_role("link", name="New lot").click()
    expect(page.get_by_role("heading", name="New lot")).to_be_visible()
    today = TEST_TODAY  # the server checks the dates against its clock, which starts at TEST_START
    page.get_by_label("Part and site").select_option(label=f"{FRAME} · {site}")
    page.get_by_label("Lot number").fill(number)
    page.get_by_label("Lot size (pieces)").fill(str(lot_size))
    page.get_by_label("Production date").fill((today - timedelta(days=3)).isoformat())
    page.get_by_label("Inspection date").fill((today - timedelta(days=1)).isoformat())
    page.get_by_label("Inspector").select_option(label=inspector)
    page.get_by_role("button", name="Create lot").click()
    expect(_flash(page, f"Lot {number} created.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Inspection data of lot {number}")


def _grid_codes(page: Page) -> list[str]:
    """The characteristic codes of the grid's columns, in order (the first line of each heading)."""
    headings = page.locator("table.data-grid thead th").filter(has_not_text="Sample")
    return [heading.locator("span").first.inner_text().strip() for heading in headings.all()]


def _sample_size(page: Page) -> int:
    """The lot's sample size, as the plan's caption states it; the grid has one row per sample."""
    caption = page.locator("caption").filter(has_text="Sample size").first.inner_text()
    match = re.search(r"Sample size (\d+) of", caption)
    assert match, f"no sample size in the plan caption: {caption!r}"
    n = int(match.group(1))
    expect(page.locator("table.data-grid tbody tr")).to_have_count(n)
    return n


def _grid_inputs(page: Page) -> Locator:
    return page.locator("table.data-grid tbody input")


def _measurements(codes: list[str], n: int) -> dict[str, list[str]]:
    """In-spec values for every sample: W1 about 71.00 mm, G1 about 0.06 mm, A1 passed."""
    rng = random.Random(2040)
    values: dict[str, list[str]] = {}
    for code in codes:
        if code == "W1":
            values[code] = [f"{min(71.04, max(70.96, rng.gauss(71.0, 0.012))):.3f}" for _ in range(n)]
        elif code == "G1":
            values[code] = [f"{min(0.09, max(0.03, rng.gauss(0.06, 0.008))):.3f}" for _ in range(n)]
        else:
            values[code] = ["pass"] * n
    return values


def _csv(codes: list[str], values: dict[str, list[str]], n: int) -> bytes:
    """The template layout: `sample,<codes>`, one row per sample (a cell with a comma is quoted)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["sample", *codes])
    for sample in range(1, n + 1):
        writer.writerow([str(sample), *(values[code][sample - 1] for code in codes)])
    return out.getvalue().encode()


EXPECTED_CONSOLE_ERRORS = re.compile(
    r"Failed to load resource: the server responded with a status of "
    r"(422 .*/lots/\d+/(data|import)\)"  # a refused form is answered 422, by design
    r"|404 .*/favicon\.ico\))"  # Kensa has no favicon; Chromium asks for one now and then
)


def _unexpected(console_errors: list[str]) -> list[str]:
    """Console errors (CSP violations, script errors) less the expected ones above."""
    return [error for error in console_errors if not EXPECTED_CONSOLE_ERRORS.fullmatch(error)]


def _upload(page: Page, name: str, content: bytes) -> None:
    payload: FilePayload = {"name": name, "mimeType": "text/csv", "buffer": content}
    page.get_by_label("Data file (CSV or Excel .xlsx)").set_input_files(files=[payload])
    page.get_by_role("button", name="Upload", exact=True).click()


def test_inspector_uploads_a_lot_file_fixes_it_and_submits(page: Page, console_errors: list[str]) -> None:
    number = _lot_number()
    sign_in(page, HPA_INSPECTOR)
    _create_lot(page, "Hai Phong", number, HPA_INSPECTOR_NAME)
    codes = _grid_codes(page)
    assert codes == ["W1", "G1", "A1"]
    n = _sample_size(page)
    assert n >= BAD_ROW
    screenshot(page, "lot-data-empty")

    # A file with one wrong cell: nothing is imported, the error names the row and the column.
    values = _measurements(codes, n)
    good = _csv(codes, values, n)
    wrong = {code: list(column) for code, column in values.items()}
    wrong["W1"][BAD_ROW - 2] = BAD_NUMBER
    _upload(page, f"{number}-wrong.csv", _csv(codes, wrong, n))
    expect(_flash(page, "Nothing was saved: 1 problem was found.")).to_be_visible()
    errors = page.get_by_role("alert").filter(has_text="The file was not imported.")
    expect(errors).to_be_visible()
    column = f"column {chr(ord('B') + codes.index('W1'))} (W1)"  # B: the first column is `sample`
    expect(errors.locator("tbody tr")).to_have_count(1)
    expect(errors.locator("tbody tr")).to_contain_text(f"Row {BAD_ROW} (sample {BAD_ROW - 1}), {column}")
    expect(errors.locator("tbody tr")).to_contain_text(f"“{BAD_NUMBER}” is not a number.")
    grid = _grid_inputs(page)
    expect(grid).to_have_count(n * len(codes))
    assert all(value == "" for value in grid.evaluate_all("inputs => inputs.map(i => i.value)")), (
        "a rejected file must import nothing"
    )
    screenshot(page, "lot-upload-errors")

    # The corrected file: every value lands in the grid.
    _upload(page, f"{number}.csv", good)
    expect(
        _flash(page, f"{n * len(codes)} values imported into the draft. Check them and submit.")
    ).to_be_visible()
    expect(page.get_by_role("alert").filter(has_text="The file was not imported.")).to_have_count(0)
    for sample in (1, BAD_ROW - 1, n):
        for code in ("W1", "G1"):
            shown = page.get_by_label(f"Sample {sample}, {code}", exact=True).input_value()
            assert Decimal(shown) == Decimal(values[code][sample - 1]), (sample, code, shown)
        expect(page.get_by_label(f"Sample {sample}, A1", exact=True)).to_have_value("pass")
    expect(page.locator("table.data-grid input.out-of-spec")).to_have_count(0)
    screenshot(page, "lot-data-imported")

    # Submit, and read the evaluation on the lot page.
    page.get_by_role("button", name="Save and submit").click()
    expect(_flash(page, f"Lot {number} submitted (submission 1).")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Lot {number}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Submitted")
    expect(page.get_by_role("heading", name=re.compile(r"^Evaluation"))).to_contain_text("submission 1 of 1")
    main = page.locator("main")
    expect(main.locator("p").filter(has_text="Recommendation:")).to_contain_text("Accept")

    classes = main.locator("table").filter(has_text="Nonconforming samples")
    expect(classes.locator("thead")).to_contain_text("Ac")
    expect(classes.locator("thead")).to_contain_text("Re")
    for defect_class in ("Major", "Minor"):  # the class labels
        row = classes.locator("tbody tr").filter(has=page.get_by_role("cell", name=defect_class, exact=True))
        expect(row.locator("td").nth(1)).to_have_text("0")  # nonconforming samples
        expect(row.locator("td").nth(4)).to_have_text("accept")

    per_characteristic = main.locator("table").filter(has_text="Per characteristic")
    headers = per_characteristic.locator("thead th")
    expect(headers.filter(has_text=re.compile(r"^Cp$"))).to_have_count(1)
    expect(headers.filter(has_text=re.compile(r"^Cpk$"))).to_have_count(1)
    width = per_characteristic.locator("tbody tr").filter(has_text="Frame width")
    expect(width.locator("td").nth(1)).to_have_text(str(n))
    expect(width.locator("td").nth(6)).to_have_text("0.0 %")  # out of spec
    for cell in (width.locator("td").nth(7), width.locator("td").nth(8)):  # Cp, Cpk: numbers
        expect(cell).to_have_text(re.compile(r"^\d+\.\d\d$"))
    colour = per_characteristic.locator("tbody tr").filter(has_text="Anodising colour")
    expect(colour).to_contain_text("pass / fail check")
    expect(colour).to_contain_text("0 failed")
    expect(main.get_by_role("link", name="Enter or upload data")).to_have_count(0)
    # The uploaded file is kept with the lot, and the submission says where its data came from.
    expect(main.get_by_role("link", name=f"{number}.csv", exact=True)).to_be_visible()
    expect(main.get_by_text(f"uploaded from {number}.csv")).to_be_visible()
    screenshot(page, "lot-evaluated")
    assert _unexpected(console_errors) == []


def test_grid_marks_out_of_spec_values_and_keeps_a_rejected_draft(
    page: Page, console_errors: list[str]
) -> None:
    number = _lot_number()
    sign_in(page, SIAM_INSPECTOR)
    _create_lot(page, "Chonburi", number, SIAM_INSPECTOR_NAME, lot_size=20)
    width = page.get_by_label("Sample 1, W1", exact=True)
    gap = page.get_by_label("Sample 2, G1", exact=True)
    colour = page.get_by_label("Sample 1, A1", exact=True)

    # lot-grid.js marks a value outside 70.95-71.05 as it is typed; a value on a limit is in spec.
    width.press_sequentially("71.2")
    expect(width).to_have_class(re.compile(r"\bout-of-spec\b"))
    width.fill("")
    width.press_sequentially("71,05")
    expect(width).not_to_have_class(re.compile(r"\bout-of-spec\b"))
    width.fill("")
    width.press_sequentially("70,9")  # a decimal comma is read too
    expect(width).to_have_class(re.compile(r"\bout-of-spec\b"))
    gap.press_sequentially("0.04x")  # not a number: the server tells, the script does not mark it
    expect(gap).not_to_have_class(re.compile(r"\bout-of-spec\b"))
    colour.fill("pass")
    screenshot(page, "lot-grid-out-of-spec")

    # Saving the draft refuses the bad cell, says why next to it and keeps everything typed.
    page.get_by_role("button", name="Save draft").click()
    expect(_flash(page, "Nothing was saved: 1 problem was found.")).to_be_visible()
    expect(gap).to_have_value("0.04x")
    expect(gap).to_have_attribute("aria-invalid", "true")
    expect(gap).to_have_class(re.compile(r"\bis-invalid\b"))
    feedback = gap.locator("xpath=following-sibling::div[contains(@class, 'invalid-feedback')]")
    expect(feedback).to_be_visible()
    expect(feedback).to_have_text("“0.04x” is not a number. Type digits only, for example 12.05.")
    expect(page.locator("table.data-grid .invalid-feedback")).to_have_count(1)
    expect(width).to_have_value("70,9")
    expect(width).to_have_class(re.compile(r"\bout-of-spec\b"))  # marked by the server this time
    expect(colour).to_have_value("pass")
    screenshot(page, "lot-grid-rejected-draft")

    # Corrected, the draft is saved (an out-of-spec value is data, not an error) and shown again.
    gap.fill("0.04")
    page.get_by_role("button", name="Save draft").click()
    expect(_flash(page, "Draft saved.")).to_be_visible()
    expect(page.locator("table.data-grid .invalid-feedback")).to_have_count(0)
    expect(width).to_have_value("70.9")
    expect(width).to_have_class(re.compile(r"\bout-of-spec\b"))
    expect(gap).to_have_value("0.04")
    expect(colour).to_have_value("pass")
    assert _unexpected(console_errors) == []
