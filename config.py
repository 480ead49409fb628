"""Configuration classes, read from the environment; `create_app` picks one."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
INSTANCE_DIR = BASE_DIR / "instance"


def _dev_secret_key() -> str:
    """A random key kept in instance/ so that development sessions survive a restart."""
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _dev_audit_key() -> str:
    """A random audit key kept in instance/, so that a development chain verifies across restarts."""
    path = INSTANCE_DIR / "audit_key"
    if not path.exists():
        INSTANCE_DIR.mkdir(exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def sqlalchemy_url(url: str) -> str:
    """Accept the usual postgres:// spellings and use the psycopg 3 driver (the benches use it too)."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class Config:
    """Settings shared by every environment."""

    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SQLALCHEMY_TRACK_MODIFICATIONS = False

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    SESSION_REFRESH_EACH_REQUEST = True
    # Idle timeout: the permanent session cookie is refreshed on every request.
    PERMANENT_SESSION_LIFETIME = timedelta(minutes=int(os.environ.get("IDLE_TIMEOUT_MINUTES", "30")))
    REMEMBER_COOKIE_DURATION = timedelta(seconds=0)
    # Absolute lifetime of a session from sign-in, however active it is (a copied cookie dies with it).
    SESSION_MAX_HOURS = float(os.environ.get("SESSION_MAX_HOURS", "12"))

    WTF_CSRF_TIME_LIMIT = 3600
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_CONTENT_LENGTH", str(16 * 1024 * 1024)))
    # The data-entry grid posts one field per (sample, characteristic): allow a full grid.
    MAX_FORM_PARTS = 20_000
    MAX_FORM_MEMORY_SIZE = 4 * 1024 * 1024

    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "ja", "zh_Hans", "th", "vi")
    # The catalogues, compiled by `make` (relative to the app package, where Flask-Babel looks).
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    # The language and time zone the brand's new staff start in (each changes their own on /account).
    BRAND_LANGUAGE = os.environ.get("KENSA_BRAND_LANGUAGE", "en")
    BRAND_TIMEZONE = os.environ.get("KENSA_BRAND_TIMEZONE", "Asia/Tokyo")

    LOGIN_MAX_FAILURES = 5
    LOGIN_MAX_FAILURES_PER_ADDRESS = int(os.environ.get("LOGIN_MAX_FAILURES_PER_ADDRESS", "5"))
    LOGIN_FAILURE_WINDOW = timedelta(minutes=15)
    INVITATION_LIFETIME = timedelta(days=3)
    PASSWORD_RESET_LIFETIME = timedelta(hours=1)

    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "console")
    MAIL_FROM = os.environ.get("MAIL_FROM", "Kensa <kensa@localhost>")
    SMTP_HOST = os.environ.get("SMTP_HOST", "localhost")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "25"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _env_bool("SMTP_STARTTLS", False)
    # Deliver the outbox right after the request's commit (development convenience).
    OUTBOX_SEND_AFTER_REQUEST = False
    # Background jobs (PDF batches, e-mail) on Redis; without it they run from the CLI.
    REDIS_URL = os.environ.get("REDIS_URL") or None
    JOB_QUEUE = os.environ.get("KENSA_JOB_QUEUE", "kensa")
    # Attachments and uploaded files; default instance/uploads.
    UPLOAD_FOLDER = os.environ.get("UPLOAD_FOLDER") or None
    # Where published scorecard PDFs are kept (<folder>/<period>/<file>); default instance/scorecards.
    SCORECARD_PDF_FOLDER = os.environ.get("SCORECARD_PDF_FOLDER") or None
    # Absolute base for links in e-mails. Required in production (a link built from the request's
    # Host header could point at another site); development falls back to the request's host.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # The audit chain's HMAC key and its name, stored with each event; older keys, still needed to
    # verify older events after a rotation, as "name=key,name=key" (docs/deploy.md).
    AUDIT_KEY_ID = os.environ.get("AUDIT_KEY_ID", "1")
    AUDIT_OLD_KEYS = os.environ.get("AUDIT_OLD_KEYS", "")

    # A second factor (TOTP) for every reviewer, quality manager and admin; on by default in production.
    REQUIRE_2FA_INTERNAL = _env_bool("REQUIRE_2FA_INTERNAL", False)

    # Rate limits (Flask-Limiter; app/ratelimit.py), "N per minute;M per hour" strings. Counted in
    # memory per process unless RATELIMIT_STORAGE_URI names a shared store (production: REDIS_URL).
    RATELIMIT_ENABLED = _env_bool("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "20 per minute;200 per hour")
    RATELIMIT_FORGOT_PASSWORD = os.environ.get("RATELIMIT_FORGOT_PASSWORD", "5 per minute;30 per hour")
    RATELIMIT_RESET_PER_EMAIL = os.environ.get("RATELIMIT_RESET_PER_EMAIL", "3 per hour")
    RATELIMIT_SECOND_FACTOR = os.environ.get("RATELIMIT_SECOND_FACTOR", "10 per minute;60 per hour")
    # Per user: second-factor codes and e-signature passwords checked.
    RATELIMIT_CODE_PER_USER = os.environ.get("RATELIMIT_CODE_PER_USER", "5 per minute;30 per hour")
    RATELIMIT_SIGNATURE = os.environ.get("RATELIMIT_SIGNATURE", "10 per minute;100 per hour")
    # Per API token: an MES posts a lot and its data in a few calls, so this is far above honest use.
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "600 per minute")
    # Webhook URLs on loopback (a receiver on the same machine): development and tests only.
    WEBHOOK_ALLOW_LOOPBACK = _env_bool("WEBHOOK_ALLOW_LOOPBACK", True)
    # A forgot-password answer takes at least this long, known address or not (timing tells nothing).
    PASSWORD_RESET_MIN_SECONDS = float(os.environ.get("PASSWORD_RESET_MIN_SECONDS", "0.25"))

    PROXY_FIX_X_FOR = int(os.environ.get("PROXY_FIX_X_FOR", "0"))
    PROXY_FIX_X_PROTO = int(os.environ.get("PROXY_FIX_X_PROTO", "0"))
    PROXY_FIX_X_HOST = int(os.environ.get("PROXY_FIX_X_HOST", "0"))
    HSTS = False


