"""The page layout's parts that are the same on every page a role sees: the nav's menu.

The menu asks only role questions (`sees_review_queue`, `can_administer`, …) of the signed-in user
and links to fixed pages (or to the user's own supplier), so one rendering serves every page of
every user with the same role, supplier and language: it is kept per worker (`app/kept.py`)
instead of building its twenty links and labels on each request. What changes from page to page
or user to user (the unread count, the user's name, the CSRF token of signing out) stays in
base.html.
"""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from markupsafe import Markup

from app import kept

MENU_TEMPLATE = "_menu.html"


def role_menu() -> Markup:
    """The signed-in user's nav menu, rendered once per role, supplier, language and mount point."""
    user = current_user
    key = (user.role, user.supplier_id, str(get_locale()), request.script_root)
    menus = kept.store("menu")
    menu = menus.get(key)
    if menu is None:
        menu = Markup(render_template(MENU_TEMPLATE, user=user))  # noqa: S704 - a rendered template
        menus.put(key, menu)
    return menu


def register(app: Flask) -> None:
    app.jinja_env.globals["role_menu"] = role_menu
