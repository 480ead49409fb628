"""Render HTML to PDF with WeasyPrint, fetching nothing from outside the document.

A report's HTML holds text that users typed (reasons, names, lot numbers). Even escaped, an
attacker-chosen URL in it must never make the server read a local file or call a host, so the
URL fetcher serves `data:` URLs only and refuses everything else (`file:`, `http:`, `https:`,
`ftp:`, …); there is no base URL, so a relative URL resolves to nothing. WeasyPrint logs the
refused resource and renders the document without it. Stylesheets are passed as strings,
read by the caller with `stylesheet()`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

from flask import current_app
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

log = logging.getLogger(__name__)

ALLOWED_SCHEMES = ("data",)
_SHOWN_URL = 200  # characters of a refused URL written to the log


class RefusedURLError(ValueError):
    """A PDF asked for a resource outside the document."""


class DataOnlyFetcher(URLFetcher):
    """WeasyPrint's fetcher restricted to `data:` URLs; any other URL raises `RefusedURLError`."""

    def __init__(self) -> None:
        # WeasyPrint's own protocol check as a second lock behind ours.
        super().__init__(allowed_protocols=ALLOWED_SCHEMES, allow_redirects=False)

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme, colon, _rest = url.strip().partition(":")
        if not colon or scheme.lower() not in ALLOWED_SCHEMES:
            log.warning("PDF: refused to fetch %s", url[:_SHOWN_URL])
            raise RefusedURLError(f"only data: URLs are fetched for PDFs, not {url[:_SHOWN_URL]}")
        return super().fetch(url, headers)


def render_pdf(html: str, *, stylesheets: Sequence[str] = ()) -> bytes:
    """The PDF of `html` styled by the given CSS texts; only `data:` URLs are fetched."""
    fetcher = DataOnlyFetcher()
    document = HTML(string=html, base_url=None, url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=css, url_fetcher=fetcher) for css in stylesheets])


def stylesheet(name: str) -> str:
    """The text of `static/css/<name>`, for `render_pdf(stylesheets=…)`."""
    if Path(name).name != name:
        raise ValueError(f"a stylesheet name, not a path: {name!r}")
    return Path(current_app.static_folder or "static", "css", name).read_text(encoding="utf-8")
