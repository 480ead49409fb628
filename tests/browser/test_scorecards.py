"""A quality manager opens the current month on its published version, goes to the live draft,
publishes it early (confirmed, with a reason) and SIAM's inspector is told; SIAM's manager opens the
published card, follows a figure to the lots behind it, downloads the PDF (same SHA-256 as the page)
and cannot open WUXI's card."""

from __future__ import annotations

import io
import re

from playwright.sync_api import ConsoleMessage, Page, expect
from pypdf import PdfReader

from tests.browser.helpers import latest_email, screenshot, sign_in
from tests.clock import TEST_TODAY

QUALITY_MANAGER = "qm@brand.example"
SIAM_MANAGER = "manager@siam-precision.example"
SIAM_INSPECTOR = "inspector@siam-precision.example"
SIAM_PEOPLE = ("Somchai Jaidee", "Malee Srisuk")  # the inspector and the manager
NOTE = "November review: frozen for the supplier meeting."
EARLY_REASON = "The supplier meeting is on the 20th."
# The demo accepts all but the newest two submitted SIAM lots on seeding, so this one is decided this month.
DECIDED_LOT = "CH-2611-001"
MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)  # fmt: skip

EXPECTED_CONSOLE_ERRORS = re.compile(
    r"Failed to load resource: the server responded with a status of "
    r"(404 .*/scorecards/\d{4}-\d{2}/suppliers/\d+\)"  # SIAM's manager asks for WUXI's card, on purpose
    r"|422 .*/scorecards/\d{4}-\d{2}/publish\)"  # publishing a running month without a reason, on purpose
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


def _open_scorecards(page: Page) -> None:
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Scorecards", exact=True).click()


def _pdf_pages(data: bytes) -> list[str]:
    """The text of each page of the PDF, runs of white space made one space."""
    return [re.sub(r"\s+", " ", page.extract_text() or "") for page in PdfReader(io.BytesIO(data)).pages]


def test_a_quality_manager_publishes_and_the_supplier_downloads_the_same_card(
    new_page, live_server, tmp_path
) -> None:
    today = TEST_TODAY  # the server's clock starts at TEST_START
    period_key = f"{today:%Y-%m}"
    period_label = f"{MONTHS[today.month - 1]} {today.year}"
    errors: list[str] = []

    # --- the quality manager publishes the current month -----------------------------------------
    qm = _watch(new_page(), errors)
    sign_in(qm, QUALITY_MANAGER)
    _open_scorecards(qm)
    expect(qm.get_by_role("heading", name="Supplier scorecards")).to_be_visible()
    qm.get_by_role("link", name=period_label, exact=True).click()
    expect(qm.get_by_role("heading", level=1)).to_have_text(f"Supplier ranking, {period_label}")
    ranking = qm.locator("table.ranking tbody tr")
    for code in ("SIAM", "WUXI", "HPA"):
        expect(ranking.filter(has=qm.get_by_role("link", name=code, exact=True))).to_have_count(1)

    # The period was published once (by the demo): it opens on that version, the draft one click away.
    expect(qm.locator("main .badge").get_by_text("Published", exact=True)).to_be_visible()
    expect(qm.locator("main")).to_contain_text("Version 1, published")
    expect(qm.locator(".draft-banner")).to_have_count(0)
    screenshot(qm, "scorecards-ranking-published-default")
    qm.get_by_role("link", name="Open the draft (live)").click()
    expect(qm).to_have_url(re.compile(rf"/scorecards/{period_key}\?draft=1$"))
    banner = qm.get_by_role("region", name="Draft (live)")
    expect(banner).to_be_visible()
    expect(banner.get_by_role("link", name=re.compile(r"^See published version 1"))).to_be_visible()
    screenshot(qm, "scorecards-ranking-draft-live-banner")

    # Publishing asks first, and says who will be told.
    publish_link = qm.get_by_role("link", name=re.compile(r"^Publish version \d+…$"))
    match = re.fullmatch(r"Publish version (\d+)…", publish_link.inner_text().strip())
    assert match, publish_link.inner_text()
    version = int(match.group(1))
    assert version >= 2, "the demo publishes the current month once, as version 1"
    publish_link.click()
    expect(qm.get_by_role("heading", level=1)).to_have_text(f"Publish {period_label} as version {version}?")
    told = qm.locator("table.told tbody tr").filter(has_text="SIAM")
    expect(told).to_contain_text(SIAM_PEOPLE[0])
    expect(told).to_contain_text(SIAM_PEOPLE[1])
    expect(qm.locator("#told-summary")).to_have_text(re.compile(r"managers: \d+ · inspectors: \d+$"))
    qm.get_by_label("Note (optional)").fill(NOTE)
    publish = qm.get_by_role("button", name=f"Publish version {version}", exact=True)

    # The month is running: without "publish early" and a reason, nothing is published.
    publish.click()
    early = qm.get_by_label("Publish early, before the period ends")
    expect(early).to_have_attribute("aria-invalid", "true")
    expect(qm.locator("#early-error")).to_contain_text("has not ended")
    expect(qm.get_by_label("Note (optional)")).to_have_value(NOTE)
    early.check()
    publish.click()
    reason = qm.get_by_label("Reason for publishing early")
    expect(reason).to_have_attribute("aria-invalid", "true")
    expect(qm.locator("#early_reason-error")).to_contain_text("Give the reason")
    reason.fill(EARLY_REASON)
    screenshot(qm, "scorecards-publish-confirm")
    publish.click()

    expect(
        qm.get_by_role("status").filter(has_text=f"{period_label} published as version {version}.")
    ).to_be_visible()
    expect(qm).to_have_url(re.compile(rf"/scorecards/{period_key}\?version={version}$"))
    expect(qm.locator("main .badge").get_by_text("Published", exact=True)).to_be_visible()
    expect(qm.locator("main")).to_contain_text(f"Version {version}, published")
    expect(qm.locator("main")).to_contain_text(NOTE)
    expect(qm.locator("main")).to_contain_text(EARLY_REASON)
    # SIAM's inspector is told too, by e-mail (in Thai), with the link to the card.
    assert f"/scorecards/{period_key}/suppliers/" in latest_email(live_server, SIAM_INSPECTOR)
    siam_row = ranking.filter(has=qm.get_by_role("link", name="SIAM", exact=True))
    siam_grade = siam_row.locator(".grade-badge").inner_text().strip()
    assert siam_grade in {"A", "B", "C", "D"}, f"SIAM has decided lots this month, so a grade: {siam_grade!r}"
    wuxi_href = ranking.get_by_role("link", name="WUXI", exact=True).get_attribute("href") or ""
    wuxi = re.search(r"/suppliers/(\d+)", wuxi_href)
    assert wuxi, wuxi_href
    wuxi_id = int(wuxi.group(1))
    screenshot(qm, "scorecards-published")

    siam_row.get_by_role("link", name="SIAM", exact=True).click()
    expect(qm.get_by_role("heading", level=1)).to_have_text(f"Scorecard of SIAM, {period_label}")
    expect(qm.locator("main")).to_contain_text(f"Published version {version},")
    digest = qm.locator("code#digest").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", digest), digest
    # The card's live draft is one click away, under its banner, and its PDF is the draft's.
    qm.get_by_role("link", name="Open the draft (live)").click()
    expect(qm.get_by_role("region", name="Draft (live)")).to_be_visible()
    screenshot(qm, "scorecards-card-draft-live-banner")
    with qm.expect_download() as draft_pdf:
        qm.get_by_role("link", name="Download PDF").click()
    assert draft_pdf.value.suggested_filename == f"SIAM-{period_key}-draft.pdf"
    qm.goto(f"/scorecards/{period_key}")  # the new version is now the period's default view
    expect(qm.locator("main")).to_contain_text(f"Version {version}, published")

    # --- SIAM's manager opens the published card -------------------------------------------------
    manager = _watch(new_page(), errors)
    sign_in(manager, SIAM_MANAGER)
    _open_scorecards(manager)
    expect(manager.get_by_role("heading", name="Our scorecards")).to_be_visible()
    row = manager.locator("tbody tr").filter(has=manager.get_by_role("link", name=period_label, exact=True))
    expect(row).to_have_count(1)
    expect(row.locator("td").nth(1)).to_contain_text(f"Version {version},")
    expect(row.get_by_label(f"Grade {siam_grade}")).to_be_visible()
    screenshot(manager, "scorecards-supplier-index")
    row.get_by_role("link", name=period_label, exact=True).click()

    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Scorecard of SIAM, {period_label}")
    expect(manager.locator("main")).to_contain_text(f"Published version {version},")
    expect(manager.locator("code#digest")).to_have_text(digest)
    kpis = manager.locator("section[aria-labelledby=kpis-title] table")
    lar = kpis.locator("tbody tr").filter(has_text="Lot acceptance rate")
    expect(lar).to_have_count(1)
    screenshot(manager, "scorecards-supplier-card")
    card_url = manager.url

    lar.get_by_role("link").click()
    expect(manager.get_by_role("heading", level=1)).to_have_text(f"Lots decided: SIAM, {period_label}")
    expect(manager.get_by_role("link", name=DECIDED_LOT, exact=True)).to_be_visible()
    screenshot(manager, "scorecards-supplier-lots")
    manager.go_back()
    expect(manager).to_have_url(card_url)

    with manager.expect_download() as info:
        manager.get_by_role("link", name="Download PDF").click()
    download = info.value
    assert download.suggested_filename == f"SIAM-{period_key}-v{version}.pdf"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"%PDF")
    pages = _pdf_pages(data)
    assert "SIAM" in pages[0]
    # Every page's footer names the card and carries its SHA-256 whole, on one line.
    for number, text in enumerate(pages, start=1):
        assert f"SIAM · {period_label} · Version {version}" in text, text[-600:]
        assert f"SHA-256 of the numbers: {digest}" in text, text[-600:]
        assert f"Page {number} of {len(pages)}" in text, text[-600:]

    # --- and cannot reach WUXI's card ------------------------------------------------------------
    response = manager.goto(f"/scorecards/{period_key}/suppliers/{wuxi_id}")
    assert response is not None and response.status == 404
    expect(manager.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(manager.locator("main")).not_to_contain_text("WUXI")
    for path in ("card.pdf", "lots", "scars"):
        other = manager.request.get(f"/scorecards/{period_key}/suppliers/{wuxi_id}/{path}")
        assert other.status == 404, f"{path}: {other.status}"
    screenshot(manager, "scorecards-other-supplier-404")

    assert errors == []
