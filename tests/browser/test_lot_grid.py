"""The data grid works as a spreadsheet and loses nothing the inspector typed (#14): Enter moves down and
Tab right, the arrows move between cells, a block pasted from Excel fills the cells from the focused one,
a value out of spec is marked in words, Enter never submits through "Add a finding" or "Remove", adding
or removing a finding keeps the typed values, and leaving with unsaved input asks first."""

from __future__ import annotations

import re

from playwright.sync_api import Browser, Dialog, Locator, Page, expect

from tests.browser.helpers import SHOTS_DIR, LiveServer, sign_in
from tests.browser.test_lots import (
    SIAM_INSPECTOR,
    SIAM_INSPECTOR_NAME,
    _create_lot,
    _flash,
    _lot_number,
    _unexpected,
)

SAMPLES = 20  # lot size 20 on XQ-2040: every piece is inspected
# Three samples as Excel copies them (tabs between cells, CRLF after each row): W1, G1, A1.
BLOCK = "71.01\t0.05\tpass\r\n71.02\t0.0x\tok\r\n70.90\t0.06\tfail\r\n"


def _draft_lot(page: Page) -> None:
    """A SIAM inspector's new draft lot of the demo's XQ-2040, on its data page."""
    sign_in(page, SIAM_INSPECTOR)
    _create_lot(page, "Chonburi", _lot_number(), SIAM_INSPECTOR_NAME, lot_size=SAMPLES)


def _cell(page: Page, sample: int, code: str) -> Locator:
    return page.get_by_label(f"Sample {sample}, {code}", exact=True)


def _paste(page: Page, text: str) -> None:
    """Paste `text` into the focused cell through the real clipboard (Ctrl+V), as from Excel."""
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.evaluate("text => navigator.clipboard.writeText(text)", text)
    page.keyboard.press("Control+V")


def _note(cell: Locator) -> Locator:
    """The words that mark a cell (out of spec, or not readable), found through aria-describedby."""
    return cell.page.locator(f"#{cell.get_attribute('aria-describedby')}")


def _grid_shot(page: Page, name: str) -> None:
    """The grid as the inspector sees it (the window scrolled to it), in /tmp/kensa-shots/."""
    page.set_viewport_size({"width": 1280, "height": 900})
    page.evaluate(
        "window.scrollBy(0, document.querySelector('table.data-grid').getBoundingClientRect().top - 140)"
    )
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS_DIR / f"{name}.png")


def _mark_document(page: Page) -> None:
    """A flag on this document: it is gone if the page was reloaded or left."""
    page.evaluate("window.kensaSameDocument = true")


def _same_document(page: Page) -> bool:
    return bool(page.evaluate("window.kensaSameDocument === true"))


