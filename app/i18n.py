"""Translations looked up once per request and locale, for templates and lazy labels.

Flask-Babel finds the translations anew on every `_()` in a template (the domain, the locale and
the catalogue, each through the request's context): a list page calls it a hundred times or more,
and each lazy label (a state's name in a badge, a form's label) once more each time it is shown.
`translations()` keeps the catalogue of the request's current locale, so `force_locale` (e-mails
in the recipient's language) still switches it."""

from __future__ import annotations

import functools
from datetime import datetime
from typing import Any

from babel import numbers as babel_numbers
from babel.dates import TIMEDELTA_UNITS
from babel.support import NullTranslations, Translations
from flask import Flask, g, request, session
from flask_babel import format_timedelta, get_locale, get_translations
from flask_babel.speaklater import LazyString
from wtforms.i18n import messages_path

from app.clock import utcnow

_NULL = NullTranslations()

# The portal's languages, each named in itself (the switch and the account's choice show these).
LANGUAGES = {"en": "English", "ja": "日本語", "zh_Hans": "简体中文", "th": "ไทย", "vi": "Tiếng Việt"}
CHINESE_TRADITIONAL_PARTS = frozenset(("hant", "tw", "hk", "mo"))


def visitor_language() -> str:
    """A signed-out visitor's language: the one they switched to, else the browser's
    (Accept-Language; zh-CN and zh-Hans-CN read Simplified Chinese), else English."""
    chosen = session.get("language")
    if chosen in LANGUAGES:
        return str(chosen)
    for tag, _quality in request.accept_languages:
        parts = tag.lower().replace("_", "-").split("-")
        if parts[0] == "zh":
            if not CHINESE_TRADITIONAL_PARTS.intersection(parts[1:]):
                return "zh_Hans"
        elif parts[0] in LANGUAGES:
            return parts[0]
    return "en"


def html_lang() -> str:
    """The page's `lang` attribute, a BCP 47 tag: zh-Hans, not Babel's zh_Hans."""
    return str(get_locale() or "en").replace("_", "-")


def translations() -> Any:
    """The gettext catalogue of the current locale, cached in the request's Babel context."""
    if not g:
        return _NULL
    context = g.get("_flask_babel")
    if context is not None:
        locale = getattr(context, "babel_locale", None)
        cached = getattr(context, "kensa_translations", None)
        if locale is not None and cached is not None and cached[0] is locale:
            return cached[1]
    catalogue = get_translations()
    g._flask_babel.kensa_translations = (get_locale(), catalogue)
    return catalogue


def gettext(string: str, **variables: Any) -> str:
    """flask_babel.gettext through `translations()`."""
    text: str = translations().ugettext(string)
    return text % variables if variables else text


def lazy_gettext(string: str, **variables: Any) -> LazyString:
    """A string translated when it is shown, in the locale of the request showing it: labels and
    choices defined at import time."""
    return LazyString(gettext, string, **variables)


@functools.lru_cache(maxsize=len(LANGUAGES))
def _wtforms_catalogue(locale: str) -> Any:
    return Translations.load(messages_path(), [locale], domain="wtforms")


class WTFormsTranslations:
    """WTForms' own messages ("Not a valid choice.", "This field is required.") in the request's
    language, each language's catalogue read once per process (`KensaForm`'s translations)."""

    def gettext(self, string: str) -> str:
        return str(_wtforms_catalogue(str(get_locale() or "en")).ugettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return str(_wtforms_catalogue(str(get_locale() or "en")).ungettext(singular, plural, n))


WTFORMS_TRANSLATIONS = WTFormsTranslations()

# "3 days" and "5 hours" by (unit, count, locale): Babel finds the CLDR pattern anew on every call.
_AGES: dict[tuple[str, int, str], str] = {}
AGE_THRESHOLD = 1.1  # 1.1 days or more is said in days, less in hours (Babel's default)


def _unit_and_count(seconds: float) -> tuple[str, int]:
    """The unit and the rounded count that Babel's format_timedelta words `seconds` in, computed as
    Babel computes them (from the same float: a fraction of a second is "1 second", zero is "0
    seconds"), so that two deltas share a cache key only when Babel says them alike."""
    for unit, per_unit in TIMEDELTA_UNITS:
        value = abs(seconds) / per_unit
        if value >= AGE_THRESHOLD or unit == "second":
            if unit == "second" and value > 0:
                value = max(1, value)
            return unit, round(value)
    raise AssertionError("TIMEDELTA_UNITS ends with seconds")


def age(value: datetime | None) -> str:
    """How long ago, in words and the request's language: "3 days", "5 hours"."""
    if not value:
        return ""
    delta = utcnow() - value
    key = (*_unit_and_count(delta.total_seconds()), str(get_locale()))
    words = _AGES.get(key)
    if words is None:
        words = _AGES[key] = format_timedelta(delta, threshold=AGE_THRESHOLD)
    return words


@functools.lru_cache(maxsize=8192, typed=True)
def _formatted(value: Any, pattern: str, locale: str) -> str:
    return str(babel_numbers.format_decimal(value, format=pattern, locale=locale))


def number(value: Any, pattern: str) -> str:
    """A number in the request's locale by a Babel pattern ("#,##0.0"). Formatting is pure and a
    page's numbers repeat from one view to the next: the results are kept (Babel parses the pattern
    and looks the locale's symbols up on every call, some 70 us a number)."""
    return _formatted(value, pattern, str(get_locale()))


def decimal(value: float | None, digits: int | None = None) -> str:
    """A number as the reader's locale writes it ("71.0005", Vietnamese "71,0005"): `digits` places,
    or as many as it has (up to 10 significant) when None; "—" for no value."""
    if value is None:
        return "—"
    pattern = "#,##0." + ("0" * digits if digits is not None else "#" * 15) if digits != 0 else "#,##0"
    if digits is None:
        value = float(f"{value:.10g}")
    return number(value, pattern)


def install(app: Flask) -> None:
    """Templates' `_`, `gettext` and `ngettext` read `translations()`."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda s: translations().ugettext(s),
        ngettext=lambda s, p, n: translations().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: translations().upgettext(c, s),
        npgettext=lambda c, s, p, n: translations().unpgettext(c, s, p, n),
    )
