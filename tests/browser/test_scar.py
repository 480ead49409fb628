"""A reviewer rejects a lot and raises a SCAR from it; the supplier's manager answers D0-D3; the
reviewer returns D3 with a comment; the manager fixes and resubmits it; the reviewer accepts."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, sign_in

REVIEWER = "reviewer@brand.example"
SIAM_MANAGER = "manager@siam-precision.example"
PASSWORD = "quality-first-2026"
# The demo's sixth SIAM lot waits for review; this test rejects it.
LOT = "CH-2611-006"
COMMENT = "Include the 300 pieces in transit to the brand's warehouse, sorted or held."

ANSWERS: dict[str, dict[str, str]] = {
    "D0": {"f-symptom": "Burrs on the frame edge", "f-emergency_actions": "Lot held; 100 % visual check"},
    "D1": {
        "f-champion": "Malee Srisuk",
        "t-team-1-name": "Malee Srisuk",
        "t-team-1-role": "leader",
        "t-team-2-name": "Somchai Jaidee",
        "t-team-2-role": "member",
    },
    "D2": {
        "f-what": "Burrs above 0.1 mm on the frame edge (requirement: none)",
        "f-where": "Final inspection, Chonburi",
        "f-when": "Lot CH-2611-006",
        "f-how_many": "40",
        "t-is_is_not-1-aspect": "Machine",
        "t-is_is_not-1-is": "CNC 3",
        "t-is_is_not-1-is_not": "CNC 1, 2",
    },
    "D3": {
        "f-actions": "All stock at Chonburi sorted 100 %",
        "f-sorted_at_oem": "1000",
        "f-rejected_at_oem": "40",
        "f-in_transit": "0",
        "f-at_brand": "0",
        "f-clean_point": "CH-2611-009",
        "f-results": "No burrs found after sorting",
    },
}


def _flash(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("status").filter(has_text=text)


def _reject_and_raise(page: Page) -> str:
    """As the reviewer: claim the lot, reject it with a signature, raise a SCAR from it; its URL."""
    sign_in(page, REVIEWER)
    page.goto("/review")
    page.locator("table.queue-table").get_by_role("link", name=LOT).click()
    page.get_by_role("button", name="Claim this lot for review").click()
    decision = page.locator("form").filter(has=page.get_by_role("button", name="Sign and decide"))
    decision.get_by_label("Reject the lot").check()
    decision.get_by_label("Reason, or message to the supplier").fill(
        "Burrs on the frame edge, 40 of 200 samples"
    )
    # The burrs are findings the sample plan did not see: the evaluation recommends acceptance.
    decision.get_by_label("I reject this lot against the evaluation's recommendation to accept it.").check()
    decision.get_by_label("Password (signature)").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and decide").click()
    expect(_flash(page, f"Lot {LOT} rejected")).to_be_visible()
    page.get_by_role("link", name="Raise a SCAR").click()
    expect(page.get_by_role("heading", name="Raise a SCAR")).to_be_visible()
    page.check("input[name=severity][value=major]")
    page.get_by_role("button", name="Issue the SCAR").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("SCAR-")
    expect(page.locator("body")).to_contain_text(LOT)
    return page.url


def _answer(page: Page, scar_url: str, code: str, values: dict[str, str]) -> None:
    page.goto(f"{scar_url}/steps/{code}")
    for name, value in values.items():
        page.fill(f"[name='{name}']", value)
    page.fill("[name=password]", PASSWORD)
    page.get_by_role("button", name="Sign and submit").click()
    expect(_flash(page, code).first).to_be_visible()


def _decide(page: Page, scar_url: str, code: str, accept: bool, comment: str = "") -> None:
    page.goto(f"{scar_url}/steps/{code}")
    page.check(f"input[name=decision][value={'accept' if accept else 'return'}]")
    if comment:
        page.fill("[name=comment]", comment)
    page.get_by_role("button", name="Record the decision").click()
    expect(_flash(page, code).first).to_be_visible()


def test_a_scar_from_a_rejected_lot_is_answered_returned_fixed_and_accepted(new_page) -> None:
    reviewer = new_page()
    scar_url = _reject_and_raise(reviewer)
    scar_url = re.sub(r"\?.*$", "", scar_url)

    manager = new_page()
    sign_in(manager, SIAM_MANAGER)
    for code, values in ANSWERS.items():
        _answer(manager, scar_url, code, values)

    for code in ("D0", "D1", "D2"):
        _decide(reviewer, scar_url, code, accept=True)
    _decide(reviewer, scar_url, "D3", accept=False, comment=COMMENT)

    manager.goto(f"{scar_url}/steps/D3")
    expect(manager.locator("body")).to_contain_text(COMMENT)
    expect(manager.locator("[name='f-results']")).to_have_value("No burrs found after sorting")
    _answer(manager, scar_url, "D3", {"f-in_transit": "300", "f-results": "300 in transit held at the hub"})

    _decide(reviewer, scar_url, "D3", accept=True)
    reviewer.goto(scar_url)
    steps = reviewer.locator("table").filter(has_text="D3").first
    expect(steps).to_contain_text("Accepted")
    timeline = reviewer.locator("body")
    expect(timeline).to_contain_text(COMMENT)  # the returned submission stays in the timeline
    screenshot(reviewer, "scar-d3-accepted")
