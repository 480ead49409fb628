"""Translations and words looked up once per request: they must say what Flask-Babel and Babel say."""

from datetime import UTC, datetime, timedelta

import pytest
from babel.dates import format_timedelta
from flask_babel import force_locale
from flask_babel import gettext as babel_gettext
from markupsafe import Markup

from app import badges, i18n
from app.lots.forms import STATE_LABELS

NOW = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
# Around each of Babel's unit thresholds (1.1 of a unit) and its rounding (x.5 of a unit).
DELTAS = [
    timedelta(seconds=s)
    for s in (
        0,
        0.4,
        0.5,
        1,
        1.5,
        2,
        45,
        65,
        66,
        67,
        89,
        90,
        91,
        3599,
        3600,
        3959,
        3960,
        5399,
        5400,
        5401,
        86399,
    )
] + [
    timedelta(hours=26, minutes=23),
    timedelta(hours=26, minutes=24),
    timedelta(days=1, hours=12),
    timedelta(days=3),
    timedelta(days=7, hours=16),
    timedelta(days=7, hours=17),
    timedelta(days=10, hours=12),
    timedelta(days=33),
    timedelta(days=45),
    timedelta(days=400),
    timedelta(days=401, hours=12),
    timedelta(days=900),
]


@pytest.mark.parametrize("locale", ["en", "ja", "th", "zh_Hans"])
def test_age_says_what_babel_says_for_every_unit_and_rounding(app, clock, locale):
    clock.freeze(NOW)
    with app.test_request_context(), force_locale(locale):
        for delta in DELTAS:
            assert i18n.age(NOW - delta) == format_timedelta(delta, threshold=1.1, locale=locale), delta
            assert i18n.age(NOW + delta) == format_timedelta(delta, threshold=1.1, locale=locale), delta


def test_age_of_a_fraction_of_a_second_is_not_cached_for_no_time_at_all(app, clock):
    """Babel says "1 second" for 0.4 s and "0 seconds" for none: one must not answer for the other,
    in either order (the cache once keyed both by whole seconds)."""
    clock.freeze(NOW)
    with app.test_request_context(), force_locale("en"):
        i18n._AGES.clear()
        assert i18n.age(NOW - timedelta(seconds=0.4)) == "1 second"
        assert i18n.age(NOW) == "0 seconds"
        i18n._AGES.clear()
        assert i18n.age(NOW) == "0 seconds"
        assert i18n.age(NOW - timedelta(seconds=0.4)) == "1 second"


def test_age_in_words_keeps_each_language_apart(app, clock):
    clock.freeze(NOW)
    three_days_ago = NOW - timedelta(days=3, hours=2)
    with app.test_request_context():
        assert i18n.age(three_days_ago) == "3 days"
        with force_locale("ja"):
            assert i18n.age(three_days_ago) == "3 日"
        assert i18n.age(three_days_ago) == "3 days"
        assert i18n.age(NOW - timedelta(hours=26)) == "26 hours"  # under 1.1 days: hours
        assert i18n.age(None) == ""


def test_translations_follow_force_locale_within_a_request(app):
    with app.test_request_context():
        english = i18n.translations()
        assert i18n.translations() is english  # looked up once
        with force_locale("ja"):
            assert i18n.translations() is not english
        assert i18n.translations() is english
        assert i18n.gettext("Accept") == babel_gettext("Accept")
        assert i18n.gettext("Lot %(number)s", number="A-1") == "Lot A-1"
        assert str(i18n.lazy_gettext("Drafts")) == "Drafts"


def test_badges_escape_their_labels_and_style_unknown_values_as_secondary(app):
    with app.test_request_context():
        assert badges.state_badge("rejected", STATE_LABELS) == Markup(
            '<span class="badge text-bg-danger">Rejected</span>'
        )
        assert badges.state_badge("odd", {"odd": "<b>"}) == Markup(
            '<span class="badge text-bg-secondary">&lt;b&gt;</span>'
        )
        assert badges.recommendation_badge("accept") == Markup(
            '<span class="badge text-bg-success">Accept</span>'
        )
        assert badges.recommendation_badge(None) == Markup('<span class="text-muted">—</span>')
