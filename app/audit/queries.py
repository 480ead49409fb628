"""Reading the audit trail: a record's history, the filtered trail page, readable names, the CSV export."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import joinedload

from app import pagination
from app.audit.models import AuditEvent
from app.audit.names import NAMERS, REFERENCES, referenced_ids
from app.audit.texts import ACTION_TEXTS
from app.auth.models import User
from app.extensions import db
from app.pagination import Page, count_up_to, page_number
from app.suppliers.models import Supplier
from app.tenancy import people_names

HISTORY_LIMIT = 200
PER_PAGE = 50
# Rows fetched per round trip by the CSV export: memory stays flat however many rows match.
EXPORT_BATCH = 1000


def _with_people(query: Any) -> Any:
    return query.options(joinedload(AuditEvent.actor), joinedload(AuditEvent.supplier))


def history_of(obj_type: str, obj_id: int, *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The events of one record visible to the session, newest first, with their actors loaded."""
    return history_of_records([(obj_type, obj_id)], limit=limit)


def history_of_records(refs: Iterable[tuple[str, int]], *, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The events of several records (a site with its certificates, say), newest first, in one query."""
    ids_by_type: dict[str, set[int]] = {}
    for obj_type, obj_id in refs:
        ids_by_type.setdefault(obj_type, set()).add(obj_id)
    if not ids_by_type:
        return []
    matches = [
        and_(AuditEvent.object_type == obj_type, AuditEvent.object_id.in_(sorted(ids)))
        for obj_type, ids in ids_by_type.items()
    ]
    query = select(AuditEvent).where(or_(*matches)).order_by(AuditEvent.id.desc()).limit(limit)
    return list(db.session.scalars(_with_people(query)))


def history_for(*records: Any, limit: int = HISTORY_LIMIT) -> list[AuditEvent]:
    """The events of these records (named as `record` names them: class name and id), newest first."""
    return history_of_records([(type(row).__name__, row.id) for row in records], limit=limit)


def events_with_action(
    action: str, *, object_id: int | None = None, limit: int = HISTORY_LIMIT
) -> list[AuditEvent]:
    """The events of one action (optionally on one record id), newest first, with their actors."""
    query = select(AuditEvent).where(AuditEvent.action == action)
    if object_id is not None:
        query = query.where(AuditEvent.object_id == object_id)
    return list(db.session.scalars(_with_people(query.order_by(AuditEvent.id.desc()).limit(limit))))


def recent_events(limit: int = 10) -> list[AuditEvent]:
    """The latest audit events visible to the session, with their actors loaded."""
    query = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
    return list(db.session.scalars(_with_people(query)))


# --- Readable names of the records events point at -------------------------------------------


def object_names(events: Iterable[Any], *, records: bool = True) -> dict[tuple[str, int], str]:
    """The names of the records the events point at, of the records their changes refer to ("site_id",
    "lots") and of the people who acted, keyed by (type, id): one query per record type, where visible.

    People go through `tenancy.people_names` (the rule of `app.auth.people`): a supplier user reads the
    names of the brand's staff in its history, whose rows are out of its scope. A record's own history
    names neither the record itself (`records=False`).
    """
    ids_by_type: dict[str, set[int]] = {}

    def want(obj_type: str, ids: Iterable[int]) -> None:
        ids_by_type.setdefault(obj_type, set()).update(ids)

    for event in events:
        if records and event.object_type in NAMERS and event.object_id is not None:
            want(event.object_type, [event.object_id])
        for values in (event.before, event.after):
            for field, value in values.items() if isinstance(values, dict) else ():
                if field in REFERENCES:
                    want(REFERENCES[field].object_type, referenced_ids(field, value))
        if event.actor_id is not None and event.actor is None:
            want("User", [event.actor_id])
    names: dict[tuple[str, int], str] = {}
    for obj_type, ids in ids_by_type.items():
        if not ids:
            continue
        if obj_type == "User":
            names.update({("User", user_id): name for user_id, name in people_names(ids).items()})
            continue
        namer = NAMERS[obj_type]
        rows = db.session.scalars(
            select(namer.model).options(*namer.options()).where(namer.model.id.in_(sorted(ids)))
        )
        names.update({(obj_type, row.id): namer.name(row) for row in rows})
    return names


# --- The trail page and its export ------------------------------------------------------------


@dataclass(frozen=True)
class AuditFilters:
    """What the trail page shows: `start` inclusive and `end` exclusive, both aware datetimes."""

    supplier_id: int | None = None
    object_type: str | None = None
    action: str | None = None
    start: datetime | None = None
    end: datetime | None = None


def _action_matches(text: str) -> Any:
    """Codes containing the text, or whose sentence in the user's language does ("rejected", "却下")."""
    needle = text.strip().lower()
    described = [code for code, sentence in ACTION_TEXTS.items() if needle in str(sentence).lower()]
    return or_(
        func.lower(AuditEvent.action).contains(needle, autoescape=True), AuditEvent.action.in_(described)
    )


def _criteria(filters: AuditFilters) -> list[Any]:
    criteria: list[Any] = []
    if filters.supplier_id:
        criteria.append(AuditEvent.supplier_id == filters.supplier_id)
    if filters.object_type:
        criteria.append(AuditEvent.object_type == filters.object_type)
    if filters.action and filters.action.strip():
        criteria.append(_action_matches(filters.action))
    if filters.start:
        criteria.append(AuditEvent.created_at >= filters.start)
    if filters.end:
        criteria.append(AuditEvent.created_at < filters.end)
    return criteria


def event_page(filters: AuditFilters, number: int = 1, per_page: int = PER_PAGE) -> Page[AuditEvent]:
    """One page of the events visible to the session, newest first."""
    criteria = _criteria(filters)
    cap = pagination.COUNT_CAP
    total = count_up_to(select(AuditEvent.id).where(*criteria), cap)
    number = page_number(number, total, per_page)
    query = (
        select(AuditEvent)
        .where(*criteria)
        .order_by(AuditEvent.id.desc())
        .limit(per_page)
        .offset((number - 1) * per_page)
    )
    return Page(list(db.session.scalars(_with_people(query))), total, number, per_page, cap)


def export_rows(filters: AuditFilters) -> Iterator[Any]:
    """The matching events as light column rows, newest first, fetched in batches (for the CSV export)."""
    query = (
        select(
            AuditEvent.id,
            AuditEvent.created_at,
            User.email.label("actor_email"),
            Supplier.code.label("supplier_code"),
            AuditEvent.action,
            AuditEvent.object_type,
            AuditEvent.object_id,
            AuditEvent.before,
            AuditEvent.after,
            AuditEvent.prev_hash,
            AuditEvent.hash,
        )
        .outerjoin(User, User.id == AuditEvent.actor_id)
        .outerjoin(Supplier, Supplier.id == AuditEvent.supplier_id)
        .where(*_criteria(filters))
        .order_by(AuditEvent.id.desc())
        .execution_options(yield_per=EXPORT_BATCH)
    )
    yield from db.session.execute(query)