class DevelopmentConfig(Config):
    """Embedded SQLite in instance/, console e-mail."""

    DEBUG = False
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'kensa.sqlite3'}")
    )
    OUTBOX_SEND_AFTER_REQUEST = True

    @property
    def SECRET_KEY(self) -> str:  # noqa: N802 - Flask reads upper-case names
        return os.environ.get("SECRET_KEY") or _dev_secret_key()

    @property
    def AUDIT_KEY(self) -> str:  # noqa: N802 - Flask reads upper-case names
        return os.environ.get("AUDIT_KEY") or _dev_audit_key()


class TestingConfig(Config):
    """Used by the test suite; the database URL comes from the test fixtures."""

    TESTING = True
    SECRET_KEY = "test-secret-key-not-for-production"  # noqa: S105 - tests only
    AUDIT_KEY = "test-audit-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = sqlalchemy_url(os.environ.get("DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = True
    MAIL_BACKEND = "null"
    REDIS_URL = None  # tests that queue jobs name their Redis themselves
    # The suite signs in hundreds of times from one address: the limits are off, and the tests of the
    # limits build an app with them on (tests/integration/test_rate_limits.py).
    RATELIMIT_ENABLED = False
    PASSWORD_RESET_MIN_SECONDS = 0.0
    # Argon2 at full cost would make hundreds of test logins slow; the parameters
    # are still Argon2id, only cheaper.
    ARGON2_TIME_COST = 1
    ARGON2_MEMORY_COST = 1024
    ARGON2_PARALLELISM = 1
    # The browser tests' server starts its clock here (ISO 8601, e.g. 2026-11-18T03:30:00+00:00),
    # so that it agrees with the tests' clock on any day; only the testing config reads it.
    CLOCK_START = os.environ.get("KENSA_CLOCK_START") or None


class ProductionConfig(Config):
    """PostgreSQL, SMTP, secure cookies; refuses to start without its secrets."""

    SESSION_COOKIE_SECURE = True
    HSTS = True
    REQUIRE_2FA_INTERNAL = _env_bool("REQUIRE_2FA_INTERNAL", True)
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp")
    WEBHOOK_ALLOW_LOOPBACK = False  # never: a webhook must not reach the server's own neighbours

    REQUIRED = ("SECRET_KEY", "DATABASE_URL", "PUBLIC_BASE_URL", "AUDIT_KEY")

    def __init__(self) -> None:
        missing = [name for name in self.REQUIRED if not os.environ.get(name)]
        if missing:
            raise RuntimeError("Kensa refuses to start in production without: " + ", ".join(missing))
        self.SECRET_KEY = os.environ["SECRET_KEY"]
        self.SQLALCHEMY_DATABASE_URI = sqlalchemy_url(os.environ["DATABASE_URL"])
        self.PUBLIC_BASE_URL = os.environ["PUBLIC_BASE_URL"]
        self.AUDIT_KEY = os.environ["AUDIT_KEY"]
        # Limits shared by every gunicorn worker: in Redis when there is one.
        redis = os.environ.get("REDIS_URL")
        self.RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI") or redis or "memory://"


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
