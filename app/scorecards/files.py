"""Published scorecards' PDFs kept on disk: `<SCORECARD_PDF_FOLDER>/<period>/SIAM-2026-10-v2.pdf`.

A published version never changes, so its PDF is printed once (by the worker after publishing, or
by `flask scorecards pdf`) and served from here to English readers; a reader of another language,
and a draft, get it printed on request, from the same numbers and digest.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import current_app
from werkzeug.utils import secure_filename

from app.clock import utcnow
from app.scorecards import report
from app.scorecards.models import Publication
from app.scorecards.services import published_cards

PRINTED_LANGUAGE = "en"  # the worker and the CLI print without a request: Babel's default locale


def file_name(card: dict[str, Any], version: int | None) -> str:
    """`SIAM-2026-10-v2.pdf`, or `SIAM-2026-10-draft.pdf` for a draft."""
    code = secure_filename(str(card["supplier"]["code"])) or f"supplier{card['supplier']['id']}"
    return f"{code}-{card['period']}-{'draft' if version is None else f'v{version}'}.pdf"


def write_card_pdf(
    card: dict[str, Any],
    digest: str,
    version: int | None,
    path: str | Path,
    *,
    generated_at: datetime | None = None,
) -> int:
    """Print one card to `path` (written whole or not at all); the bytes written.

    Needs an app context for the templates and translations, and nothing from the database.
    """
    pdf = report.render(card, digest, version, generated_at or utcnow())
    target = Path(path)
    partial = target.with_name(f".{target.name}.part")
    partial.write_bytes(pdf)
    os.replace(partial, target)
    return len(pdf)


def folder(period_key: str) -> Path:
    root = current_app.config.get("SCORECARD_PDF_FOLDER") or Path(current_app.instance_path, "scorecards")
    return Path(root, period_key)


def path_of(card: dict[str, Any], version: int) -> Path:
    return folder(str(card["period"])) / file_name(card, version)


def stored(card: dict[str, Any], version: int | None) -> Path | None:
    """The printed PDF of a published card, if it has been printed."""
    if version is None:
        return None
    path = path_of(card, version)
    return path if path.is_file() else None


def print_publication(publication: Publication) -> int:
    """Print the publication's cards that are not printed yet (a retried job redoes only those)."""
    written = 0
    for card in published_cards(publication):
        numbers = dict(card.numbers)
        target = path_of(numbers, publication.version)
        if target.is_file():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        write_card_pdf(numbers, card.digest, publication.version, target)
        written += 1
    return written
