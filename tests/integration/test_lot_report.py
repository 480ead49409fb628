"""The lot inspection report (PDF) and the PDF renderer's refusal to fetch anything but data: URLs."""

from __future__ import annotations

import dataclasses
import io
import logging
import re
from datetime import timedelta

import pytest
from markupsafe import Markup
from pypdf import PdfReader
from weasyprint.urls import URLFetcher

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.lots.models import Lot
from app.lots.plans import lot_plan_of
from app.pdf import DataOnlyFetcher, RefusedURLError, render_pdf
from app.reviews import services
from app.reviews.report import DeviationRow, lot_report
from app.reviews.services import Decision, DeviationInput
from tests import factories
from tests.conftest import login_as

REASON = "Bore diameter D1 drifts toward the upper limit."
# A transparent PNG of one pixel.
PIXEL = (
    "data:image/png;base64,"
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
REFUSED = ["file:///etc/passwd", "http://127.0.0.1:9/x.png", "https://example.com/x.css"]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _reject(world) -> tuple[int, str]:  # type: ignore[no-untyped-def]
    """Reject the world's lot in review; its id and the reviewer's name."""
    lot, reviewer = db.session.get(Lot, world.in_review_a), db.session.get(User, world.reviewer.id)
    services.decide(
        lot,
        reviewer,
        Decision.REJECT,
        reason=REASON,
        password=factories.PASSWORD,
        version=None,
        acknowledged=True,
    )
    db.session.commit()
    return lot.id, reviewer.name


def test_the_report_of_a_rejected_lot_holds_the_decision_and_the_plan(app, client, world):
    with app.app_context():
        lot_id, reviewer = _reject(world)
        plan = lot_plan_of(db.session.get(Lot, lot_id))
    login_as(client, world.quality_manager)
    response = client.get(f"/lots/{lot_id}/report.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="PA-100_A-0003_inspection_report.pdf"'
    )
    assert response.headers["Cache-Control"] == "private, no-store"
    text = _text(response.data)
    for expected in ("A-0003", "PA-100", reviewer, "Rejected", REASON, "Page 1 of"):
        assert expected in text, expected
    for cls, p in plan.plans.items():
        figures = rf"{p.code_letter}.*?\s{p.sample_size}\s+{p.accept}\s+{p.reject}"
        row = rf"{cls.capitalize()}\s+{re.escape(p.aql)}\s+{p.severity.capitalize()}\s+{figures}"
        assert re.search(row, text), row


def test_an_undecided_lot_has_no_report(client, world):
    login_as(client, world.reviewer)
    for lot_id in (world.submitted_a, world.in_review_a, world.lot_a):
        assert client.get(f"/lots/{lot_id}/report.pdf").status_code == 404


def test_a_supplier_gets_its_own_report_and_404_for_another_suppliers(client, world):
    login_as(client, world.inspector_a)
    assert client.get(f"/lots/{world.decided_a}/report.pdf").status_code == 200
    assert client.get(f"/lots/{world.decided_b}/report.pdf").status_code == 404


def test_charts_are_printed_for_the_brands_staff_only_as_on_the_page(client, world):
    login_as(client, world.reviewer)
    assert "Control charts" in _text(client.get(f"/lots/{world.decided_a}/report.pdf").data)
    login_as(client, world.manager_a)
    assert "Control charts" not in _text(client.get(f"/lots/{world.decided_a}/report.pdf").data)


def _plain(value: object) -> bool:
    if dataclasses.is_dataclass(value):
        return all(_plain(getattr(value, f.name)) for f in dataclasses.fields(value))
    if isinstance(value, tuple):
        return all(_plain(v) for v in value)
    return value is None or type(value) in (str, int, float, bool, Markup)


def test_the_report_is_plain_data_with_the_deviation(app, world):
    with app.app_context():
        lot = db.session.get(Lot, world.in_review_a)
        expires = utcnow().date() + timedelta(days=30)
        reviewer, manager = (db.session.get(User, p.id) for p in (world.reviewer, world.quality_manager))
        services.request_deviation(
            lot, reviewer, DeviationInput("Gap OK", 5, expires), password=factories.PASSWORD, version=None
        )
        services.sign_deviation(
            lot, manager, approve=True, comment="", password=factories.PASSWORD, version=None
        )
        report = lot_report(lot)
    assert _plain(report)
    assert report.decision == "Accepted on deviation" and len(report.signatures) == 2
    assert report.deviations == (DeviationRow(5, expires.isoformat(), "Approved", "Gap OK"),)


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The URLs that reach WeasyPrint's own fetcher (which would open them)."""
    urls: list[str] = []
    parent = URLFetcher.fetch

    def spy(self, url, headers=None):  # type: ignore[no-untyped-def]
        urls.append(url)
        return parent(self, url, headers)

    monkeypatch.setattr(URLFetcher, "fetch", spy)
    return urls


@pytest.mark.parametrize("url", REFUSED)
def test_the_fetcher_refuses_every_url_but_data(url):
    with pytest.raises(RefusedURLError):
        DataOnlyFetcher().fetch(url)


@pytest.mark.parametrize("url", REFUSED)
def test_render_pdf_refuses_files_and_hosts_and_still_renders(url, fetched, caplog):
    html = f'<link rel="stylesheet" href="{url}"><p>Still here</p><img src="{url}" alt="">'
    with caplog.at_level(logging.WARNING, logger="app.pdf"):
        pdf = render_pdf(html, stylesheets=[f'@import url("{url}"); p {{ color: #333; }}'])
    assert fetched == []
    refused = [r for r in caplog.records if r.name == "app.pdf" and r.levelno == logging.WARNING]
    assert refused and all(url in r.getMessage() for r in refused)
    assert pdf.startswith(b"%PDF") and "Still here" in _text(pdf)


def test_a_relative_url_resolves_to_nothing(fetched, caplog):
    pdf = render_pdf('<p>Text</p><img src="../../etc/passwd" alt="">')
    assert fetched == [] and "Text" in _text(pdf)


def test_render_pdf_embeds_a_data_image(fetched, caplog):
    with caplog.at_level(logging.WARNING, logger="app.pdf"):
        pdf = render_pdf(f'<p>Pixel</p><img src="{PIXEL}" alt="" style="width: 1cm">')
    assert fetched == [PIXEL]
    assert not [r for r in caplog.records if r.name == "app.pdf"]
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1
