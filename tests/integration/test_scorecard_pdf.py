"""The scorecard PDF (app.scorecards.report), its charts, and `flask scorecards pdf`."""

from __future__ import annotations

import copy
import io
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from defusedxml.ElementTree import fromstring
from flask_babel import force_locale
from pypdf import PdfReader
from sqlalchemy import event
from weasyprint.urls import URLFetcher

from app.auth.models import User
from app.clock import utcnow
from app.extensions import db
from app.quality.scoring import Kpi
from app.scorecards import cards, charts, files, report, services, subscribers, texts
from app.scorecards.periods import Period
from app.suppliers.models import Supplier
from tests.conftest import login_as

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<img src="file:///etc/passwd"> & <script>alert(1)</script>'
GENERATED = datetime(2026, 11, 2, 8, 30, tzinfo=UTC)
A4 = (595.28, 841.89)  # points


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _month() -> Period:
    return Period.containing(utcnow().date())


def _draft(supplier_id: int) -> dict[str, Any]:
    return services.drafts(_month(), [supplier_id])[supplier_id]


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


def test_the_pdf_prints_the_cards_figures_on_a4(app, world):
    with app.app_context():
        card = _draft(world.supplier_a)
        digest = cards.digest(card)
        lar = next(row for row in card["kpis"] if row["kpi"] == Kpi.LAR.value)
        assert card["score"] is not None and lar["value"] is not None  # the world decided a lot this month
        pdf = report.render(card, digest, None, GENERATED)
        expected = [
            "ALPHA",
            card["supplier"]["name"],
            texts.period_label(_month()),
            f"{card['score']:.1f}",
            card["grade"],
            texts.kpi_value(Kpi.LAR, lar["value"]),
            str(texts.KPI_LABELS[Kpi.LAR]),
            digest,
            "Draft — not published",
            "2026-11-02 08:30 UTC",
            "Page 1 of",
        ]
    text = _text(pdf)
    for figure in expected:
        assert figure in text, figure
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert re.search(rf"Page {len(pages)} of {len(pages)}", text)
    for page in pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(A4, abs=0.5)
        assert digest in page.extract_text()  # the footer of every page


def test_a_published_card_prints_its_version(app, world):
    with app.app_context():
        card = _draft(world.supplier_a) | {"version": 4}
        text = _text(report.render(card, cards.digest(card), 4, GENERATED))
    assert "Version 4" in text and "Draft" not in text


def test_the_pdf_is_printed_from_the_numbers_alone(app, world):
    with app.app_context():
        card = _draft(world.supplier_a)
        statements: list[str] = []

        def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            report.render(card, cards.digest(card), None, GENERATED)
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
    assert statements == []


def _hostile_card(card: dict[str, Any]) -> dict[str, Any]:
    """Typed words everywhere the card prints them: lots, SCARs, defect codes and descriptions."""
    card = copy.deepcopy(card)
    card["rejected_lots"] = [
        {"id": 1, "lot_number": HOSTILE, "part_number": "PA-100", "lot_size": 500, "decided_on": "2026-11-02"}
    ]
    card["open_scars"] = [
        {"id": 1, "number": "SCAR-1", "title": HOSTILE, "severity": "major", "issued_on": "2026-11-01"}
        | {"overdue": True}
    ]
    card["pareto"] = [
        {"code": HOSTILE, "description": HOSTILE, "count": 3, "lots": 1, "cumulative": 100.0},
    ]
    return card


def test_typed_html_is_printed_as_text_and_nothing_is_fetched(app, world, fetched):
    with app.app_context():
        supplier = db.session.get(Supplier, world.supplier_a)
        supplier.legal_name = HOSTILE
        db.session.flush()
        card = _hostile_card(_draft(world.supplier_a))
        assert card["supplier"]["name"] == HOSTILE
        html = report.report_html(card, cards.digest(card), None, GENERATED)
        pdf = report.render(card, cards.digest(card), None, GENERATED)
    assert "<img" not in html and "<script" not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert fetched == []
    text = _text(pdf)
    assert text.count('<img src="file:///etc/passwd">') >= 4  # name, lot, SCAR title, defect


# --- The charts ----------------------------------------------------------------------------------


def _trend(*scores: float | None) -> list[dict[str, Any]]:
    months = Period(2026, "month", 10).recent(len(scores))
    return [
        {"period": m.key, "score": s, "grade": None if s is None else "B", "lar": None, "ppm": None}
        | {"lots_decided": 0 if s is None else 10}
        for m, s in zip(months, scores, strict=True)
    ]


def test_the_trend_chart_draws_a_point_per_score_and_labels_the_gaps(app):
    with app.test_request_context():
        root = fromstring(str(charts.trend_chart({"trend": _trend(81.0, None, 95.5, 88.2, 72.0, 91.0)})))
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    points = [c for c in root.iter(f"{SVG}circle") if c.get("class") == "chart-point"]
    assert len(points) == 5
    ys = [float(c.get("cy")) for c in points]
    assert ys[1] < ys[2] < ys[0] < ys[3]  # 95.5 highest, then 88.2, 81.0, 72.0
    texts_ = [t.text for t in root.iter(f"{SVG}text")]
    assert texts_.count("no data") == 1
    assert [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-x-label"] == [
        "2026-05",
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
    ]
    for grade_floor in ("70", "80", "90"):
        assert grade_floor in texts_
    runs = [p.get("points").split() for p in root.iter(f"{SVG}polyline")]
    assert [len(run) for run in runs] == [4]  # the gap breaks the line; 81.0 alone draws no segment
    assert not list(root.iter(f"{SVG}script"))


