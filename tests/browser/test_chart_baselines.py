"""A quality manager freezes the control limits of a characteristic from the lot page, reads whose
they are and from which lots, then unfreezes them (#14)."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, sign_in

QM = "qm@brand.example"
QM_NAME = "Kenji Sato"
DRIFTING_LOT = "CH-2611-007"  # the demo's seventh SIAM lot, whose W1 chart flags it
EXPECTED_CONSOLE_ERRORS = re.compile(
    r"Failed to load resource: the server responded with a status of "
    r"(422 .*/lots/\d+/charts/\d+/freeze\)"  # the form without a reason is answered 422, by design
    r"|404 .*/favicon\.ico\))"  # Kensa has no favicon; Chromium asks for one now and then
)


def test_a_quality_manager_freezes_and_unfreezes_a_charts_limits(page: Page, console_errors: list[str]):
    sign_in(page, QM)
    page.goto("/review")
    page.locator("table.queue-table tbody tr").filter(has_text=DRIFTING_LOT).get_by_role(
        "link", name=DRIFTING_LOT
    ).click()
    chart = page.locator("figure.control-chart").filter(has_text="W1").first
    panel = chart.locator("xpath=following-sibling::details[1]")
    panel.locator("summary").click()
    expect(panel).to_contain_text("Later lots of this supplier and standard revision will be judged")
    panel.get_by_role("button", name="Freeze", exact=True).click()
    # No reason: said next to the field, nothing frozen.
    expect(panel.get_by_text("Give the reason for freezing these limits.")).to_be_visible()
    reason = panel.get_by_label("Why freeze these limits?")
    expect(reason).to_have_attribute("aria-invalid", "true")
    reason.fill("Capability study CS-12 closed")
    panel.get_by_role("button", name="Freeze", exact=True).click()

    expect(page.get_by_role("status").filter(has_text="Control limits frozen")).to_be_visible()
    chart = page.locator("figure.control-chart").filter(has_text="W1").first
    frozen_words = rf"limits frozen on \d{{4}}-\d\d-\d\d by {QM_NAME} from lots CH-"
    expect(chart).to_contain_text(re.compile(frozen_words))
    expect(page.get_by_text("Reason for freezing: Capability study CS-12 closed")).to_be_visible()
    chart.scroll_into_view_if_needed()
    screenshot(page, "chart-limits-frozen")

    panel = chart.locator("xpath=following-sibling::details[1]")
    panel.locator("summary").click()
    panel.get_by_label("Why unfreeze these limits?").fill("Frozen for the walk only")
    panel.get_by_role("button", name="Unfreeze", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Control limits unfrozen")).to_be_visible()
    expect(page.locator("figure.control-chart").filter(has_text="W1").first).not_to_contain_text("frozen")
    assert [e for e in console_errors if not EXPECTED_CONSOLE_ERRORS.fullmatch(e)] == []
