"""The demo's brand staff and suppliers with their sites and people, all signing in with DEMO_PASSWORD."""

from __future__ import annotations

from sqlalchemy import select

from app.auth.models import Role
from app.extensions import db
from app.suppliers import services as supplier_services
from app.suppliers.models import Supplier
from app.users.services import ensure_user

DEMO_PASSWORD = "quality-first-2026"  # noqa: S105 - demo data, printed on purpose

DEMO_STAFF = (
    ("reviewer@brand.example", "Aiko Tanaka", Role.REVIEWER),
    ("qm@brand.example", "Kenji Sato", Role.QUALITY_MANAGER),
    ("admin@brand.example", "Portal Administrator", Role.ADMIN),
)

DEMO_SUPPLIERS = (
    {
        "code": "SIAM",
        "legal_name": "Siam Precision Manufacturing Co., Ltd.",
        "country": "TH",
        "language": "th",
        "domain": "siam-precision.example",
        "people": ("Somchai Jaidee", "Malee Srisuk"),
        "sites": (("Chonburi", "Amata City, Chonburi"), ("Bang Kadi", "Pathum Thani")),
    },
    {
        "code": "WUXI",
        "legal_name": "Wuxi Optronics Co., Ltd.",
        "country": "CN",
        "language": "zh_Hans",
        "domain": "wuxi-optronics.example",
        "people": ("Li Wei", "Zhang Min"),
        "sites": (("Wuxi", "Wuxi New District, Jiangsu"),),
    },
    {
        "code": "HPA",
        "legal_name": "Hai Phong Assembly JSC",
        "country": "VN",
        "language": "vi",
        "domain": "haiphong-assembly.example",
        "people": ("Nguyen Van An", "Tran Thi Binh"),
        "sites": (("Hai Phong", "VSIP Hai Phong"),),
    },
)


def ensure_supplier(spec: dict) -> Supplier:  # type: ignore[type-arg]
    supplier = db.session.scalars(select(Supplier).where(Supplier.code == spec["code"])).one_or_none()
    if supplier is None:
        supplier = supplier_services.create_supplier(
            code=spec["code"],
            legal_name=spec["legal_name"],
            country=spec["country"],
            default_language=spec["language"],
        )
    existing = {site.name for site in supplier.sites}
    for name, city in spec["sites"]:
        if name not in existing:
            supplier_services.create_site(supplier, name=name, city=city, country=spec["country"])
    return supplier


def seed_demo_people() -> list[tuple[str, str, str]]:
    """The staff and the suppliers' people (idempotent); (e-mail, role, organisation) of each login."""
    logins = []
    for email, name, role in DEMO_STAFF:
        ensure_user(email, name, role, None, DEMO_PASSWORD)
        logins.append((email, role.value, "Brand"))
    for spec in DEMO_SUPPLIERS:
        supplier = ensure_supplier(spec)
        inspector, manager = spec["people"]
        for local, name, role in (
            ("inspector", inspector, Role.SUPPLIER_INSPECTOR),
            ("manager", manager, Role.SUPPLIER_MANAGER),
        ):
            email = f"{local}@{spec['domain']}"
            ensure_user(email, name, role, supplier.id, DEMO_PASSWORD)
            logins.append((email, role.value, supplier.code))
    return logins
