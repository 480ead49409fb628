"""`flask seed volume`: the volume data set (issue #8) in an empty, migrated database, timed."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import Engine, func, inspect, select

from app.clock import utcnow
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.security import hash_password
from app.suppliers.models import Supplier
from app.volume.generator import Volume, load
from app.volume.measurements import MEASURED_SHARE
from app.volume.shape import DOMAIN, REVIEWERS, SUPPLIERS, inspector_email, manager_email, reviewer_email

DEFAULT_LOTS = 100_000
# Most rejected lots raise a SCAR (all of the suppliers with an above-average propensity), plus
# complaints: about 5,000 SCARs for 100,000 lots.
SCAR_SHARE = 1.0
COMPLAINT_SHARE = 0.15


@click.command("volume")
@click.option(
    "--scale", default=1.0, show_default=True, help="Lots as a multiple of 100,000 (0.1, 1, 3 ...)."
)
@click.option("--lots", type=click.IntRange(min=1), help="Number of lots (instead of --scale).")
@click.option("--seed", default=8, show_default=True, help="Random seed: the same seed gives the same rows.")
@click.option(
    "--measured-share",
    default=MEASURED_SHARE,
    show_default=True,
    type=click.FloatRange(0, 1, min_open=True),
    help="Share of each lot's samples that get values (1: the complete samples, ten times the rows).",
)
@with_appcontext
def volume_command(scale: float, lots: int | None, seed: int, measured_share: float) -> None:
    """Load 100 suppliers, 1,000 parts and 100,000 lots x --scale over 24 months, with their audit
    trail (empty database)."""

    engine = db.engine
    if not inspect(engine).has_table("supplier"):
        raise click.ClickException("the database has no tables: run `flask db upgrade` first")
    if db.session.scalar(select(func.count()).select_from(Supplier)):
        raise click.ClickException(
            "the database already has suppliers; the volume uses fixed ids, so it needs an empty, migrated "
            "database (a new one, then `flask db upgrade`)"
        )
    db.session.remove()
    count = lots if lots is not None else round(DEFAULT_LOTS * scale)
    if count < 1:
        raise click.BadParameter("gives no lots", param_hint="--scale")
    click.echo(
        f"Volume of {count:,} lots (seed {seed}) into {engine.url.render_as_string(hide_password=True)}"
    )
    start = time.perf_counter()
    loaded = load(
        engine,
        db.metadata,
        count,
        utcnow(),
        seed,
        scorecard_data=True,
        measurements=True,
        measured_share=measured_share,
        scar_share=SCAR_SHARE,
        complaint_share=COMPLAINT_SHARE,
        password_hash=hash_password(DEMO_PASSWORD),
        audit_key=(current_app.config["AUDIT_KEY_ID"], current_app.config["AUDIT_KEY"].encode()),
        echo=lambda message: click.echo(f"  {message} ..."),
    )
    _report(loaded, engine, time.perf_counter() - start)
    click.echo(f"Logins (password for all: {DEMO_PASSWORD}):")
    for email, role in logins():
        click.echo(f"  {email:<40} {role}")


def logins() -> list[tuple[str, str]]:
    """(e-mail, what it is) of the volume's users, the suppliers' as a pattern and an example."""
    last = f"s{SUPPLIERS:03d}"
    return [
        (f"admin@brand.{DOMAIN}", "admin"),
        (f"qm@brand.{DOMAIN}", "quality manager"),
        (reviewer_email(1), f"reviewer (reviewer1 ... reviewer{REVIEWERS}: suppliers 1-10, 11-20, ...)"),
        (inspector_email(1), f"supplier inspector of S001 (s001 ... {last})"),
        (manager_email(1), f"supplier manager of S001 (s001 ... {last})"),
    ]


def _report(loaded: Volume, engine: Engine, total: float) -> None:
    click.echo("Rows per table:")
    for name, rows in loaded.tables.items():
        click.echo(f"  {name:<22} {rows:>12,}  {loaded.table_seconds[name]:7.1f} s")
    click.echo(f"  {'total':<22} {loaded.rows:>12,}")
    states = ", ".join(f"{state} {n:,}" for state, n in sorted(loaded.states.items()))
    click.echo(f"Lots: {states}")
    seconds = loaded.seconds
    click.echo(
        f"Time: generate {seconds['generate']:.1f} s, insert {seconds['insert']:.1f} s (measurement "
        f"{loaded.table_seconds.get('measurement', 0):.1f} s and audit_event "
        f"{loaded.table_seconds.get('audit_event', 0):.1f} s of it, generated as inserted), "
        f"foreign keys back and commit {seconds['constraints']:.1f} s, ANALYZE {seconds['analyze']:.1f} s; "
        f"total {total:.1f} s ({loaded.rows / total:,.0f} rows/s)"
    )
    click.echo(f"Database size: {_size(engine) / 2**20:,.0f} MiB")


def _size(engine: Engine) -> int:
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return int(conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar_one())
    database = engine.url.database
    return Path(database).stat().st_size if database and database != ":memory:" else 0
