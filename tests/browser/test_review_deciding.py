"""The review page is built for deciding (#14): the evidence comes before the decision panel, which
stays in reach beside it on a wide screen; a rejection against an "Accept" recommendation must be
acknowledged, next to the checkbox, and the signature says it was."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.helpers import screenshot, sign_in

REVIEWER = "reviewer@brand.example"
PASSWORD = "quality-first-2026"
# The demo's third WUXI lot waits for review and met its plan: the evaluation recommends acceptance.
LOT = "WX-2611-003"
REASON = "Luminance readings taken with an uncalibrated meter; the lot cannot be released on them."
ACKNOWLEDGE = "I reject this lot against the evaluation's recommendation to accept it."


def _top(page: Page, selector: str) -> float:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box["y"]


def _open_claimed(page: Page) -> None:
    sign_in(page, REVIEWER)
    page.goto("/review")
    page.locator("table.queue-table").get_by_role("link", name=LOT).click()
    page.get_by_role("button", name="Claim this lot for review").click()
    expect(page.get_by_role("status").filter(has_text=f"You are reviewing lot {LOT}")).to_be_visible()


def test_the_evidence_comes_first_and_a_decision_against_the_recommendation_is_acknowledged(new_page):
    page = new_page()
    page.set_viewport_size({"width": 1366, "height": 900})
    _open_claimed(page)
    evidence = page.locator(".review-evidence")
    panel = page.locator("aside .review-side")
    # Evidence first: the evaluation, the samples and the charts precede the panel in the page, and on
    # a wide screen the panel stands beside them, with the evaluation in the first screenful.
    order = page.evaluate(
        "() => document.querySelector('.review-evidence')"
        ".compareDocumentPosition(document.querySelector('.review-side'))"
    )
    assert order & 4, "the decision panel must follow the evidence"  # DOCUMENT_POSITION_FOLLOWING
    expect(evidence.get_by_role("heading", name="Evaluation")).to_be_in_viewport()
    expect(evidence.get_by_role("heading", name="Nonconforming samples")).to_be_in_viewport()
    evidence_box, panel_box = evidence.bounding_box(), panel.bounding_box()
    assert evidence_box and panel_box and panel_box["x"] > evidence_box["x"] + evidence_box["width"] - 1
    expect(panel).to_contain_text(
        "This lot counts as accepted for the switching rules of the major class, because its sample "
        "met the plan"
    )
    screenshot(page, "review-after")
    # Scrolled down to the charts (their heading at the top of the window), the decision is in reach.
    charts = page.get_by_role("heading", name="Control charts")
    charts.evaluate("h => h.scrollIntoView({block: 'start'})")
    expect(charts).to_be_in_viewport()
    expect(panel.get_by_role("heading", name="Review", exact=True)).to_be_in_viewport()

    decision = page.locator("form").filter(has=page.get_by_role("button", name="Sign and decide"))
    decision.get_by_label("Reject the lot").check()
    decision.get_by_label("Reason, or message to the supplier").fill(REASON)
    decision.get_by_label("Password (signature)").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and decide").click()
    # Refused, with the message next to the checkbox; what was typed is kept.
    checkbox = decision.get_by_label(ACKNOWLEDGE)
    expect(checkbox).to_have_attribute("aria-invalid", "true")
    expect(checkbox).to_be_focused()  # brought into view, even inside the panel's own scrolling
    expect(checkbox).to_be_in_viewport()
    expect(page.locator("#acknowledge-error")).to_contain_text(
        "The evaluation recommends accepting this lot. To reject it, tick the box"
    )
    expect(decision.get_by_label("Reason, or message to the supplier")).to_have_value(REASON)
    expect(decision.get_by_label("Reject the lot")).to_be_checked()
    screenshot(page, "review-after-unacknowledged")

    checkbox.check()
    decision.get_by_label("Password (signature)").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and decide").click()
    expect(page.get_by_role("status").filter(has_text=f"Lot {LOT} rejected")).to_be_visible()
    expect(page.locator("table.signatures")).to_contain_text(
        "Against the evaluation's recommendation (acknowledged)"
    )


def test_on_a_phone_the_decision_panel_follows_the_evidence(new_page):
    page = new_page()
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, REVIEWER)
    # By its number (the header search opens an exact match): test_review.py may have decided it already.
    page.goto("/search?q=CH-2611-007")
    assert _top(page, ".review-evidence h2") < _top(page, "#review-heading")
    assert _top(page, "figure.control-chart") < _top(page, "#review-heading")
    page.get_by_role("link", name="Go to the review and decision").click()
    expect(page.locator("#review-heading")).to_be_in_viewport()
    screenshot(page, "review-after-phone")
