"""The home page of each role."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_login import current_user

from app.audit.queries import object_names
from app.badges import translated
from app.clock import utcnow
from app.i18n import LANGUAGES
from app.lots import queries as lot_queries
from app.lots.forms import STATE_LABELS
from app.main import figures
from app.reviews import queue as review_queue
from app.security import ANY_ROLE, public, roles_required
from app.suppliers.models import Supplier
from app.tenancy import get_or_404
from app.users.policy import can_administer
from app.web import safe_next

bp = Blueprint("main", __name__)


@bp.route("/")
@public
def index():
    """Send visitors to their home page, or to sign in."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    return redirect(url_for("auth.login"))


@bp.route("/language/<code>")
@public
def language(code: str):
    """The signed-out pages' language switch: kept in the session, back to the page it was chosen on.
    A signed-in user's language is the one on their account."""
    if code not in LANGUAGES:
        abort(404)
    session["language"] = code
    return redirect(safe_next(request.args.get("next"), url_for("auth.login")))


@bp.route("/home")
@roles_required(ANY_ROLE)
def home():
    """The signed-in user's home page, by role."""
    if current_user.is_supplier_user:
        supplier = get_or_404(Supplier, current_user.supplier_id)
        return render_template(
            "main/home_supplier.html",
            supplier=supplier,
            certificate_warnings=figures.certificate_warnings(),
            lots=lot_queries.active_lots(supplier.id),
            rejected_days=lot_queries.REJECTED_DAYS,
            states=translated(STATE_LABELS),
            scar_steps_due=figures.scar_steps_due(utcnow().date()),
        )
    if can_administer(current_user):
        events = figures.recent_events()
        return render_template(
            "main/home_admin.html",
            overview=figures.suppliers_overview(),
            users=figures.user_counts(),
            pending_mail=figures.pending_outbox(),
            events=events,
            event_names=object_names(events),
            certificate_warnings=figures.certificate_warnings(),
        )
    now = utcnow()
    overdue_steps, most_overdue = figures.overdue_scars(now.date())
    steps_waiting, steps_to_judge = figures.steps_to_judge(current_user.id)
    overview = figures.suppliers_overview()
    return render_template(
        "main/home_internal.html",
        queue=review_queue.summary(current_user.id),
        decided=figures.decided_since(figures.start_of_week(now)),
        deviations=figures.deviations_awaiting(),
        worst=figures.most_rejections(figures.start_of_month(now)),
        overview=overview,
        by_status=figures.statuses_of(overview),
        certificate_warnings=figures.certificate_warnings(),
        overdue_steps=overdue_steps,
        most_overdue=most_overdue,
        steps_waiting=steps_waiting,
        steps_to_judge=steps_to_judge,
    )


@bp.route("/healthz")
@public
def healthz():
    """Liveness check for load balancers: the app answers and reaches its database."""
    figures.pending_outbox()
    return {"status": "ok"}
