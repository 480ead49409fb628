"""app.tenancy scopes every query of a supplier user and refuses foreign writes."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from app import tenancy
from app.audit.services import record
from app.auth.models import User
from app.extensions import db
from app.suppliers.models import Site, Supplier

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world


@pytest.fixture
def scoped(app, world):
    with app.app_context():
        tenancy.set_scope(db.session, world.supplier_a)
        yield world


def test_scoped_session_sees_only_its_own_supplier_rows(scoped):
    assert db.session.scalars(select(Supplier.code)).all() == ["ALPHA"]
    assert db.session.scalars(select(Site.name)).all() == ["Chonburi"]
    emails = set(db.session.scalars(select(User.email)))
    assert emails == {scoped.inspector_a.email, scoped.manager_a.email}


def test_scope_also_filters_joins_and_counts(scoped):
    joined = db.session.execute(select(Site.name, Supplier.code).join(Supplier)).all()
    assert joined == [("Chonburi", "ALPHA")]
    assert db.session.scalar(select(func.count(Site.id))) == 1


def test_get_or_404_hides_another_suppliers_row(scoped):
    from werkzeug.exceptions import NotFound

    assert tenancy.get_or_404(Site, scoped.site_a).name == "Chonburi"
    with pytest.raises(NotFound):
        tenancy.get_or_404(Site, scoped.site_b)


def test_writing_another_suppliers_row_is_refused(scoped):
    db.session.add(Site(supplier_id=scoped.supplier_b, name="Sneaky", city="X", country="CN"))
    with pytest.raises(tenancy.TenancyError):
        db.session.flush()
    db.session.rollback()


def test_moving_an_own_row_to_another_supplier_is_refused(scoped):
    site = tenancy.get_or_404(Site, scoped.site_a)
    site.supplier_id = scoped.supplier_b
    with pytest.raises(tenancy.TenancyError):
        db.session.flush()
    db.session.rollback()


def test_unscoped_session_sees_everything(app, world):
    with app.app_context():
        assert db.session.scalar(select(func.count(Supplier.id))) == 2


def test_audit_events_are_hash_chained(app, world):
    with app.app_context():
        supplier = db.session.get(Supplier, world.supplier_a)
        first = record("test.one", supplier)
        second = record("test.two", supplier)
        assert second.prev_hash == first.hash
        from app.audit.services import event_hash

        assert event_hash(second) == second.hash
        second.after = {"tampered": True}
        assert event_hash(second) != second.hash
