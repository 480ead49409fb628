"""`flask seed demo`, `flask seed volume`, `flask users create`, `flask outbox send`, `flask audit verify`."""

from __future__ import annotations

import time

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.audit.cli import audit
from app.audit.services import record, snapshot
from app.auth.models import Role, User
from app.auth.passwords import password_problems
from app.certificates.demo import seed_demo_certificates
from app.extensions import db
from app.jobs.cli import jobs
from app.lots.demo import seed_demo_lots
from app.outbox.services import deliver_pending
from app.reviews.demo import seed_demo_reviews
from app.rules import taken
from app.scars.cli import scar
from app.scars.demo import seed_demo_scars
from app.scorecards.cli import scorecards
from app.scorecards.demo import seed_demo_scorecards
from app.security import hash_password
from app.standards.demo import seed_demo_quality
from app.suppliers import services as supplier_services
from app.suppliers.models import Supplier
from app.users.services import USER_FIELDS
from app.volume.cli import volume_command

DEMO_PASSWORD = "quality-first-2026"  # noqa: S105 - demo data, printed on purpose

DEMO_STAFF = (
    ("reviewer@brand.example", "Aiko Tanaka", Role.REVIEWER),
    ("qm@brand.example", "Kenji Sato", Role.QUALITY_MANAGER),
    ("admin@brand.example", "Portal Administrator", Role.ADMIN),
)

DEMO_SUPPLIERS = (
    {
        "code": "SIAM",
        "legal_name": "Siam Precision Manufacturing Co., Ltd.",
        "country": "TH",
        "domain": "siam-precision.example",
        "people": ("Somchai Jaidee", "Malee Srisuk"),
        "sites": (("Chonburi", "Amata City, Chonburi"), ("Bang Kadi", "Pathum Thani")),
    },
    {
        "code": "WUXI",
        "legal_name": "Wuxi Optronics Co., Ltd.",
        "country": "CN",
        "domain": "wuxi-optronics.example",
        "people": ("Li Wei", "Zhang Min"),
        "sites": (("Wuxi", "Wuxi New District, Jiangsu"),),
    },
    {
        "code": "HPA",
        "legal_name": "Hai Phong Assembly JSC",
        "country": "VN",
        "domain": "haiphong-assembly.example",
        "people": ("Nguyen Van An", "Tran Thi Binh"),
        "sites": (("Hai Phong", "VSIP Hai Phong"),),
    },
)


def _ensure_user(email: str, name: str, role: Role, supplier_id: int | None, password: str) -> bool:
    """Create the user unless it exists; True when created."""
    if taken(User, User.email == email):
        return False
    user = User(
        email=email, name=name, role=role, supplier_id=supplier_id, password_hash=hash_password(password)
    )
    db.session.add(user)
    db.session.flush()
    record("user.created", user, after=snapshot(user, USER_FIELDS))
    return True


def _ensure_supplier(spec: dict) -> Supplier:  # type: ignore[type-arg]
    supplier = db.session.scalars(select(Supplier).where(Supplier.code == spec["code"])).one_or_none()
    if supplier is None:
        supplier = supplier_services.create_supplier(
            code=spec["code"], legal_name=spec["legal_name"], country=spec["country"]
        )
    existing = {site.name for site in supplier.sites}
    for name, city in spec["sites"]:
        if name not in existing:
            supplier_services.create_site(supplier, name=name, city=city, country=spec["country"])
    return supplier


def seed_demo() -> list[tuple[str, str, str]]:
    """Load the demo data (idempotent); returns (e-mail, role, organisation) of every demo login."""
    logins = []
    for email, name, role in DEMO_STAFF:
        _ensure_user(email, name, role, None, DEMO_PASSWORD)
        logins.append((email, role.value, "Brand"))
    for spec in DEMO_SUPPLIERS:
        supplier = _ensure_supplier(spec)
        inspector, manager = spec["people"]
        for local, name, role in (
            ("inspector", inspector, Role.SUPPLIER_INSPECTOR),
            ("manager", manager, Role.SUPPLIER_MANAGER),
        ):
            email = f"{local}@{spec['domain']}"
            _ensure_user(email, name, role, supplier.id, DEMO_PASSWORD)
            logins.append((email, role.value, supplier.code))
    seed_demo_quality()
    seed_demo_certificates()
    seed_demo_lots()
    seed_demo_reviews(DEMO_PASSWORD)
    seed_demo_scars(DEMO_PASSWORD)
    seed_demo_scorecards()
    db.session.commit()
    return logins


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
    if not _ensure_user(email.strip().lower(), name, Role(role), supplier_id, password):
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
    for group in (seed, users, outbox, audit, scar, scorecards, jobs):
        app.cli.add_command(group)
