"""`flask scar remind`: send the due-date reminders of SCAR steps; safe to run every hour."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import AppGroup

from app.clock import utcnow
from app.extensions import db
from app.scars.reminders import send_reminders

scar = AppGroup("scar", help="SCAR deadlines.")


@scar.command("remind")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The day to remind for, as YYYY-MM-DD (default: today, UTC).",
)
def remind_command(on: datetime | None) -> None:
    """Remind of steps due in 48 hours, due today or overdue; never the same reminder twice."""
    today = on.date() if on is not None else utcnow().date()
    counts = send_reminders(today)
    db.session.commit()
    click.echo(
        f"SCAR reminders for {today.isoformat()}: {counts['due_soon']} due soon, "
        f"{counts['due_today']} due today, {counts['overdue']} overdue; "
        f"{counts['notifications']} notifications."
    )
