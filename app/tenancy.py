"""The one place where supplier scoping is enforced.

For a signed-in supplier user, every ORM SELECT of a `TenantScoped` row (and of
`Supplier` itself) gets a `supplier_id = <their supplier>` criterion added, so a
view cannot forget it; another supplier's id therefore looks like a missing row
(404, no existence leak). A flush that would write a row of another supplier is
refused. Internal users are not scoped. Code that runs outside a request (CLI,
jobs) has no scope and passes the supplier explicitly.

Use `get_or_404` rather than `session.get()`: `get()` may answer from the
identity map without running a query, and so without the criterion.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any, TypeVar

from flask import abort
from sqlalchemy import event, literal, or_, select
from sqlalchemy.orm import ORMExecuteState, Session, with_loader_criteria

from app.db import TenantScoped
from app.extensions import db
from app.suppliers.models import Supplier

log = logging.getLogger(__name__)

SCOPE_KEY = "kensa.supplier_scope"
INTERNAL_ONLY = "kensa_internal_users_only"
M = TypeVar("M")


class TenancyError(RuntimeError):
    """A write that would cross from one supplier's data into another's."""


def set_scope(session: Session, supplier_id: int | None) -> None:
    """Scope the session to one supplier (None: not scoped)."""
    session.info[SCOPE_KEY] = supplier_id


def current_scope(session: Session) -> int | None:
    """The supplier the session is scoped to, or None."""
    return session.info.get(SCOPE_KEY)


def get_or_404(model: type[M], ident: int, *options: Any) -> M:
    """Load one row by id through the scoped query (with loader `options`), or answer 404."""
    query = select(model).where(model.id == ident).options(*options)  # type: ignore[attr-defined]
    row = db.session.scalars(query).one_or_none()
    if row is None:
        abort(404)
    return row


def internal_users(*criteria: Any) -> list[Any]:
    """The brand's staff (users of no supplier) matching `criteria`, also from a supplier user's request.

    A supplier's action tells internal people (a submission notifies its reviewers), but their rows are
    out of the supplier's scope. This is the one unscoped read, and it can only return internal users.
    """
    from app.auth.models import User

    query = select(User).where(User.supplier_id.is_(None), *criteria).order_by(User.id)
    return list(db.session.scalars(query.execution_options(**{INTERNAL_ONLY: True})))


def people_names(ids: Iterable[int]) -> dict[int, str]:
    """The names of these users that the session may name: its own supplier's people and the brand's staff.

    The brand's staff who act on a supplier's records (raise its SCAR, review or decide its lot) are named
    to the supplier, as their signatures already are; another supplier's people never are. Names only:
    e-mail addresses and accounts stay out of the supplier's scope.
    """
    from app.auth.models import User

    wanted = sorted(set(ids))
    if not wanted:
        return {}
    query = select(User.id, User.name).where(User.id.in_(wanted))
    supplier_id = current_scope(db.session)
    if supplier_id is not None:
        query = query.where(or_(User.supplier_id.is_(None), User.supplier_id == supplier_id))
    rows = db.session.execute(query.execution_options(**{INTERNAL_ONLY: True}))
    return {row.id: row.name for row in rows}


def exists_anywhere(table: Any, *criteria: Any) -> bool:
    """Whether any row of `table` matches, across every supplier: a yes or no, never a row.

    A unique column (a user's e-mail) is unique across suppliers, so a service must ask the question
    beyond the caller's scope before writing; the answer does not say whose row it is. Core on the
    session's connection, so that the scope's criteria are not added.
    """
    query = select(literal(1)).select_from(table).where(*criteria).limit(1)
    return db.session.connection().execute(query).first() is not None


@event.listens_for(Session, "do_orm_execute")
def _scope_queries(state: ORMExecuteState) -> None:
    supplier_id = current_scope(state.session)
    if supplier_id is None or not state.is_select or state.is_column_load:
        return
    if state.execution_options.get(INTERNAL_ONLY):
        return
    state.statement = state.statement.options(
        with_loader_criteria(TenantScoped, lambda cls: cls.supplier_id == supplier_id, include_aliases=True),
        with_loader_criteria(Supplier, lambda cls: cls.id == supplier_id, include_aliases=True),
    )


@event.listens_for(Session, "before_flush")
def _refuse_foreign_writes(session: Session, flush_context: object, instances: object) -> None:
    supplier_id = current_scope(session)
    if supplier_id is None:
        return
    for row in (*session.new, *session.dirty, *session.deleted):
        owner = row.id if isinstance(row, Supplier) else getattr(row, "supplier_id", supplier_id)
        if isinstance(row, TenantScoped | Supplier) and owner != supplier_id:
            log.warning("refused write of %r outside supplier %s", row, supplier_id)
            raise TenancyError(f"{type(row).__name__} belongs to another supplier")
