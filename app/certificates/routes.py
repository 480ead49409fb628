"""A site's certificates and waivers: everyone who may see the site reads them; the brand records them."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.attachments.models import Attachment
from app.attachments.storage import send_attachment
from app.audit.queries import history_for
from app.certificates import policy, services
from app.certificates.forms import CertificateForm, WaiverForm
from app.certificates.models import SiteCertificate
from app.forms import show_rule_error
from app.security import ANY_ROLE, form_view, roles_required
from app.suppliers.models import Site
from app.tenancy import get_or_404

bp = Blueprint("certificates", __name__)


@bp.route("/sites/<int:site_id>/certificates")
@roles_required(ANY_ROLE)
def site(site_id: int):
    """A site's certificates and waivers, and whether it may submit lots today."""
    site = get_or_404(Site, site_id)
    certificates, waivers = services.site_certificates(site), services.site_waivers(site)
    return render_template(
        "certificates/site.html",
        site=site,
        gate=services.site_lot_gate(site),
        certificates=certificates,
        waivers=waivers,
        today=services.today(),
        history=history_for(site, *certificates, *waivers),
    )


@bp.route("/sites/<int:site_id>/certificates/new", methods=["GET", "POST"])
@roles_required(policy.RECORDERS)
@form_view
def create(site_id: int):
    """Record a site's certificate or its renewal, with the scanned certificate."""
    site = get_or_404(Site, site_id)
    form = CertificateForm()
    if form.validate_on_submit():
        try:
            certificate = services.record_certificate(
                site,
                number=form.number.data,
                certification_body=form.certification_body.data,
                valid_from=form.valid_from.data,
                valid_until=form.valid_until.data,
                scan=form.scan.data,
                recorded_by=current_user,
            )
        except services.CertificateError as error:
            show_rule_error(form, error)
        else:
            flash(_("Certificate %(number)s recorded.", number=certificate.number), "success")
            return redirect(url_for("certificates.site", site_id=site.id))
    return render_template("certificates/certificate_form.html", form=form, site=site)


@bp.route("/sites/<int:site_id>/waivers/new", methods=["GET", "POST"])
@roles_required(policy.WAIVER_GRANTORS)
@form_view
def create_waiver(site_id: int):
    """Let a site submit lots without a valid certificate until an end date."""
    site = get_or_404(Site, site_id)
    form = WaiverForm()
    if form.validate_on_submit():
        try:
            waiver = services.grant_waiver(
                site, reason=form.reason.data, valid_until=form.valid_until.data, granted_by=current_user
            )
        except services.CertificateError as error:
            show_rule_error(form, error)
        else:
            flash(_("Waiver granted until %(date)s.", date=waiver.valid_until.isoformat()), "success")
            return redirect(url_for("certificates.site", site_id=site.id))
    return render_template("certificates/waiver_form.html", form=form, site=site)


@bp.route("/certificates/<int:certificate_id>/file")
@roles_required(ANY_ROLE)
def download(certificate_id: int):
    """The scanned certificate, for anyone who may see its site."""
    certificate = get_or_404(SiteCertificate, certificate_id)
    if certificate.attachment_id is None:
        abort(404)
    return send_attachment(get_or_404(Attachment, certificate.attachment_id))
