"""The daily walk on a phone (#14): SIAM's inspector types a new lot's data and submits it, the reviewer
accepts it with a signature, the quality manager publishes the running month early and SIAM's manager
downloads the card's PDF, each through the collapsed menu of a 390 by 844 px screen, no page wider than it."""

from __future__ import annotations

import re
import uuid
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.browser.helpers import follow_menu, screenshot, sign_in
from tests.clock import TEST_TODAY

PHONE = {"width": 390, "height": 844}
SIAM_INSPECTOR = "inspector@siam-precision.example"
SIAM_INSPECTOR_NAME = "Somchai Jaidee"
SIAM_MANAGER = "manager@siam-precision.example"
REVIEWER = "reviewer@brand.example"
QUALITY_MANAGER = "qm@brand.example"
PASSWORD = "quality-first-2026"  # the demo people's signature password
# XQ-2040 (demo seed): W1 frame width 70.95-71.05 mm, G1 gap ≤ 0.10 mm, A1 anodising colour pass/fail.
FRAME = "XQ-2040 Aluminium frame · Chonburi"
IN_SPEC = {"W1": "71.00", "G1": "0.06", "A1": "pass"}
EARLY_REASON = "Published from the line, on a phone, for the morning meeting."
WIDER_THAN_PHONE = """() => [...document.querySelectorAll('main *')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
    .slice(0, 5).map(e => `${e.tagName.toLowerCase()}.${e.className}`)"""
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip


def _phone(page: Page) -> Page:
    page.set_viewport_size(PHONE)
    return page


def _step(page: Page, n: int) -> None:
    """The page does not scroll sideways on the phone; a screenshot to look at."""
    page.wait_for_load_state("load")  # styled: before its style sheets arrive, a table is as wide as it likes
    width = page.evaluate("() => document.documentElement.scrollWidth")
    wide = page.evaluate(WIDER_THAN_PHONE) if width > PHONE["width"] else []
    assert width <= PHONE["width"], f"{page.url} is {width} px wide on a {PHONE['width']} px phone: {wide}"
    screenshot(page, f"phone-walk-{n}")


def _status(page: Page, text: str):  # type: ignore[no-untyped-def]
    return page.get_by_role("status").filter(has_text=text)


