"""Every protected route, how to call it, and who may: the authorization matrix's table.

A route added without a row here fails `test_every_protected_route_is_in_the_matrix`.
`own` selects ids of the caller's supplier (supplier A) or of the other supplier (B).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from app.auth.models import Role
from app.clock import utcnow
from app.scorecards.periods import Period

ALL = frozenset(Role)
INTERNAL = frozenset({Role.REVIEWER, Role.QUALITY_MANAGER, Role.ADMIN})
ADMIN = frozenset({Role.ADMIN})
USER_ADMINS = frozenset({Role.ADMIN, Role.SUPPLIER_MANAGER})
MANAGER = frozenset({Role.SUPPLIER_MANAGER})
SUPPLIER = frozenset({Role.SUPPLIER_INSPECTOR, Role.SUPPLIER_MANAGER})
PART_EDITORS = frozenset({Role.ADMIN, Role.QUALITY_MANAGER})
QM = frozenset({Role.QUALITY_MANAGER})
REVIEWERS = frozenset({Role.REVIEWER, Role.QUALITY_MANAGER})


@dataclass(frozen=True)
class Route:
    method: str
    url: Callable[[SimpleNamespace, bool], str]
    allowed: frozenset[Role]
    # True when the URL carries a supplier-owned id: a supplier user using another supplier's id gets 404.
    tenant_bound: bool = False
    # True when the URL carries a row of one user (a notification): `url(w, True)` names the caller's
    # own row (`w.me`, the caller's attribute in `world`), `url(w, False)` another user's, which is a 404.
    user_bound: bool = False


def _pick(w: SimpleNamespace, own: bool, a: str, b: str):  # type: ignore[no-untyped-def]
    return getattr(w, a if own else b)


def _supplier(w, own):  # type: ignore[no-untyped-def]
    return _pick(w, own, "supplier_a", "supplier_b")


def _user(w, own):  # type: ignore[no-untyped-def]
    return _pick(w, own, "inspector_a", "inspector_b").id


def _lot(w, own):  # type: ignore[no-untyped-def]
    return _pick(w, own, "lot_a", "lot_b")


def _scar(w, own):  # type: ignore[no-untyped-def]
    return _pick(w, own, "scar_a", "scar_b")


def _notification(w, own):  # type: ignore[no-untyped-def]
    """The caller's own notification (inspector A's when no caller is named), or inspector B's."""
    return getattr(
        w, f"notification_{getattr(w, 'me', 'inspector_a')}" if own else "notification_inspector_b"
    )


def _period() -> str:
    """The month the world's scorecards are published for: the current one."""
    return Period.containing(utcnow().date()).key


def _card(w, own):  # type: ignore[no-untyped-def]
    """A supplier's card of the world's published period (suppliers see published cards only)."""
    return f"/scorecards/{_period()}/suppliers/{_supplier(w, own)}"


PUBLIC_ENDPOINTS = {
    "static",
    "main.index",
    "main.language",
    "main.healthz",
    "auth.login",
    "auth.forgot_password",
    "auth.set_password",
    "api.openapi",
    "api.reference",
}