def test_the_pareto_chart_has_a_bar_per_code_and_the_cumulative_line(app):
    pareto = [
        {"code": "SCR", "description": "Scratch", "count": 12, "lots": 4, "cumulative": 60.0},
        {"code": "DIM", "description": "Dimension", "count": 6, "lots": 3, "cumulative": 90.0},
        {"code": "", "description": "", "count": 2, "lots": None, "cumulative": 100.0},
    ]
    with app.test_request_context():
        root = fromstring(str(charts.pareto_chart({"pareto": pareto})))
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("class") == "chart-bar"]
    assert [float(b.get("height")) for b in bars] == sorted(
        (float(b.get("height")) for b in bars), reverse=True
    )
    assert float(bars[0].get("height")) == pytest.approx(2 * float(bars[1].get("height")), rel=1e-3)
    labels = [t.text for t in root.iter(f"{SVG}text") if t.get("class") == "chart-x-label"]
    assert labels == ["SCR", "DIM", "Other"]
    line = next(p for p in root.iter(f"{SVG}polyline") if p.get("class") == "chart-cumulative-line")
    assert len(line.get("points").split()) == 3
    assert "100 %" in [t.text for t in root.iter(f"{SVG}text")]


def test_charts_escape_their_words_and_are_empty_without_data(app):
    with app.test_request_context():
        svg = str(charts.pareto_chart({"pareto": [{"code": HOSTILE, "description": HOSTILE, "count": 1}]}))
        assert "<img" not in svg and "<script" not in svg and "&lt;img" in svg
        fromstring(svg)
        assert charts.trend_chart({"trend": _trend(None, None)}) == ""
        assert charts.trend_chart({"trend": []}) == ""
        assert charts.pareto_chart({"pareto": []}) == ""
        assert charts.pareto_chart({}) == ""


# --- flask scorecards pdf --------------------------------------------------------------------------


def _run(app, *args: str):  # type: ignore[no-untyped-def]
    return app.test_cli_runner().invoke(args=["scorecards", "pdf", *args])


@pytest.mark.spawns_processes
def test_the_cli_writes_every_suppliers_draft(app, world, tmp_path: Path):
    key = _month().key
    result = _run(app, "--period", key, "--draft", "--out", str(tmp_path), "--workers", "1")
    assert result.exit_code == 0, result.output
    with app.app_context():
        codes = sorted(db.session.scalars(db.select(Supplier.code)))
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{code}-{key}-draft.pdf" for code in codes)
    text = _text((tmp_path / f"ALPHA-{key}-draft.pdf").read_bytes())
    assert "ALPHA" in text and "Draft — not published" in text and "Page 1 of" in text
    assert f"{len(codes)} draft scorecard PDFs of {key} written to {tmp_path}" in result.output


@pytest.mark.spawns_processes
def test_the_cli_prints_the_latest_publication_with_its_stored_digest(app, world, tmp_path: Path):
    with app.app_context(), patch.object(subscribers, "notify"):
        quality_manager = db.session.get(User, world.quality_manager.id)
        publication = services.publish(_month(), quality_manager, early_reason="PDF test")
        db.session.commit()
        version = publication.version
        stored = services.published_card(_month(), world.supplier_a, version)
        assert stored is not None
        digest = stored.digest
    key = _month().key
    result = _run(app, "--period", key, "--out", str(tmp_path), "--workers", "2")
    assert result.exit_code == 0, result.output
    text = _text((tmp_path / f"ALPHA-{key}-v{version}.pdf").read_bytes())
    assert f"Version {version}" in text and digest in text
    assert not list(tmp_path.glob(".*.part"))


def test_the_cli_without_a_publication_or_draft_says_so_and_fails(app, world, tmp_path: Path):
    result = _run(app, "--period", "2025-01", "--out", str(tmp_path), "--workers", "1")
    assert result.exit_code == 1
    assert "2025-01 has not been published" in result.output and "--draft" in result.output
    assert list(tmp_path.iterdir()) == []


def test_the_cli_refuses_a_bad_period(app, tmp_path: Path):
    assert _run(app, "--period", "2026-13", "--out", str(tmp_path)).exit_code == 2
    future = _run(app, "--period", "2999-12", "--draft", "--out", str(tmp_path))
    assert future.exit_code == 1 and "has not started" in future.output


# --- in the reader's language (#12) ------------------------------------------------------------


def test_a_published_card_is_served_printed_in_english_and_printed_anew_for_another_language(
    app, client, world
):
    with app.app_context(), patch.object(subscribers, "notify"):
        publication = services.publish(
            _month(), db.session.get(User, world.quality_manager.id), early_reason="PDF language test"
        )
        db.session.commit()
        assert files.print_publication(publication) == 2
        version = publication.version
        stored = files.stored(services.published_card(_month(), world.supplier_a, version).numbers, version)
        assert stored is not None
        stored_bytes = stored.read_bytes()
        db.session.get(User, world.manager_a.id).locale = "th"
        db.session.commit()
    url = f"/scorecards/{_month().key}/suppliers/{world.supplier_a}/card.pdf"
    login_as(client, world.manager_a)
    thai = client.get(url).data
    assert thai != stored_bytes and f"เวอร์ชัน {version}" in _text(thai)
    with app.app_context():
        db.session.get(User, world.manager_a.id).locale = "en"
        db.session.commit()
    with client.get(url) as english:  # a file response: closed after reading
        assert english.data == stored_bytes  # the English reader gets the file printed once


@pytest.mark.parametrize(
    ("language", "label"), [("en", "November 2026"), ("ja", "2026年11月"), ("vi", "tháng 11 năm 2026")]
)
def test_a_month_is_named_in_the_reader_s_order(app, language: str, label: str):
    with app.test_request_context(), force_locale(language):
        assert texts.period_label(Period.containing(datetime(2026, 11, 5, tzinfo=UTC).date())) == label
