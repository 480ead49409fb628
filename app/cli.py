"""`flask seed demo`, `flask seed volume`, `flask users create`, `flask outbox send`, `flask audit verify`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.api.cli import tokens
from app.audit.cli import audit
from app.auth.models import Role
from app.auth.passwords import password_problems
from app.demo import seed_demo
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.jobs.cli import jobs
from app.outbox.services import deliver_pending
from app.scars.cli import scar
from app.scorecards.cli import scorecards
from app.suppliers.models import Supplier
from app.users.services import ensure_user
from app.volume.cli import volume_command
from app.webhooks.cli import webhooks

seed = AppGroup("seed", help="Load data into the database.")
users = AppGroup("users", help="Manage user accounts.")
outbox = AppGroup("outbox", help="Deliver queued e-mail.")


@seed.command("demo")
def seed_demo_command() -> None:
    """Load the demo suppliers, sites and users (safe to run again)."""
    logins = seed_demo()
    click.echo(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, role, org in logins:
        click.echo(f"  {email:<38} {role:<20} {org}")


seed.add_command(volume_command)


@users.command("create")
@click.option("--email", required=True)
@click.option("--name", required=True)
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option("--supplier", "supplier_code", help="Supplier code, for supplier roles.")
@click.password_option()
def create_user_command(email: str, name: str, role: str, supplier_code: str | None, password: str) -> None:
    """Create a user with a password (for the first admin of a new installation)."""
    supplier_id = None
    if supplier_code:
        supplier_id = db.session.scalar(select(Supplier.id).where(Supplier.code == supplier_code.upper()))
        if supplier_id is None:
            raise click.BadParameter(f"no supplier with code {supplier_code}", param_hint="--supplier")
    if (Role(role) in (Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER)) != (supplier_id is not None):
        raise click.UsageError("supplier roles need --supplier; internal roles must not have one")
    problems = password_problems(password, email=email, name=name)
    if problems:
        raise click.BadParameter(problems[0], param_hint="password")
    if not ensure_user(email.strip().lower(), name, Role(role), supplier_id, password):
        raise click.UsageError(f"a user with e-mail {email} already exists")
    db.session.commit()
    click.echo(f"Created {role} {email}")


@outbox.command("send")
@click.option("--loop", is_flag=True, help="Keep running and send new messages as they arrive.")
@click.option("--interval", default=5.0, show_default=True, help="Seconds between polls with --loop.")
def send_outbox_command(loop: bool, interval: float) -> None:
    """Deliver pending e-mail from the outbox."""
    while True:
        sent, failed = deliver_pending()
        if sent or failed or not loop:
            click.echo(f"sent {sent}, failed {failed}")
        if not loop:
            return
        time.sleep(interval)


def register(app: Flask) -> None:
    """Attach the command groups to the app."""
    for group in (seed, users, outbox, audit, scar, scorecards, jobs, tokens, webhooks):
        app.cli.add_command(group)