ROUTES: dict[str, Route] = {
    "main.home": Route("GET", lambda w, o: "/home", ALL),
    "auth.logout": Route("POST", lambda w, o: "/logout", ALL),
    "auth.account": Route("GET", lambda w, o: "/account", ALL),
    "auth.change_password": Route("POST", lambda w, o: "/account/password", ALL),
    "auth.end_sessions": Route("POST", lambda w, o: "/account/sessions/end", ALL),
    "auth.save_preferences": Route("POST", lambda w, o: "/account/preferences", ALL),
    "suppliers.index": Route("GET", lambda w, o: "/suppliers/", INTERNAL),
    "suppliers.create": Route("GET", lambda w, o: "/suppliers/new", ADMIN),
    "suppliers.detail": Route("GET", lambda w, o: f"/suppliers/{_supplier(w, o)}", ALL, True),
    "suppliers.edit": Route("GET", lambda w, o: f"/suppliers/{_supplier(w, o)}/edit", ADMIN, True),
    "suppliers.create_site": Route(
        "GET", lambda w, o: f"/suppliers/{_supplier(w, o)}/sites/new", ADMIN, True
    ),
    "suppliers.edit_site": Route(
        "GET", lambda w, o: f"/suppliers/sites/{_pick(w, o, 'site_a', 'site_b')}/edit", ADMIN, True
    ),
    "users.index": Route("GET", lambda w, o: "/users/", ADMIN),
    "users.invite": Route("GET", lambda w, o: "/users/invite", ADMIN),
    "users.team": Route("GET", lambda w, o: "/team", MANAGER),
    "users.team_invite": Route("GET", lambda w, o: "/team/invite", MANAGER),
    "users.detail": Route("GET", lambda w, o: f"/users/{_user(w, o)}", USER_ADMINS, True),
    "users.deactivate": Route("POST", lambda w, o: f"/users/{_user(w, o)}/deactivate", USER_ADMINS, True),
    "users.reactivate": Route("POST", lambda w, o: f"/users/{_user(w, o)}/reactivate", USER_ADMINS, True),
    "users.resend_invitation": Route(
        "POST", lambda w, o: f"/users/{_user(w, o)}/resend-invitation", USER_ADMINS, True
    ),
    "users.end_sessions": Route("POST", lambda w, o: f"/users/{_user(w, o)}/end-sessions", ADMIN, True),
    "parts.index": Route("GET", lambda w, o: "/parts/", ALL),
    "parts.create": Route("GET", lambda w, o: "/parts/new", PART_EDITORS),
    "parts.detail": Route("GET", lambda w, o: f"/parts/{_pick(w, o, 'part_a', 'part_b')}", ALL, True),
    "parts.edit": Route(
        "GET", lambda w, o: f"/parts/{_pick(w, o, 'part_a', 'part_b')}/edit", PART_EDITORS, True
    ),
    "parts.approve": Route(
        "GET", lambda w, o: f"/parts/{_pick(w, o, 'part_a', 'part_b')}/approvals/new", PART_EDITORS, True
    ),
    "parts.revoke": Route(
        "POST",
        lambda w, o: f"/parts/approvals/{_pick(w, o, 'approval_a', 'approval_b')}/revoke",
        PART_EDITORS,
        True,
    ),
    "standards.start": Route(
        "POST", lambda w, o: f"/parts/{_pick(w, o, 'part_a', 'part_b')}/standard", QM, True
    ),
    "standards.view": Route(
        "GET", lambda w, o: f"/revisions/{_pick(w, o, 'revision_a', 'revision_b')}", ALL, True
    ),
    "standards.edit": Route(
        "GET", lambda w, o: f"/revisions/{_pick(w, o, 'revision_a', 'revision_b')}/edit", QM, True
    ),
    "standards.release": Route(
        "POST", lambda w, o: f"/revisions/{_pick(w, o, 'revision_a', 'revision_b')}/release", QM, True
    ),
    "standards.new_revision": Route(
        "POST", lambda w, o: f"/standards/{_pick(w, o, 'standard_a', 'standard_b')}/revisions/new", QM, True
    ),
    "standards.compare": Route(
        "GET", lambda w, o: f"/standards/{_pick(w, o, 'standard_a', 'standard_b')}/compare", INTERNAL, True
    ),
    "standards.defects": Route("GET", lambda w, o: "/defects/", ALL),
    "standards.edit_defect": Route("GET", lambda w, o: "/defects/new", PART_EDITORS),
    "sampling.calculator": Route("GET", lambda w, o: "/sampling/calculator?lot_size=500", ALL),
    "sampling.status": Route("GET", lambda w, o: "/sampling/status", SUPPLIER),
    "sampling.detail": Route(
        "GET", lambda w, o: f"/switching/{_pick(w, o, 'switching_a', 'switching_b')}", ALL, True
    ),
    "sampling.set_reduced": Route(
        "POST", lambda w, o: f"/switching/{_pick(w, o, 'switching_a', 'switching_b')}/reduced", QM, True
    ),
    "sampling.restore": Route(
        "POST", lambda w, o: f"/switching/{_pick(w, o, 'switching_a', 'switching_b')}/restore", QM, True
    ),
    "certificates.site": Route(
        "GET", lambda w, o: f"/sites/{_pick(w, o, 'site_a', 'site_b')}/certificates", ALL, True
    ),
    "certificates.create": Route(
        "GET",
        lambda w, o: f"/sites/{_pick(w, o, 'site_a', 'site_b')}/certificates/new",
        frozenset({Role.ADMIN, Role.QUALITY_MANAGER}),
        True,
    ),
    "certificates.create_waiver": Route(
        "GET",
        lambda w, o: f"/sites/{_pick(w, o, 'site_a', 'site_b')}/waivers/new",
        frozenset({Role.QUALITY_MANAGER}),
        True,
    ),
    "certificates.download": Route(
        "GET", lambda w, o: f"/certificates/{_pick(w, o, 'certificate_a', 'certificate_b')}/file", ALL, True
    ),
    "lots.index": Route("GET", lambda w, o: "/lots", ALL),
    "search.index": Route("GET", lambda w, o: "/search?q=0001", ALL),
    "lots.create": Route("GET", lambda w, o: "/lots/new", SUPPLIER),
    "lots.detail": Route("GET", lambda w, o: f"/lots/{_lot(w, o)}", ALL, True),
    "lots.data": Route("GET", lambda w, o: f"/lots/{_lot(w, o)}/data", SUPPLIER, True),
    "lots.submit": Route("POST", lambda w, o: f"/lots/{_lot(w, o)}/submit", SUPPLIER, True),
    "lots.import_data": Route("POST", lambda w, o: f"/lots/{_lot(w, o)}/import", SUPPLIER, True),
    "lots.template": Route("GET", lambda w, o: f"/lots/{_lot(w, o)}/template.csv", ALL, True),
    "lots.attach": Route("POST", lambda w, o: f"/lots/{_lot(w, o)}/attachments", SUPPLIER, True),
    "lots.attachment": Route(
        "GET",
        lambda w, o: f"/lots/{_lot(w, o)}/attachments/{_pick(w, o, 'lot_file_a', 'lot_file_b')}",
        ALL,
        True,
    ),
    "lots.remove_attachment": Route(
        "POST",
        lambda w, o: f"/lots/{_lot(w, o)}/attachments/{_pick(w, o, 'lot_file_a', 'lot_file_b')}/remove",
        SUPPLIER,
        True,
    ),
    "reviews.index": Route("GET", lambda w, o: "/review", INTERNAL),
    "reviews.claim": Route(
        "POST", lambda w, o: f"/lots/{_pick(w, o, 'submitted_a', 'submitted_b')}/claim", REVIEWERS, True
    ),
    "reviews.release": Route("POST", lambda w, o: f"/lots/{w.in_review_a}/release", REVIEWERS),
    "reviews.decide": Route("POST", lambda w, o: f"/lots/{w.in_review_a}/decision", REVIEWERS),
    "reviews.deviation": Route("POST", lambda w, o: f"/lots/{w.in_review_a}/deviation", REVIEWERS),
    "reviews.second_signature": Route(
        "POST", lambda w, o: f"/lots/{w.in_review_a}/deviation/signature", REVIEWERS
    ),
    # A chart of a decided lot of each supplier; the empty form is refused (422) for a quality manager.
    "reviews.freeze_baseline": Route(
        "POST", lambda w, o: f"/lots/{_pick(w, o, 'decided_a', 'decided_b')}/charts/p/freeze", QM, True
    ),
    "reviews.unfreeze_baseline": Route(
        "POST", lambda w, o: f"/lots/{_pick(w, o, 'decided_a', 'decided_b')}/charts/p/unfreeze", QM, True
    ),
    "reviews.report": Route(
        "GET", lambda w, o: f"/lots/{_pick(w, o, 'decided_a', 'decided_b')}/report.pdf", ALL, True
    ),
    "reviews.reviewers": Route(
        "GET", lambda w, o: f"/suppliers/{_supplier(w, o)}/reviewers", PART_EDITORS, True
    ),
    "scar_downloads.export": Route("GET", lambda w, o: "/scars/export.csv", ALL),
    "scar_downloads.report": Route(
        "GET", lambda w, o: f"/scars/{_pick(w, o, 'scar_a', 'scar_b')}/report.pdf", ALL, True
    ),
    "scars.index": Route("GET", lambda w, o: "/scars", ALL),
    "scars.create": Route("GET", lambda w, o: "/scars/new", REVIEWERS),
    "scars.deadlines": Route("GET", lambda w, o: "/scars/deadlines", QM),
    "scars.detail": Route("GET", lambda w, o: f"/scars/{_scar(w, o)}", ALL, True),
    "scars.step": Route("GET", lambda w, o: f"/scars/{_scar(w, o)}/steps/D0", ALL, True),
    "scars.answer_step": Route("POST", lambda w, o: f"/scars/{_scar(w, o)}/steps/D0", SUPPLIER, True),
    "scars.decide": Route("POST", lambda w, o: f"/scars/{_scar(w, o)}/steps/D0/decision", REVIEWERS, True),
    "scars.change_due_date": Route(
        "POST", lambda w, o: f"/scars/{_scar(w, o)}/steps/D4/due-date", REVIEWERS, True
    ),
    "scars.attach": Route(
        "POST", lambda w, o: f"/scars/{_scar(w, o)}/attachments", SUPPLIER | REVIEWERS, True
    ),
    "scars.attachment": Route(
        "GET",
        lambda w, o: f"/scars/{_scar(w, o)}/attachments/{_pick(w, o, 'scar_file_a', 'scar_file_b')}",
        ALL,
        True,
    ),
    "scorecards.index": Route("GET", lambda w, o: "/scorecards", ALL),
    "scorecards.rules": Route("GET", lambda w, o: "/scorecards/rules", INTERNAL),
    "scorecards.save_rules": Route("POST", lambda w, o: "/scorecards/rules", QM),
    "scorecards.period": Route("GET", lambda w, o: f"/scorecards/{_period()}", INTERNAL),
    "scorecards.confirm_publish": Route("GET", lambda w, o: f"/scorecards/{_period()}/publish", QM),
    "scorecards.publish": Route("POST", lambda w, o: f"/scorecards/{_period()}/publish", QM),
    "scorecards.card": Route("GET", lambda w, o: _card(w, o), ALL, True),
    "scorecards.card_pdf": Route("GET", lambda w, o: f"{_card(w, o)}/card.pdf", ALL, True),
    "scorecards.lots": Route("GET", lambda w, o: f"{_card(w, o)}/lots?list=decided", ALL, True),
    "scorecards.scars": Route("GET", lambda w, o: f"{_card(w, o)}/scars?list=due", ALL, True),
    "scorecards.targets": Route("GET", lambda w, o: f"/suppliers/{_supplier(w, o)}/targets", INTERNAL, True),
    "scorecards.save_targets": Route("POST", lambda w, o: f"/suppliers/{_supplier(w, o)}/targets", QM, True),
    "audit.index": Route("GET", lambda w, o: "/audit", INTERNAL),
    "audit.export": Route("GET", lambda w, o: "/audit/export.csv", INTERNAL),
    "twofactor.verify": Route("GET", lambda w, o: "/login/code", ALL),
    "twofactor.recover": Route("GET", lambda w, o: "/login/recovery", ALL),
    "twofactor.setup": Route("GET", lambda w, o: "/account/two-factor", ALL),
    "twofactor.reset": Route("POST", lambda w, o: f"/users/{_user(w, o)}/two-factor/reset", ADMIN, True),
    "twofactor.team": Route("POST", lambda w, o: "/team/two-factor", MANAGER),
    "notifications.index": Route("GET", lambda w, o: "/notifications", ALL),
    "notifications.read_all": Route("POST", lambda w, o: "/notifications/read-all", ALL),
    "notifications.open": Route(
        "POST", lambda w, o: f"/notifications/{_notification(w, o)}/open", ALL, user_bound=True
    ),
    "api_tokens.index": Route("GET", lambda w, o: "/tokens", USER_ADMINS),
    "api_tokens.webhooks": Route("GET", lambda w, o: "/tokens/webhooks", USER_ADMINS),
    "api_tokens.revoke": Route(
        "POST", lambda w, o: f"/tokens/{_pick(w, o, 'token_a', 'token_b')}/revoke", USER_ADMINS, True
    ),
}