def test_the_daily_walk_on_a_phone(new_page, tmp_path) -> None:
    number = f"PW-{uuid.uuid4().hex[:6].upper()}"
    today = TEST_TODAY  # the server's clock starts at TEST_START
    period_key = f"{today:%Y-%m}"
    period_label = f"{MONTHS[today.month - 1]} {today.year}"

    # --- 1. SIAM's inspector creates a lot, types its data and submits it ------------------------
    inspector = _phone(new_page())
    sign_in(inspector, SIAM_INSPECTOR)
    expect(inspector).to_have_url(re.compile(r"/home$"))
    _step(inspector, 1)
    inspector.get_by_role("link", name="New lot").click()
    expect(inspector.get_by_role("heading", name="New lot")).to_be_visible()
    inspector.get_by_label("Part and site").select_option(label=FRAME)
    inspector.get_by_label("Lot number").fill(number)
    inspector.get_by_label("Lot size (pieces)").fill("20")
    inspector.get_by_label("Production date").fill((today - timedelta(days=3)).isoformat())
    inspector.get_by_label("Inspection date").fill((today - timedelta(days=1)).isoformat())
    inspector.get_by_label("Inspector").select_option(label=SIAM_INSPECTOR_NAME)
    _step(inspector, 2)
    inspector.get_by_role("button", name="Create lot").click()
    expect(_status(inspector, f"Lot {number} created.")).to_be_visible()
    rows = inspector.locator("table.data-grid tbody tr")
    n = rows.count()
    assert n > 0
    for sample in range(1, n + 1):
        for code, value in IN_SPEC.items():
            inspector.get_by_label(f"Sample {sample}, {code}", exact=True).fill(value)
    _step(inspector, 3)
    inspector.get_by_role("button", name="Save and submit").click()
    expect(_status(inspector, f"Lot {number} submitted (submission 1).")).to_be_visible()
    expect(inspector.locator("main p").filter(has_text="Recommendation:")).to_contain_text("Accept")
    _step(inspector, 4)

    # --- 2. the reviewer accepts it from the queue -------------------------------------------------
    reviewer = _phone(new_page())
    sign_in(reviewer, REVIEWER)
    follow_menu(reviewer, "Review")
    expect(reviewer.get_by_role("heading", name="Review queue")).to_be_visible()
    row = reviewer.locator("table.queue-table tbody tr").filter(has_text=number)
    expect(row).to_have_count(1)
    _step(reviewer, 5)
    row.get_by_role("link", name=number).click()
    reviewer.get_by_role("button", name="Claim this lot for review").click()
    expect(_status(reviewer, f"You are reviewing lot {number}")).to_be_visible()
    decision = reviewer.locator("form").filter(has=reviewer.get_by_role("button", name="Sign and decide"))
    decision.get_by_label("Accept the lot").check()
    decision.get_by_label("Password (signature)").fill(PASSWORD)
    decision.get_by_role("button", name="Sign and decide").scroll_into_view_if_needed()
    _step(reviewer, 6)
    decision.get_by_role("button", name="Sign and decide").click()
    expect(_status(reviewer, f"Lot {number} accepted")).to_be_visible()
    expect(reviewer.locator("table.signatures")).to_contain_text("lot accepted")
    _step(reviewer, 7)

    # --- 3. the quality manager publishes the running month early --------------------------------
    qm = _phone(new_page())
    sign_in(qm, QUALITY_MANAGER)
    follow_menu(qm, "Scorecards")
    expect(qm.get_by_role("heading", name="Supplier scorecards")).to_be_visible()
    _step(qm, 8)
    qm.get_by_role("link", name=period_label, exact=True).click()
    expect(qm.get_by_role("heading", level=1)).to_have_text(f"Supplier ranking, {period_label}")
    # The demo (and maybe test_scorecards.py) published the month already: it opens on the newest version.
    draft = qm.get_by_role("link", name="Open the draft (live)")
    if draft.count():
        draft.click()
        expect(qm.get_by_role("region", name="Draft (live)")).to_be_visible()
    publish_link = qm.get_by_role("link", name=re.compile(r"^Publish version \d+…$"))
    match = re.fullmatch(r"Publish version (\d+)…", publish_link.inner_text().strip())
    assert match, publish_link.inner_text()
    version = int(match.group(1))
    _step(qm, 9)
    publish_link.click()
    expect(qm.get_by_role("heading", level=1)).to_have_text(f"Publish {period_label} as version {version}?")
    qm.get_by_label("Publish early, before the period ends").check()
    qm.get_by_label("Reason for publishing early").fill(EARLY_REASON)
    _step(qm, 10)
    qm.get_by_role("button", name=f"Publish version {version}", exact=True).click()
    expect(_status(qm, f"{period_label} published as version {version}.")).to_be_visible()
    expect(qm.locator("main")).to_contain_text(f"Version {version}, published")
    expect(qm.locator("main")).to_contain_text(EARLY_REASON)
    _step(qm, 11)

    # --- 4. SIAM's manager downloads the published card ------------------------------------------
    manager = _phone(new_page())
    sign_in(manager, SIAM_MANAGER)
    follow_menu(manager, "Scorecards")
    expect(manager.get_by_role("heading", name="Our scorecards")).to_be_visible()
    card = manager.locator("tbody tr").filter(has=manager.get_by_role("link", name=period_label, exact=True))
    expect(card).to_contain_text(f"Version {version},")
    _step(manager, 12)
    card.get_by_role("link", name=period_label, exact=True).click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Scorecard of SIAM, {period_label}")
    expect(manager.locator("main")).to_contain_text(f"Published version {version},")
    _step(manager, 13)
    with manager.expect_download() as info:
        manager.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"SIAM-{period_key}-v{version}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
