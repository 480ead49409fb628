"""A quality manager authors and releases a standard; an inspector uses the sampling calculator."""

from __future__ import annotations

import uuid

from playwright.sync_api import Page, expect

from tests.browser.helpers import follow_menu, screenshot, sign_in

QM = "qm@brand.example"
SIAM_INSPECTOR = "inspector@siam-precision.example"


def test_quality_manager_authors_and_releases_a_two_characteristic_standard(page: Page) -> None:
    number = f"BT-{uuid.uuid4().hex[:6].upper()}"
    sign_in(page, QM)
    follow_menu(page, "Quality", "Parts")
    page.get_by_role("link", name="New part").click()
    page.get_by_label("Part number").fill(number)
    page.get_by_label("Name").fill("Camera bezel")
    page.get_by_label("Product line").fill("Xperia 1 VII")
    page.get_by_label("Drawing revision").fill("A")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Start the standard").click()

    page.get_by_label("Code, row 1").fill("H1")
    page.get_by_label("Name, row 1").fill("Bezel height")
    page.get_by_label("Unit, row 1").fill("mm")
    page.get_by_label("Lower limit (LSL), row 1").fill("1.20")
    page.get_by_label("Upper limit (USL), row 1").fill("1.10")  # wrong on purpose
    page.get_by_role("button", name="Add a characteristic").click()
    page.get_by_label("Code, row 2").fill("C1")
    page.get_by_label("Name, row 2").fill("No chipped paint")
    page.get_by_label("Kind, row 2").select_option("attribute")
    page.get_by_label("Class, row 2").select_option("minor")
    page.get_by_label("Zone, row 2").select_option("A")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_text("The upper limit must be above the lower limit.")).to_be_visible()
    expect(page.get_by_label("Name, row 2")).to_have_value("No chipped paint")

    page.get_by_label("Upper limit (USL), row 1").fill("1.30")
    page.get_by_role("button", name="Save draft", exact=True).click()
    expect(page.get_by_text("Draft saved.")).to_be_visible()
    page.get_by_role("button", name="Release this revision").click()
    expect(page.get_by_text("Revision 1 is released and now in force.")).to_be_visible()
    expect(page.get_by_role("cell", name="Bezel height", exact=True)).to_be_visible()
    expect(page.get_by_role("cell", name="No chipped paint", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Edit draft")).to_have_count(0)
    screenshot(page, "released-standard")


def test_inspector_sees_the_sampling_plan_for_a_lot_size(page: Page) -> None:
    sign_in(page, SIAM_INSPECTOR)
    follow_menu(page, "Quality", "Sampling calculator")
    page.get_by_label("Lot size").fill("500")
    page.get_by_role("button", name="Show the plans").click()
    # Default AQLs: the critical class (0.065, arrow from H down to L) sets the lot's sample.
    expect(page.get_by_role("heading", name="Sample 200 units from the lot of 500")).to_be_visible()
    major = page.locator("tr.plan-row[data-class=major]")
    expect(major).to_contain_text("H → J")
    expect(major.locator("td").nth(4)).to_have_text("80")
    screenshot(page, "calculator")