@dataclass(frozen=True)
class ApiRoute:
    """An API route, called with supplier A's token: `url(w, True)` names A's ids, `url(w, False)` B's
    (a 404). A route without ids has `tenant_bound` False."""

    method: str
    url: Callable[[SimpleNamespace, bool], str]
    tenant_bound: bool = False


API_ROUTES: dict[str, ApiRoute] = {
    "api.parts": ApiRoute("GET", lambda w, o: "/api/v1/parts"),
    "api.revision": ApiRoute(
        "GET", lambda w, o: f"/api/v1/revisions/{_pick(w, o, 'revision_a', 'revision_b')}", True
    ),
    "api.create_lot": ApiRoute("POST", lambda w, o: "/api/v1/lots"),
    "api.list_lots": ApiRoute("GET", lambda w, o: "/api/v1/lots"),
    "api.get_lot": ApiRoute("GET", lambda w, o: f"/api/v1/lots/{_lot(w, o)}", True),
    "api.put_measurements": ApiRoute("PUT", lambda w, o: f"/api/v1/lots/{_lot(w, o)}/measurements", True),
    "api.submit_lot": ApiRoute("POST", lambda w, o: f"/api/v1/lots/{_lot(w, o)}/submit", True),
    "api.create_hook": ApiRoute("POST", lambda w, o: "/api/v1/webhooks"),
    "api.list_hooks": ApiRoute("GET", lambda w, o: "/api/v1/webhooks"),
    "api.delete_hook": ApiRoute(
        "DELETE", lambda w, o: f"/api/v1/webhooks/{_pick(w, o, 'webhook_a', 'webhook_b')}", True
    ),
    "api.hook_deliveries": ApiRoute(
        "GET", lambda w, o: f"/api/v1/webhooks/{_pick(w, o, 'webhook_a', 'webhook_b')}/deliveries", True
    ),
    "api.list_scars": ApiRoute("GET", lambda w, o: "/api/v1/scars"),
    "api.get_scar": ApiRoute("GET", lambda w, o: f"/api/v1/scars/{_scar(w, o)}", True),
}
