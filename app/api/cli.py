"""`flask tokens create`: an API token from the command line (the token alone on the last line)."""

from __future__ import annotations

import click
from flask.cli import AppGroup
from sqlalchemy import select

from app.api.tokens import create_token
from app.extensions import db
from app.rules import RuleError
from app.suppliers.models import Supplier

tokens = AppGroup("tokens", help="API tokens of suppliers.")


@tokens.command("create")
@click.option("--supplier", "code", required=True, help="The supplier's code.")
@click.option("--name", required=True, help="What the token is for, e.g. the MES's name.")
@click.option("--expires-days", type=int, default=None, help="Days until it expires (default: never).")
def create_command(code: str, name: str, expires_days: int | None) -> None:
    """Create a token; it is printed once, on the last line, and stored only as a hash."""
    supplier = db.session.scalars(select(Supplier).where(Supplier.code == code)).one_or_none()
    if supplier is None:
        raise click.ClickException(f"no supplier with the code {code!r}")
    try:
        token, secret = create_token(supplier.id, name, None, expires_days)
    except RuleError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Token {token.id} of {supplier.code} created; it is shown once:")
    click.echo(secret)
