"""Supplier and site pages: admins change master data; everyone sees what they may."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.audit.queries import history_for
from app.forms import show_rule_error
from app.main import figures
from app.security import ANY_ROLE, INTERNAL, form_view, roles_required
from app.suppliers import services
from app.suppliers.forms import STATUS_LABELS, SiteForm, SupplierForm
from app.suppliers.models import Site, Supplier
from app.suppliers.policy import SUPPLIER_EDITORS
from app.tenancy import get_or_404

bp = Blueprint("suppliers", __name__, url_prefix="/suppliers")


@bp.route("/")
@roles_required(INTERNAL)
def index():
    """All suppliers with their sites and users."""
    return render_template(
        "suppliers/index.html", overview=figures.suppliers_overview(), status_labels=STATUS_LABELS
    )


@bp.route("/new", methods=["GET", "POST"])
@roles_required(SUPPLIER_EDITORS)
@form_view
def create():
    """Register a supplier."""
    form = SupplierForm()
    if form.validate_on_submit():
        try:
            supplier = services.create_supplier(**_supplier_values(form))
        except services.SupplierError as error:
            show_rule_error(form, error)
        else:
            flash(_("Supplier %(code)s created.", code=supplier.code), "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/form.html", form=form, supplier=None)


@bp.route("/<int:supplier_id>")
@roles_required(ANY_ROLE)
def detail(supplier_id: int):
    """A supplier's page: master data, sites, users."""
    supplier = get_or_404(Supplier, supplier_id)
    return render_template(
        "suppliers/detail.html",
        supplier=supplier,
        users=figures.user_counts(supplier.id),
        status_labels=STATUS_LABELS,
        history=history_for(supplier),
    )


@bp.route("/<int:supplier_id>/edit", methods=["GET", "POST"])
@roles_required(SUPPLIER_EDITORS)
@form_view
def edit(supplier_id: int):
    """Change a supplier's master data."""
    supplier = get_or_404(Supplier, supplier_id)
    form = SupplierForm(obj=supplier)
    if form.validate_on_submit():
        try:
            services.update_supplier(supplier, **_supplier_values(form))
        except services.SupplierError as error:
            show_rule_error(form, error)
        else:
            flash(_("Supplier %(code)s saved.", code=supplier.code), "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/form.html", form=form, supplier=supplier)


@bp.route("/<int:supplier_id>/sites/new", methods=["GET", "POST"])
@roles_required(SUPPLIER_EDITORS)
@form_view
def create_site(supplier_id: int):
    """Add a factory site to a supplier."""
    supplier = get_or_404(Supplier, supplier_id)
    form = SiteForm()
    if form.validate_on_submit():
        try:
            site = services.create_site(supplier, **_site_values(form))
        except services.SupplierError as error:
            show_rule_error(form, error)
        else:
            flash(_("Site %(name)s added.", name=site.name), "success")
            return redirect(url_for("suppliers.detail", supplier_id=supplier.id))
    return render_template("suppliers/site_form.html", form=form, supplier=supplier, site=None)


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(SUPPLIER_EDITORS)
@form_view
def edit_site(site_id: int):
    """Change a site's name or location."""
    site = get_or_404(Site, site_id)
    form = SiteForm(obj=site)
    if form.validate_on_submit():
        try:
            services.update_site(site, **_site_values(form))
        except services.SupplierError as error:
            show_rule_error(form, error)
        else:
            flash(_("Site %(name)s saved.", name=site.name), "success")
            return redirect(url_for("suppliers.detail", supplier_id=site.supplier_id))
    return render_template("suppliers/site_form.html", form=form, supplier=site.supplier, site=site)


def _supplier_values(form: SupplierForm) -> dict[str, str]:
    return {name: form[name].data for name in services.SUPPLIER_FIELDS}


def _site_values(form: SiteForm) -> dict[str, str]:
    return {name: form[name].data for name in ("name", "city", "country", "timezone")}
