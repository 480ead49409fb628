"""Demo certificates: every demo site gets one (idempotent); Bang Kadi's expires soon, to show the warning."""

from __future__ import annotations

import io
from datetime import date, timedelta

from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from app.certificates.models import SiteCertificate
from app.certificates.services import record_certificate, today
from app.demo.people import DEMO_SUPPLIERS
from app.extensions import db
from app.suppliers.models import Site, Supplier

# (supplier code, site name) -> certificate number, certification body, days since start, days left.
DEMO_CERTIFICATES = {
    ("SIAM", "Chonburi"): ("TH-QMS-204117", "Bureau Veritas Certification", 300, 3 * 365 - 300),
    ("SIAM", "Bang Kadi"): ("TH-QMS-198842", "TÜV SÜD", 3 * 365 - 40, 40),
    ("WUXI", "Wuxi"): ("CN-04721-Q", "SGS", 200, 3 * 365 - 200),
    ("HPA", "Hai Phong"): ("VN-9001-3381", "DNV", 100, 3 * 365 - 100),
}
DEFAULT_CERTIFICATE = ("DEMO-QMS-0001", "Bureau Veritas Certification", 180, 3 * 365 - 180)


def demo_scan_pdf(site: str, number: str, valid_until: date) -> bytes:
    """A one-page PDF standing in for a scanned certificate."""
    text = f"ISO 9001 certificate {number} - {site} - valid until {valid_until.isoformat()} (demo)"
    text = text.encode("ascii", "replace").decode("ascii").replace("(", "[").replace(")", "]")
    stream = f"BT /F1 14 Tf 60 760 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (n, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def certificate_with_scan(
    site: Site, *, number: str = "QMS-0001", body: str = "SGS", started: int = 365, days_left: int = 730
) -> SiteCertificate:
    """Record a certificate of `site` with a scanned PDF, dated relative to today."""
    start = today() - timedelta(days=started)
    until = today() + timedelta(days=days_left)
    pdf = demo_scan_pdf(site.name, number, until)
    scan = FileStorage(io.BytesIO(pdf), filename=f"{number}.pdf", content_type="application/pdf")
    return record_certificate(
        site, number=number, certification_body=body, valid_from=start, valid_until=until, scan=scan
    )


def seed_demo_certificates() -> int:
    """Give every demo site without a certificate one (flushes, never commits); returns how many were made."""

    made = 0
    for spec in DEMO_SUPPLIERS:
        for site_name, _city in spec["sites"]:
            site = db.session.scalars(
                select(Site).join(Supplier).where(Supplier.code == spec["code"], Site.name == site_name)
            ).one_or_none()
            if site is None or _has_certificate(site):
                continue
            number, body, started, days_left = DEMO_CERTIFICATES.get(
                (spec["code"], site_name), DEFAULT_CERTIFICATE
            )
            certificate_with_scan(site, number=number, body=body, started=started, days_left=days_left)
            made += 1
    return made


def _has_certificate(site: Site) -> bool:
    return db.session.scalar(select(SiteCertificate.id).where(SiteCertificate.site_id == site.id)) is not None
