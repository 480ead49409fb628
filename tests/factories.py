"""Builders of test data; they flush through the real services where one exists."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from app.auth.models import Role, User
from app.extensions import db
from app.security import hash_password
from app.suppliers.models import Site, Supplier

PASSWORD = "correct-battery-staple-42"
_seq = itertools.count(1)


def supplier(code: str | None = None, **values: object) -> Supplier:
    n = next(_seq)
    row = Supplier(code=code or f"S{n:04d}", legal_name=f"Supplier {n} Co., Ltd.", country="TH", **values)
    db.session.add(row)
    db.session.flush()
    return row


def site(owner: Supplier, name: str | None = None) -> Site:
    row = Site(supplier_id=owner.id, name=name or f"Site {next(_seq)}", city="Chonburi", country="TH")
    db.session.add(row)
    db.session.flush()
    return row


def user(
    role: Role, owner: Supplier | None = None, *, password: str | None = PASSWORD, **values: object
) -> User:
    n = next(_seq)
    row = User(
        email=values.pop("email", f"user{n}@example.com"),
        name=values.pop("name", f"User {n}"),
        role=role,
        supplier_id=owner.id if owner else None,
        password_hash=hash_password(password) if password else None,
        **values,
    )
    db.session.add(row)
    db.session.flush()
    return row


@dataclass(frozen=True)
class Person:
    """What a test needs to act as a user: ids and credentials, no ORM object."""

    id: int
    email: str
    role: str
    supplier_id: int | None
    session_token: str


def person(row: User) -> Person:
    return Person(row.id, row.email, row.role, row.supplier_id, row.session_token)
