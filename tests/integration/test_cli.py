"""`flask seed demo` and `flask users create`."""

from __future__ import annotations

from sqlalchemy import func, select

from app.auth.models import User
from app.demo.people import DEMO_PASSWORD
from app.extensions import db
from app.suppliers.models import Site, Supplier


def _counts():
    return tuple(db.session.scalar(select(func.count()).select_from(m)) for m in (Supplier, Site, User))


def test_seed_demo_is_idempotent_and_prints_the_logins(app):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed", "demo"])
    assert first.exit_code == 0, first.output
    assert "inspector@siam-precision.example" in first.output and DEMO_PASSWORD in first.output
    with app.app_context():
        after_first = _counts()
    assert runner.invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        assert _counts() == after_first == (3, 4, 9)
        sites = set(db.session.scalars(select(Site.name)))
    assert {"Chonburi", "Bang Kadi", "Wuxi", "Hai Phong"} == sites


def test_users_create_refuses_a_weak_password(app):
    result = app.test_cli_runner().invoke(
        args=["users", "create", "--email", "it@brand.example", "--name", "IT", "--role", "admin"],
        input="password1234\npassword1234\n",
    )
    assert result.exit_code != 0 and "too common" in result.output


def test_users_create_makes_a_supplier_user(app, world):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "Lead@alpha.example",
            "--name",
            "Lead",
            "--role",
            "supplier_manager",
            "--supplier",
            "alpha",
        ],
        input="long enough passphrase\nlong enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalars(select(User).where(User.email == "lead@alpha.example")).one()
        assert user.supplier_id == world.supplier_a
