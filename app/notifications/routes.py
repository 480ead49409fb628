"""The signed-in user's notifications: the list, open one, mark all read; the unread count in the nav."""

from __future__ import annotations

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.loader import read_with_user
from app.notifications import services, texts
from app.security import ANY_ROLE, roles_required
from app.web import safe_next

bp = Blueprint("notifications", __name__)
# The nav's count is read with the signed-in user, in its statement (`g.unread_notifications`).
bp.record_once(lambda state: read_with_user(state.app, services.UNREAD, services.unread_count_of_user))


@bp.app_context_processor
def _unread_in_nav() -> dict[str, object]:
    """`unread_notifications()` for the nav: read with the user, or counted once per request when
    something changed it since (or the user was loaded otherwise)."""

    def unread_notifications() -> int:
        if not current_user.is_authenticated:
            return 0
        if services.UNREAD not in g:
            setattr(g, services.UNREAD, services.unread_count(current_user.id))
        return getattr(g, services.UNREAD)  # type: ignore[no-any-return]

    return {"unread_notifications": unread_notifications}


@bp.route("/notifications")
@roles_required(ANY_ROLE)
def index():
    """The user's notifications, newest first, unread ones marked."""
    page = services.page_of(current_user.id, request.args.get("page", 1, type=int))
    return render_template("notifications/index.html", page=page, texts=texts)


@bp.route("/notifications/<int:notification_id>/open", methods=["POST"], endpoint="open")
@roles_required(ANY_ROLE)
def open_notification(notification_id: int):
    """Mark one notification read and go to what it is about (only ever a path of this site)."""
    row = services.mark_read(current_user.id, notification_id)
    if row is None:
        abort(404)
    return redirect(safe_next(row.url, url_for("notifications.index")))


@bp.route("/notifications/read-all", methods=["POST"])
@roles_required(ANY_ROLE)
def read_all():
    """Mark every notification of the user read."""
    services.mark_all_read(current_user.id)
    flash(_("All notifications are marked as read."), "success")
    return redirect(url_for("notifications.index"))
