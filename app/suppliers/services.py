"""Creating and changing suppliers and their sites, with the audit trail."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from app.audit.services import record, snapshot
from app.extensions import db
from app.rules import RuleError, taken
from app.suppliers.models import Site, Supplier
from app.timezones import zone_of_country

SUPPLIER_FIELDS = ("code", "legal_name", "country", "status", "default_language")
SITE_FIELDS = ("name", "city", "country", "timezone", "supplier_id")


class SupplierError(RuleError):
    """A supplier change that breaks a rule; `field` names the form field at fault."""


def _check_unique_code(code: str, exclude_id: int | None = None) -> None:
    if taken(Supplier, Supplier.code == code, exclude_id=exclude_id):
        raise SupplierError(_("Another supplier already uses the code %(code)s.", code=code), "code")


def create_supplier(**values: Any) -> Supplier:
    """Register a new OEM supplier."""
    values["code"] = values["code"].strip().upper()
    _check_unique_code(values["code"])
    supplier = Supplier(**values)
    db.session.add(supplier)
    db.session.flush()
    record("supplier.created", supplier, after=snapshot(supplier, SUPPLIER_FIELDS))
    return supplier


def update_supplier(supplier: Supplier, **values: Any) -> None:
    """Change a supplier's master data."""
    values["code"] = values["code"].strip().upper()
    _check_unique_code(values["code"], exclude_id=supplier.id)
    before = snapshot(supplier, SUPPLIER_FIELDS)
    for name, value in values.items():
        setattr(supplier, name, value)
    record("supplier.updated", supplier, before=before, after=snapshot(supplier, SUPPLIER_FIELDS))


def _check_unique_site(supplier_id: int, name: str, exclude_id: int | None = None) -> None:
    if taken(Site, Site.supplier_id == supplier_id, Site.name == name, exclude_id=exclude_id):
        raise SupplierError(_("This supplier already has a site called %(name)s.", name=name), "name")


def create_site(supplier: Supplier, **values: Any) -> Site:
    """Add a factory site to a supplier."""
    _check_unique_site(supplier.id, values["name"])
    values["timezone"] = values.get("timezone") or zone_of_country(values["country"])
    site = Site(supplier_id=supplier.id, **values)
    db.session.add(site)
    db.session.flush()
    record("site.created", site, after=snapshot(site, SITE_FIELDS))
    return site


def update_site(site: Site, **values: Any) -> None:
    """Change a site's name or location."""
    _check_unique_site(site.supplier_id, values["name"], exclude_id=site.id)
    before = snapshot(site, SITE_FIELDS)
    values["timezone"] = values.get("timezone") or zone_of_country(values.get("country", site.country))
    for name, value in values.items():
        setattr(site, name, value)
    record("site.updated", site, before=before, after=snapshot(site, SITE_FIELDS))
