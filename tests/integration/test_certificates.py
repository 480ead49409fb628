"""Site certificates: the lot gate, waivers, scanned uploads typed by content, downloads, home warnings."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from app.attachments.models import Attachment
from app.attachments.storage import DOCUMENTS, AttachmentError, check_upload
from app.audit.models import AuditEvent
from app.auth.models import Role
from app.certificates.models import CertificateWaiver, SiteCertificate
from app.certificates.services import (
    CertificateError,
    grant_waiver,
    record_certificate,
    site_lot_gate,
    today,
)
from app.demo.certificates import certificate_with_scan, seed_demo_certificates
from app.extensions import db
from app.suppliers.models import Site, Supplier
from tests import factories
from tests.conftest import csrf_token, login_as

ON = date(2026, 9, 1)
PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = "application/pdf"
PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"


@pytest.fixture
def site(app):
    """A fresh site without certificates, inside an app context."""
    with app.app_context():
        yield factories.site(factories.supplier(), "Chonburi")


def _certificate(site: Site, valid_from: date, valid_until: date, number: str = "QMS-1") -> SiteCertificate:
    return record_certificate(
        site, number=number, certification_body="SGS", valid_from=valid_from, valid_until=valid_until
    )


def _waiver(site: Site, until: date) -> CertificateWaiver:
    # Written directly: grant_waiver refuses end dates in the past of the real today.
    waiver = CertificateWaiver(
        supplier_id=site.supplier_id, site_id=site.id, reason="Audit booked", valid_until=until
    )
    db.session.add(waiver)
    db.session.flush()
    return waiver


# --- the lot gate -------------------------------------------------------------------------------


def test_a_certificate_ending_after_sixty_days_is_valid(site):
    _certificate(site, ON - timedelta(days=300), ON + timedelta(days=61))
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status, gate.valid_until) == (True, "valid", ON + timedelta(days=61))


def test_a_certificate_ending_in_sixty_days_is_expiring_but_allowed(site):
    _certificate(site, ON - timedelta(days=300), ON + timedelta(days=60))
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status) == (True, "expiring")
    assert "in 60 days" in gate.message


def test_a_certificate_is_valid_through_its_last_day(site):
    _certificate(site, ON - timedelta(days=300), ON)
    assert site_lot_gate(site, ON).allowed


def test_the_day_after_valid_until_the_site_is_lapsed_and_refused(site):
    _certificate(site, ON - timedelta(days=300), ON - timedelta(days=1))
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status) == (False, "lapsed")
    assert gate.message == (
        "The ISO 9001 certificate of Chonburi expired on 2026-08-31. New lots are refused until a renewal "
        "is recorded or a quality manager grants a waiver."
    )


def test_a_site_without_certificate_is_missing_and_refused(site):
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status, gate.valid_until) == (False, "missing", None)


def test_a_running_waiver_lets_a_lapsed_site_submit(site):
    _certificate(site, ON - timedelta(days=300), ON - timedelta(days=1))
    _waiver(site, ON)
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status, gate.waiver_until) == (True, "waived", ON)


def test_a_waiver_covers_a_missing_certificate_too(site):
    _waiver(site, ON + timedelta(days=10))
    assert site_lot_gate(site, ON).status == "waived"


def test_an_ended_waiver_no_longer_helps(site):
    _certificate(site, ON - timedelta(days=300), ON - timedelta(days=5))
    _waiver(site, ON - timedelta(days=1))
    gate = site_lot_gate(site, ON)
    assert (gate.allowed, gate.status) == (False, "lapsed")


def test_a_recorded_renewal_ends_the_lapse(site):
    _certificate(site, ON - timedelta(days=1000), ON - timedelta(days=3), number="OLD")
    _certificate(site, ON - timedelta(days=2), ON + timedelta(days=1000), number="NEW")
    assert site_lot_gate(site, ON).status == "valid"


def test_a_renewal_that_has_not_started_yet_does_not_count(site):
    _certificate(site, ON - timedelta(days=1000), ON - timedelta(days=3), number="OLD")
    _certificate(site, ON + timedelta(days=5), ON + timedelta(days=1000), number="NEXT")
    assert site_lot_gate(site, ON).status == "lapsed"


# --- services -----------------------------------------------------------------------------------


def test_valid_until_must_follow_valid_from(site):
    with pytest.raises(CertificateError) as refused:
        _certificate(site, ON, ON)
    assert refused.value.field == "valid_until"


def test_only_a_quality_manager_grants_a_waiver(site):
    reviewer = factories.user(Role.REVIEWER)
    with pytest.raises(CertificateError, match="Only a quality manager"):
        grant_waiver(site, reason="Audit booked", valid_until=today(), granted_by=reviewer)


def test_a_waiver_is_audited(site):
    qm = factories.user(Role.QUALITY_MANAGER)
    waiver = grant_waiver(site, reason="Audit booked", valid_until=today(), granted_by=qm)
    event = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action == "certificate_waiver.granted")
    ).one()
    assert event.object_id == waiver.id and event.supplier_id == site.supplier_id
    assert waiver.granted_by_id == qm.id


def test_each_upload_is_stored_under_its_own_random_name(app, site):
    first = certificate_with_scan(site, number="A").attachment
    twin_site = factories.site(factories.supplier(), "Chonburi")
    second = certificate_with_scan(twin_site, number="A").attachment
    assert first.sha256 == second.sha256 and first.supplier_id != second.supplier_id
    assert first.storage_key != second.storage_key and first.sha256 not in (
        first.storage_key,
        second.storage_key,
    )
    root = Path(app.config["UPLOAD_FOLDER"])
    for attachment in (first, second):
        assert (root / attachment.storage_key[:2] / attachment.storage_key).read_bytes().startswith(b"%PDF-")


def test_demo_seeding_gives_every_demo_site_a_certificate_once(app):
    assert app.test_cli_runner().invoke(args=["seed", "demo"]).exit_code == 0
    with app.app_context():
        seed_demo_certificates()
        assert seed_demo_certificates() == 0
        per_site = db.session.execute(
            select(Site.name, func.count(SiteCertificate.id)).outerjoin(SiteCertificate).group_by(Site.name)
        ).all()
        assert dict(per_site) == {"Chonburi": 1, "Bang Kadi": 1, "Wuxi": 1, "Hai Phong": 1}
        bang_kadi = db.session.scalars(select(Site).where(Site.name == "Bang Kadi")).one()
        gate = site_lot_gate(bang_kadi)
    assert gate.status == "expiring" and gate.valid_until == today() + timedelta(days=40)


# --- pages --------------------------------------------------------------------------------------


def _post_certificate(client, site_id: int, scan=None, **values):
    data = {
        "csrf_token": csrf_token(client, "/account"),
        "number": "TH-QMS-5501",
        "certification_body": "Bureau Veritas",
        "valid_from": "2026-01-01",
        "valid_until": "2029-01-01",
        **values,
    }
    if scan is not None:
        data["scan"] = scan
    return client.post(f"/sites/{site_id}/certificates/new", data=data, content_type="multipart/form-data")


def _latest_certificate(app, site_id: int) -> SiteCertificate:
    with app.app_context():
        certificate = db.session.scalars(
            select(SiteCertificate)
            .where(SiteCertificate.site_id == site_id)
            .order_by(SiteCertificate.id.desc())
        ).first()
        db.session.expunge_all()
        return certificate


def test_quality_manager_records_a_certificate_with_a_scan(app, client, world):
    login_as(client, world.quality_manager)
    response = _post_certificate(client, world.site_a, scan=(io.BytesIO(PDF_BYTES), "scan.pdf"))
    assert response.status_code == 302
    with app.app_context():
        certificate = db.session.scalars(
            select(SiteCertificate).where(SiteCertificate.number == "TH-QMS-5501")
        ).one()
        assert certificate.recorded_by_id == world.quality_manager.id
        assert (certificate.attachment.content_type, certificate.attachment.filename) == (PDF, "scan.pdf")
        assert certificate.attachment.supplier_id == world.supplier_a
        actions = set(db.session.scalars(select(AuditEvent.action).where(AuditEvent.actor_id.is_not(None))))
    assert {"certificate.recorded", "attachment.stored"} <= actions


def test_a_png_named_pdf_is_stored_as_a_png(app, client, world):
    login_as(client, world.admin)
    _post_certificate(client, world.site_a, scan=(io.BytesIO(PNG_BYTES), "certificate.pdf"))
    with app.app_context():
        attachment = db.session.scalars(select(Attachment).order_by(Attachment.id.desc())).first()
        assert (attachment.content_type, attachment.filename) == ("image/png", "certificate.pdf")


@pytest.mark.parametrize(
    "content",
    [b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64, b"<html><script>alert(1)</script></html>"],
    ids=["exe", "html"],
)
def test_a_file_that_is_no_pdf_or_image_is_refused_next_to_the_field(app, client, world, content):
    login_as(client, world.admin)
    response = _post_certificate(client, world.site_a, scan=(io.BytesIO(content), "scan.pdf"))
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="scan-error"' in page and "This file is not a PDF, PNG or JPEG image." in page
    assert 'value="TH-QMS-5501"' in page and 'value="2029-01-01"' in page
    assert _latest_certificate(app, world.site_a).number != "TH-QMS-5501"


def test_a_file_over_ten_megabytes_is_refused(app):
    with app.app_context(), pytest.raises(AttachmentError, match=r"^The file is larger than 10 MB\.$"):
        check_upload(PDF_BYTES + b"0" * (10 * 1024 * 1024), DOCUMENTS)


def test_the_size_limit_is_configurable_and_inclusive(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "ATTACHMENT_MAX_BYTES", 100 * 1024)
    login_as(client, world.admin)
    at_limit = PDF_BYTES + b"0" * (100 * 1024 - len(PDF_BYTES))
    assert _post_certificate(client, world.site_a, scan=(io.BytesIO(at_limit), "a.pdf")).status_code == 302
    over = (io.BytesIO(at_limit + b"0"), "b.pdf")
    page = _post_certificate(client, world.site_a, number="TH-2", scan=over).get_data(as_text=True)
    assert 'id="scan-error"' in page and "The file is larger than 100 KB." in page


def test_valid_until_before_valid_from_is_explained_next_to_the_field(client, world):
    login_as(client, world.admin)
    response = _post_certificate(client, world.site_a, valid_from="2027-05-01", valid_until="2027-04-30")
    page = response.get_data(as_text=True)
    assert 'id="valid_until-error"' in page and "must be after" in page
    assert 'value="2027-05-01"' in page


def test_a_mistyped_date_is_explained(client, world):
    login_as(client, world.admin)
    page = _post_certificate(client, world.site_a, valid_from="31/12/2026").get_data(as_text=True)
    assert 'id="valid_from-error"' in page and "This is not a date." in page


def test_a_waiver_ending_in_the_past_is_refused_next_to_the_field(client, world):
    login_as(client, world.quality_manager)
    yesterday = (today() - timedelta(days=1)).isoformat()
    response = client.post(
        f"/sites/{world.site_a}/waivers/new",
        data={
            "csrf_token": csrf_token(client, "/account"),
            "reason": "Audit booked",
            "valid_until": yesterday,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="valid_until-error"' in page and f"The end date {yesterday} is in the past." in page


def test_quality_manager_grants_a_waiver(app, client, world):
    login_as(client, world.quality_manager)
    until = (today() + timedelta(days=30)).isoformat()
    response = client.post(
        f"/sites/{world.site_a}/waivers/new",
        data={"csrf_token": csrf_token(client, "/account"), "reason": "Audit booked", "valid_until": until},
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(CertificateWaiver)) == 1


def test_an_admin_may_not_grant_a_waiver(client, world):
    login_as(client, world.admin)
    response = client.post(
        f"/sites/{world.site_a}/waivers/new",
        data={"csrf_token": csrf_token(client, "/account"), "reason": "x", "valid_until": "2099-01-01"},
    )
    assert response.status_code == 403


def test_site_page_shows_the_gate_message_and_the_certificates(client, world):
    login_as(client, world.inspector_a)
    page = client.get(f"/sites/{world.site_a}/certificates").get_data(as_text=True)
    assert "The ISO 9001 certificate of Chonburi is valid until" in page
    assert "QMS-0001" in page and f"/certificates/{world.certificate_a}/file" in page
    assert "Record a certificate" not in page and "Grant a waiver" not in page


def test_supplier_detail_links_each_site_to_its_certificates(client, world):
    login_as(client, world.inspector_a)
    page = client.get(f"/suppliers/{world.supplier_a}").get_data(as_text=True)
    assert f"/sites/{world.site_a}/certificates" in page


def test_a_supplier_downloads_its_own_scan_privately(client, world):
    login_as(client, world.inspector_a)
    response = client.get(f"/certificates/{world.certificate_a}/file")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert response.mimetype == PDF
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "private, no-store"


def test_a_supplier_cannot_download_another_suppliers_scan(client, world):
    login_as(client, world.manager_a)
    assert client.get(f"/certificates/{world.certificate_b}/file").status_code == 404


def test_an_image_scan_is_downloaded_with_the_extension_of_its_real_type(app, client, world):
    login_as(client, world.admin)
    _post_certificate(client, world.site_a, scan=(io.BytesIO(PNG_BYTES), "certificate.pdf"))
    response = client.get(f"/certificates/{_latest_certificate(app, world.site_a).id}/file")
    assert response.mimetype == "image/png"
    assert response.headers["Content-Disposition"] == "attachment; filename=certificate.png"


def test_a_certificate_without_scan_has_no_file(app, client, world):
    with app.app_context():
        certificate_id = _certificate(db.session.get(Site, world.site_a), ON, ON + timedelta(days=9)).id
        db.session.commit()
    login_as(client, world.admin)
    assert client.get(f"/certificates/{certificate_id}/file").status_code == 404


# --- home pages ---------------------------------------------------------------------------------


@pytest.fixture
def bang_kadi(app, world):
    """A second site of supplier A whose certificate expires in 40 days."""
    with app.app_context():
        site = factories.site(db.session.get(Supplier, world.supplier_a), "Bang Kadi")
        certificate_with_scan(site, number="TH-QMS-198842", started=1000, days_left=40)
        db.session.commit()
        return site.id


def test_supplier_home_warns_of_its_expiring_certificate(client, world, bang_kadi):
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    assert "Bang Kadi" in page and "in 40 days" in page
    assert f"/sites/{bang_kadi}/certificates" in page


def test_other_suppliers_do_not_see_the_warning(client, world, bang_kadi):
    login_as(client, world.inspector_b)
    assert "Bang Kadi" not in client.get("/home").get_data(as_text=True)


@pytest.mark.parametrize("who", ["reviewer", "admin"])
def test_internal_homes_warn_of_expiring_certificates(client, world, bang_kadi, who):
    login_as(client, getattr(world, who))
    page = client.get("/home").get_data(as_text=True)
    assert "Bang Kadi" in page and "ALPHA" in page and "in 40 days" in page


def test_a_lapsed_certificate_shows_days_since(app, client, world):
    with app.app_context():
        site = factories.site(db.session.get(Supplier, world.supplier_b), "Suzhou")
        certificate_with_scan(site, number="OLD-1", started=1000, days_left=-3)
        db.session.commit()
    login_as(client, world.manager_b)
    page = client.get("/home").get_data(as_text=True)
    assert "3 days ago" in page and "New lots are refused." in page
