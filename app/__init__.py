"""Kensa: the OEM supplier quality portal. `create_app` builds the Flask application."""

from __future__ import annotations

import importlib
import logging
import os
from datetime import datetime

from flask import Flask, has_request_context, request
from flask_babel import get_locale, get_timezone
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix

from app import badges, clock, i18n, layout, links, ratelimit, sqlite, timezones
from config import CONFIGS, Config


def create_app(config: type[Config] | Config | str | None = None) -> Flask:
    """Build the app for a config class, instance or name (default: $KENSA_CONFIG or development)."""
    app = Flask(
        __name__,
        template_folder="../templates",
        static_folder="../static",
        instance_relative_config=True,
    )
    app.config.from_object(_config_object(config))
    app.extensions["kensa.factory"] = create_app  # the PDF workers build their app with it
    _start_clock(app)
    os.makedirs(app.instance_path, exist_ok=True)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)  # one line per PDF step
    register_extensions(app)
    register_blueprints(app)
    ratelimit.init(app)
    register_commands(app)
    from app.web import register_request_hooks

    register_request_hooks(app)
    from app import events, policies

    policies.install(app)
    events.load_subscribers()
    app.teardown_appcontext(sqlite.end_writer_turn)  # a turn a failed request did not end
    _wrap_proxy_fix(app)
    return app


def _start_clock(app: Flask) -> None:
    """A testing app whose config names CLOCK_START runs its clock from that instant (tests/clock.py)."""
    start = app.config.get("CLOCK_START")
    if start and app.testing:
        clock.install(clock.TestClock(datetime.fromisoformat(start)))


def _config_object(config: type[Config] | Config | str | None) -> Config:
    if config is None:
        config = os.environ.get("KENSA_CONFIG", "development")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise RuntimeError(f"unknown KENSA_CONFIG {config!r}; use one of {sorted(CONFIGS)}")
        config = CONFIGS[config]
    return config() if isinstance(config, type) else config


def register_extensions(app: Flask) -> None:
    """Bind the extensions of `app.extensions` to this app."""
    from app.extensions import babel, csrf, db, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"))
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False  # app.web checks unsafe requests itself
    csrf.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)
    i18n.install(app)
    badges.register(app)
    links.register(app)
    layout.register(app)
    app.jinja_env.globals["get_locale"] = get_locale
    app.jinja_env.globals["html_lang"] = i18n.html_lang
    app.jinja_env.globals["LANGUAGES"] = i18n.LANGUAGES
    app.jinja_env.filters["when"] = when
    app.jinja_env.filters["age"] = i18n.age
    app.jinja_env.filters["decimal"] = i18n.decimal
    from app.users.forms import ROLE_LABELS

    app.jinja_env.filters["role_label"] = lambda role: ROLE_LABELS.get(role, role)
    _label_filters(app)
    from app.auth import people
    from app.auth.loader import init_login

    people.install(app)
    init_login(app, login_manager)


def _label_filters(app: Flask) -> None:
    """The words of the codes that tables show (major, tightened, variable), in the reader's language."""
    from app.sampling.forms import SEVERITY_LABELS, SEVERITY_WORDS
    from app.scars.forms import SEVERITY_LABELS as SCAR_SEVERITY_LABELS
    from app.standards.forms import KIND_LABELS
    from app.standards.labels import CLASS_LABELS, class_word

    for name, labels in (
        ("class_label", dict(CLASS_LABELS)),
        ("inspection_label", dict(SEVERITY_LABELS)),
        ("inspection_word", SEVERITY_WORDS),
        ("scar_severity_label", {str(k): v for k, v in SCAR_SEVERITY_LABELS.items()}),
        ("kind_label", dict(KIND_LABELS)),
    ):
        app.jinja_env.filters[name] = lambda code, labels=labels: labels.get(code, code)
    app.jinja_env.filters["class_word"] = class_word


def _select_locale() -> str | None:
    if not has_request_context():
        return None  # CLI and jobs: the default locale
    if request.path.startswith("/api/"):
        return "en"  # machines read the API's details
    if current_user and current_user.is_authenticated:
        return current_user.locale
    return i18n.visitor_language()


def when(value: datetime | None) -> str:
    """A timestamp in the user's time zone, which it names, unambiguous in every country:
    2026-11-21 14:05 ICT."""
    if not value:
        return ""
    return timezones.stamp(value, str(get_timezone()))


def _select_timezone() -> str | None:
    if not has_request_context():
        return None
    if current_user and current_user.is_authenticated:
        return current_user.timezone
    return None


def register_blueprints(app: Flask) -> None:
    """Mount every domain's blueprint (importing each domain's models with it)."""
    for domain in (
        "api",
        "attachments",
        "certificates",
        "lots",
        "notifications",
        "parts",
        "reviews",
        "scars",
        "scorecards",
        "sampling",
        "standards",
        "webhooks",
    ):
        importlib.import_module(f"app.{domain}.models")
    from app.api import bp as api_bp
    from app.api.pages import bp as api_pages_bp
    from app.audit.routes import bp as audit_bp
    from app.auth.routes import bp as auth_bp
    from app.certificates.routes import bp as certificates_bp
    from app.lots.routes import bp as lots_bp
    from app.main.routes import bp as main_bp
    from app.notifications.routes import bp as notifications_bp
    from app.parts.routes import bp as parts_bp
    from app.reviews.routes import bp as reviews_bp
    from app.sampling.routes import bp as sampling_bp
    from app.scars.downloads import bp as scar_downloads_bp
    from app.scars.routes import bp as scars_bp
    from app.scorecards.routes import bp as scorecards_bp
    from app.search.routes import bp as search_bp
    from app.standards.routes import bp as standards_bp
    from app.suppliers.routes import bp as suppliers_bp
    from app.twofactor.routes import bp as twofactor_bp
    from app.users.routes import bp as users_bp

    for bp in (
        main_bp,
        auth_bp,
        suppliers_bp,
        users_bp,
        parts_bp,
        standards_bp,
        sampling_bp,
        certificates_bp,
        lots_bp,
        reviews_bp,
        scars_bp,
        scar_downloads_bp,
        scorecards_bp,
        notifications_bp,
        audit_bp,
        search_bp,
        twofactor_bp,
        api_bp,
        api_pages_bp,
    ):
        app.register_blueprint(bp)


def register_commands(app: Flask) -> None:
    """Add Kensa's `flask` subcommands."""
    from app.cli import register

    register(app)


def _wrap_proxy_fix(app: Flask) -> None:
    cfg = app.config
    if cfg["PROXY_FIX_X_FOR"] or cfg["PROXY_FIX_X_PROTO"] or cfg["PROXY_FIX_X_HOST"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app,
            x_for=cfg["PROXY_FIX_X_FOR"],
            x_proto=cfg["PROXY_FIX_X_PROTO"],
            x_host=cfg["PROXY_FIX_X_HOST"],
        )