def test_enter_moves_down_tab_right_and_the_arrows_between_cells(
    page: Page, console_errors: list[str]
) -> None:
    _draft_lot(page)
    _mark_document(page)
    _cell(page, 1, "W1").click()
    page.keyboard.type("71.00")
    page.keyboard.press("Enter")
    expect(_cell(page, 2, "W1")).to_be_focused()
    page.keyboard.press("Shift+Enter")
    expect(_cell(page, 1, "W1")).to_be_focused()
    page.keyboard.press("Tab")
    expect(_cell(page, 1, "G1")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(_cell(page, 2, "G1")).to_be_focused()
    page.keyboard.press("ArrowRight")
    expect(_cell(page, 2, "A1")).to_be_focused()
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    expect(_cell(page, 2, "W1")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(_cell(page, 1, "W1")).to_be_focused()
    # Inside a cell being edited, left and right move the caret, not the focus.
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    expect(_cell(page, 1, "W1")).to_be_focused()
    # Enter in the last row stays there; nothing was submitted.
    _cell(page, SAMPLES, "A1").click()
    page.keyboard.press("Enter")
    expect(_cell(page, SAMPLES, "A1")).to_be_focused()
    assert _same_document(page)
    expect(_cell(page, 1, "W1")).to_have_value("71.00")
    assert _unexpected(console_errors) == []


def test_enter_never_removes_a_finding_and_saves_from_a_finding_field(page: Page) -> None:
    _draft_lot(page)
    page.get_by_role("button", name="Add a finding").click()
    expect(page.get_by_label("Defect code of finding 1")).to_be_focused()
    page.get_by_label("Defect code of finding 1").select_option("SCR")
    page.get_by_label("Sample of finding 1").fill("3")
    _mark_document(page)
    _cell(page, 1, "G1").fill("0.05")
    _cell(page, 1, "G1").press("Enter")  # "Remove" is now the form's first visible button
    expect(_cell(page, 2, "G1")).to_be_focused()
    assert _same_document(page)
    expect(page.get_by_label("Defect code of finding 1")).to_have_value("SCR")
    # Enter in a finding's field submits through the form's default button: it saves the draft.
    page.get_by_label("Count of finding 1").press("Enter")
    expect(_flash(page, "Draft saved.")).to_be_visible()
    expect(page.get_by_label("Defect code of finding 1")).to_have_value("SCR")
    expect(page.get_by_label("Sample of finding 1")).to_have_value("3")
    expect(_cell(page, 1, "G1")).to_have_value("0.05")


def test_a_pasted_block_fills_the_cells_from_the_focused_one_and_marks_what_cannot_be_read(
    page: Page, console_errors: list[str]
) -> None:
    _draft_lot(page)
    _cell(page, 2, "W1").click()
    _paste(page, BLOCK)
    rows = [["71.01", "0.05", "pass"], ["71.02", "0.0x", "ok"], ["70.90", "0.06", "fail"]]
    for sample, values in enumerate(rows, start=2):
        for code, value in zip(("W1", "G1", "A1"), values, strict=True):
            expect(_cell(page, sample, code)).to_have_value(value)
    expect(_cell(page, 1, "W1")).to_have_value("")
    expect(_cell(page, 5, "W1")).to_have_value("")
    unreadable = _cell(page, 3, "G1")
    expect(unreadable).to_have_attribute("aria-invalid", "true")
    expect(_note(unreadable)).to_have_text("“0.0x” is not a number. Type digits only, for example 12.05.")
    below = _cell(page, 4, "W1")
    expect(below).to_have_attribute("aria-invalid", "true")
    expect(_note(below)).to_have_text("Out of spec: below the LSL")
    expect(_cell(page, 2, "W1")).not_to_have_attribute("aria-invalid", "true")
    status = page.locator("#grid-status")
    expect(status).to_have_text("Values pasted: 9. Not readable, marked in the grid: 1.")

    # A block that runs past the last row and column: what fits is pasted, the rest is counted.
    _cell(page, SAMPLES, "G1").click()
    _paste(page, "0.05\tpass\tspare\n0.06\tfail\tspare")
    expect(_cell(page, SAMPLES, "G1")).to_have_value("0.05")
    expect(_cell(page, SAMPLES, "A1")).to_have_value("pass")
    expect(status).to_have_text("Values pasted: 2. Left out, outside the grid: 4.")

    # The server reads the pasted values as the grid shows them.
    unreadable.fill("0.04")
    page.get_by_role("button", name="Save draft").click()
    expect(_flash(page, "Draft saved.")).to_be_visible()
    expect(_cell(page, 3, "G1")).to_have_value("0.04")
    expect(_cell(page, 4, "A1")).to_have_value("fail")
    expect(_cell(page, 3, "A1")).to_have_value("pass")  # "ok" is read as a pass
    assert _unexpected(console_errors) == []


def test_a_value_out_of_spec_is_marked_in_words_and_aria_invalid(page: Page) -> None:
    _draft_lot(page)
    width = _cell(page, 1, "W1")
    width.press_sequentially("71.2")
    expect(width).to_have_attribute("aria-invalid", "true")
    expect(_note(width)).to_have_text("Out of spec: above the USL")
    width.fill("")
    width.press_sequentially("71.05")  # on the limit: in spec
    expect(width).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("table.data-grid .cell-note")).to_have_count(0)
    width.fill("70.94")
    page.get_by_role("button", name="Save draft").click()
    expect(_flash(page, "Draft saved.")).to_be_visible()
    # The server marks it the same way when it shows the stored draft.
    expect(width).to_have_attribute("aria-invalid", "true")
    expect(_note(width)).to_have_text("Out of spec: below the LSL")
    expect(width).to_have_class(re.compile(r"\bout-of-spec\b"))


def test_adding_and_removing_findings_keeps_the_typed_values_and_leaving_asks_first(page: Page) -> None:
    _draft_lot(page)
    _cell(page, 1, "W1").fill("71.01")
    _cell(page, 1, "G1").fill("0.04x")  # not readable: kept as typed all the same
    _cell(page, 1, "A1").fill("pass")
    page.get_by_role("button", name="Add a finding").click()
    page.get_by_label("Defect code of finding 1").select_option("SCR")
    page.get_by_label("Sample of finding 1").fill("2")
    page.get_by_role("button", name="Add a finding").click()
    expect(page.get_by_label("Defect code of finding 2")).to_be_focused()
    page.get_by_label("Defect code of finding 2").select_option("DNT")
    page.get_by_label("Sample of finding 2").fill("5")
    page.get_by_role("row").filter(has=page.get_by_label("Defect code of finding 1")).get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.get_by_label("Defect code of finding 2")).to_have_count(0)
    expect(page.get_by_label("Defect code of finding 1")).to_have_value("DNT")
    expect(page.get_by_label("Sample of finding 1")).to_have_value("5")
    expect(_cell(page, 1, "W1")).to_have_value("71.01")
    expect(_cell(page, 1, "G1")).to_have_value("0.04x")
    expect(_cell(page, 1, "A1")).to_have_value("pass")
    data_url = page.url

    # The page holds unsaved input: leaving asks first, and staying keeps everything.
    asked: list[str] = []

    def stay(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Back to the lot").click()
    expect(_cell(page, 1, "G1")).to_have_value("0.04x")
    assert asked == ["beforeunload"]
    assert page.url == data_url

    # Saved, the page leaves without asking.
    _cell(page, 1, "G1").fill("0.04")
    page.get_by_role("button", name="Save draft").click()
    expect(_flash(page, "Draft saved.")).to_be_visible()
    page.on("dialog", lambda dialog: asked.append(dialog.type))
    page.get_by_role("link", name="Back to the lot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lot ")
    assert asked == ["beforeunload"]


def test_typing_then_leaving_asks_first(page: Page) -> None:
    _draft_lot(page)
    _cell(page, 1, "W1").fill("71.00")
    asked: list[str] = []

    def leave(dialog: Dialog) -> None:
        asked.append(dialog.type)
        dialog.accept()

    page.once("dialog", leave)
    page.get_by_role("link", name="Back to the lot").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Lot ")
    assert asked == ["beforeunload"]


def test_without_the_script_enter_saves_the_draft_and_keeps_the_finding(
    browser: Browser, live_server: LiveServer
) -> None:
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    try:
        page = context.new_page()
        _draft_lot(page)
        page.get_by_role("button", name="Add a finding").click()
        page.get_by_label("Defect code of finding 1").select_option("SCR")
        page.get_by_label("Sample of finding 1").fill("3")
        _cell(page, 1, "W1").fill("71.2")
        _cell(page, 1, "W1").press("Enter")
        expect(_flash(page, "Draft saved.")).to_be_visible()
        expect(page.get_by_label("Defect code of finding 1")).to_have_value("SCR")
        expect(_cell(page, 1, "W1")).to_have_value("71.2")
        expect(_note(_cell(page, 1, "W1"))).to_have_text("Out of spec: above the USL")
    finally:
        context.close()


def test_grid_screenshot(page: Page) -> None:
    """The grid after typing, an out-of-spec value, a pasted block with a bad cell, and an arrow move."""
    _draft_lot(page)
    _cell(page, 1, "W1").fill("71.2")
    _cell(page, 1, "G1").fill("0.04")
    _cell(page, 1, "A1").fill("pass")
    _cell(page, 2, "W1").click()
    _paste(page, BLOCK)
    _cell(page, 2, "G1").click()
    page.keyboard.press("ArrowDown")
    expect(_cell(page, 3, "G1")).to_be_focused()
    _grid_shot(page, "grid-after")
