"""A reviewer works the queue: claims the drifting SIAM lot, reads its control chart, signs a rejection
(a wrong password first); the supplier's inspector is told and reads the decision and its reason."""

from __future__ import annotations

import re

from playwright.sync_api import ConsoleMessage, Page, expect

from tests.browser.helpers import latest_email, screenshot, sign_in

REVIEWER = "reviewer@brand.example"
REVIEWER_NAME = "Aiko Tanaka"
SIAM_INSPECTOR = "inspector@siam-precision.example"
# The demo's seventh SIAM lot drifts towards a limit: the evaluation recommends rejection.
DRIFTING_LOT = "CH-2611-007"
REASON = "W1 drifts above the upper limit on most samples; contain the lot and check the fixture."


EXPECTED_CONSOLE_ERRORS = re.compile(
    r"Failed to load resource: the server responded with a status of "
    r"(422 .*/lots/\d+/decision\)"  # the refused signature is answered 422, by design
    r"|404 .*/favicon\.ico\))"  # Kensa has no favicon; Chromium asks for one now and then
)


def _watch(page: Page, errors: list[str]) -> Page:
    """Collect unexpected console errors (CSP violations among them) and uncaught exceptions of `page`."""

    def on_console(message: ConsoleMessage) -> None:
        text = f"{message.text} ({message.location.get('url', '')})"
        if message.type == "error" and not EXPECTED_CONSOLE_ERRORS.fullmatch(text):
            errors.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    return page


def test_a_reviewer_rejects_a_lot_with_a_signature_and_the_supplier_reads_why(new_page, live_server):
    errors: list[str] = []
    reviewer = _watch(new_page(), errors)
    sign_in(reviewer, REVIEWER)
    reviewer.get_by_role("navigation", name="Main").get_by_role("link", name="Review", exact=True).click()
    expect(reviewer.get_by_role("heading", name="Review queue")).to_be_visible()
    row = reviewer.locator("table.queue-table tbody tr").filter(has_text=DRIFTING_LOT)
    expect(row).to_contain_text("Reject")
    row.get_by_role("link", name=DRIFTING_LOT).click()

    reviewer.get_by_role("button", name="Claim this lot for review").click()
    expect(
        reviewer.get_by_role("status").filter(has_text=f"You are reviewing lot {DRIFTING_LOT}")
    ).to_be_visible()

    # The control chart of the frame width over SIAM's recent lots marks this lot's break of rule 1.
    chart = reviewer.locator("figure.control-chart").filter(has_text="W1").first
    expect(chart.locator("svg").first).to_be_visible()
    expect(chart.locator(".chart-violation").first).to_be_attached()
    expect(chart).to_contain_text(f"Lot {DRIFTING_LOT} breaks Nelson rule 1")

    decision = reviewer.locator("form").filter(has=reviewer.get_by_role("button", name="Sign and decide"))
    decision.get_by_label("Reject the lot").check()
    decision.get_by_label("Reason, or message to the supplier").fill(REASON)
    decision.get_by_label("Password (signature)").fill("not-my-password")
    decision.get_by_role("button", name="Sign and decide").click()
    expect(reviewer.get_by_text("The password is not correct")).to_be_visible()
    # Nothing signed, and the typed reason is still there.
    expect(decision.get_by_label("Reason, or message to the supplier")).to_have_value(REASON)
    expect(decision.get_by_label("Reject the lot")).to_be_checked()

    decision.get_by_label("Password (signature)").fill("quality-first-2026")
    decision.get_by_role("button", name="Sign and decide").click()
    expect(reviewer.get_by_role("status").filter(has_text=f"Lot {DRIFTING_LOT} rejected")).to_be_visible()
    expect(reviewer.locator("table.signatures")).to_contain_text(REVIEWER_NAME)
    expect(reviewer.locator("table.signatures")).to_contain_text("Rejected")
    screenshot(reviewer, "review-rejected")

    inspector = _watch(new_page(), errors)
    sign_in(inspector, SIAM_INSPECTOR)
    unread = inspector.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("Notifications")
    )
    expect(unread).to_contain_text(re.compile(r"\d"))
    unread.click()
    note = inspector.locator("li, tr").filter(has_text=DRIFTING_LOT).filter(has_text="rejected").first
    expect(note).to_be_visible()
    note.get_by_role("button", name="View").click()
    expect(inspector.get_by_role("heading", level=1)).to_contain_text(DRIFTING_LOT)
    banner = inspector.locator(".decision-banner")
    expect(banner).to_contain_text("Rejected")
    expect(banner).to_contain_text(REASON)
    expect(banner).to_contain_text(REVIEWER_NAME)
    assert REASON in latest_email(live_server, SIAM_INSPECTOR)
    screenshot(inspector, "review-supplier-sees-rejection")
    assert errors == []
