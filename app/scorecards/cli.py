"""`flask scorecards pdf --period 2026-10`: every supplier's scorecard PDF of a period, on every core.

The parent process reads the cards' numbers once (the period's latest publication, or the live
drafts with --draft) and hands plain dicts to a pool of worker processes. Each worker builds an app
of its own (for the templates, the translations and the stylesheets; it never opens the database)
and prints its share of the cards with `write_card_pdf`, the one function a background job can
call for a single card too.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.clock import utcnow
from app.scorecards import cards, services
from app.scorecards.files import file_name, folder, write_card_pdf
from app.scorecards.periods import Period
from config import Config

scorecards = AppGroup("scorecards", help="Supplier scorecards.")

# What a worker's app takes over from the parent's config: what printing reads.
WORKER_SETTINGS = (
    "BABEL_DEFAULT_LOCALE",
    "BABEL_DEFAULT_TIMEZONE",
    "LANGUAGES",
    "BABEL_TRANSLATION_DIRECTORIES",
)


@dataclass(frozen=True)
class CardJob:
    """One card to print: its numbers and digest, its version (None: a draft) and the file to write."""

    card: dict[str, Any]
    digest: str
    version: int | None
    path: str
    generated_at: datetime


def _jobs(period: Period, draft: bool, out: Path, now: datetime) -> list[CardJob]:
    """The cards to print: the period's latest publication, or its live drafts."""
    found: list[tuple[dict[str, Any], str, int | None]]
    if draft:
        found = [
            (numbers, cards.digest(numbers), None) for numbers in services.drafts(period, now=now).values()
        ]
    else:
        publication = services.latest_publication(period)
        if publication is None:
            raise click.ClickException(
                f"{period.key} has not been published: there is no card to print. Publish the period "
                "first, or pass --draft to print the live drafts."
            )
        found = [
            (dict(card.numbers), card.digest, publication.version)
            for card in services.published_cards(publication)
        ]
    return [
        CardJob(numbers, digest, version, str(out / file_name(numbers, version)), now)
        for numbers, digest, version in found
    ]


# --- The worker processes ----------------------------------------------------------------------

_worker_app: Flask | None = None


def _start_worker(factory: Callable[[Config], Flask], settings: dict[str, Any]) -> None:
    """Build this process's app with the parent's factory and printing settings, no database ever opened."""
    global _worker_app  # one app per worker process, built once

    config = Config()
    # Flask-SQLAlchemy wants a URL; an in-memory one that nothing ever connects to.
    for key, value in {**settings, "SQLALCHEMY_DATABASE_URI": "sqlite://"}.items():
        setattr(config, key, value)
    _worker_app = factory(config)


def _print_in_worker(job: CardJob) -> tuple[str, int]:
    if _worker_app is None:
        raise RuntimeError("the worker's app was not built")
    with _worker_app.app_context():
        return job.path, write_card_pdf(
            job.card, job.digest, job.version, job.path, generated_at=job.generated_at
        )


def print_cards(jobs: list[CardJob], workers: int) -> tuple[list[str], list[tuple[str, str]]]:
    """Print the cards on `workers` processes; (paths written, (path, error) of the failures)."""
    if not jobs:
        return [], []
    settings = {key: current_app.config[key] for key in WORKER_SETTINGS if key in current_app.config}
    written: list[str] = []
    failed: list[tuple[str, str]] = []
    with ProcessPoolExecutor(
        max_workers=min(workers, len(jobs)),
        mp_context=get_context("spawn"),  # a fresh interpreter: nothing of the parent's connections
        initializer=_start_worker,
        initargs=(current_app.extensions["kensa.factory"], settings),
    ) as pool:
        futures = {pool.submit(_print_in_worker, job): job for job in jobs}
        for future in as_completed(futures):
            try:
                path, _size = future.result()
            except Exception as error:  # reported per card; the others go on
                failed.append((futures[future].path, f"{type(error).__name__}: {error}"))
            else:
                written.append(path)
    return sorted(written), failed


@scorecards.command("pdf")
@click.option("--period", "period_key", required=True, help="The period: 2026-10 (a month) or 2026-Q4.")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the PDFs [default: SCORECARD_PDF_FOLDER/<period>, where the portal serves them].",
)
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True, help="Processes.")
@click.option("--draft", is_flag=True, help="Print the live drafts instead of the latest publication.")
def pdf_command(period_key: str, out: Path | None, workers: int, draft: bool) -> None:
    """Write every supplier's scorecard PDF of a period."""
    period = Period.parse(period_key)
    if period is None:
        raise click.BadParameter(
            f"{period_key!r} is not a period; use 2026-10 or 2026-Q4", param_hint="--period"
        )
    now = utcnow()
    if not period.has_started(now):
        raise click.ClickException(f"{period.key} has not started yet: there is nothing to print.")
    started = time.perf_counter()
    target = out or folder(period.key)
    jobs = _jobs(period, draft, target, now)
    target.mkdir(parents=True, exist_ok=True)
    written, failed = print_cards(jobs, workers)
    kind = "draft" if draft else f"version {jobs[0].version}" if jobs else "published"
    click.echo(
        f"{len(written)} {kind} scorecard PDFs of {period.key} written to {target} "
        f"in {time.perf_counter() - started:.1f} s ({min(workers, max(len(jobs), 1))} worker processes)"
    )
    for path, error in failed:
        click.echo(f"FAILED {path}: {error}", err=True)
    if failed:
        raise click.ClickException(f"{len(failed)} of {len(jobs)} PDFs could not be written")
