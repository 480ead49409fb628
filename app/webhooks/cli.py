"""`flask webhooks deliver`: send the pending webhook deliveries (when there is no Redis worker)."""

from __future__ import annotations

import time

import click
from flask.cli import AppGroup

from app.webhooks.services import deliver_due

webhooks = AppGroup("webhooks", help="Webhook deliveries.")


@webhooks.command("deliver")
@click.option("--loop", is_flag=True, help="Keep sending every few seconds until stopped.")
def deliver_command(loop: bool) -> None:
    """Send every delivery that is due (retries wait with exponential backoff)."""
    while True:
        delivered, failed = deliver_due()
        click.echo(f"{delivered} delivered, {failed} failed (retried later)")
        if not loop:
            return
        time.sleep(5)
