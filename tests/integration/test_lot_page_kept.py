"""The lot page's charts and evaluation are rendered once per data version (app/kept.py): a view with
nothing changed renders neither, and any change of what they show shows on the very next view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from unittest.mock import patch

import pytest
from flask_babel import force_locale
from flask_babel import gettext as _

from app import kept, lot_page
from app.auth.models import User
from app.extensions import db
from app.lots.data import characteristics_of, save_entries
from app.lots.entry import RawCell
from app.lots.models import Lot
from app.lots.services import submit
from app.reviews import baselines, charts
from app.reviews.services import Decision, decide
from tests import factories
from tests.conftest import login_as
from tests.integration.test_chart_baselines import _d1, _made, _post, _view

pytestmark = pytest.mark.shared_world


@contextmanager
def _renders(module: object = charts, name: str = "_render") -> Iterator[list[int]]:
    """Count the renderings (misses) of the requests in the block: the charts', or another's."""
    calls: list[int] = []
    real = getattr(module, name)

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return real(*args, **kwargs)

    with patch.object(module, name, counted):
        yield calls


def _page(client, lot_id: int) -> str:  # type: ignore[no-untyped-def]
    response = client.get(f"/lots/{lot_id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_an_unchanged_lot_page_renders_its_charts_once_and_shows_the_same(app, client, world):
    with app.app_context():
        lot_id = _made(world, [1, 1, 1, 1, 1]).id
    login_as(client, world.quality_manager)
    with _renders() as calls, _renders(lot_page, "_render_evaluation") as evaluations:
        first, second = _page(client, lot_id), _page(client, lot_id)
    assert len(calls) == len(evaluations) == 1
    assert 'class="control-chart' in first
    assert _without_tokens(first) == _without_tokens(second)


def _without_tokens(page: str) -> str:
    """The page without its CSRF tokens and CSP nonces, which differ by request."""
    return re.sub(r'nonce="[^"]*"|"[\w-]{20,}\.[\w-]{6}\.[\w-]{20,}"', "", page)


def test_a_lot_that_enters_the_window_shows_on_the_next_view(app, client, world, clock):
    """The window is the lots submitted up to this one's submission: one submitted before it enters."""
    start = clock.now()
    with app.app_context():
        lot_id = _made(world, [1, 1, 1, 1, 1]).id
    login_as(client, world.quality_manager)
    assert "G-000" not in _page(client, lot_id)
    clock.set(start)  # the new lot's submission is earlier than the shown lot's
    with app.app_context():
        _made(world, [1], prefix="G")
    with _renders() as calls:
        page = _page(client, lot_id)
    assert len(calls) == 1
    assert "G-000" in page  # the new lot is a point of the charts


def test_freezing_and_unfreezing_limits_show_on_the_next_view(app, client, world):
    with app.app_context():
        lot = _made(world, [1, 1, 1, 1, 1])
        lot_id, key = lot.id, _d1(lot)
        basis = baselines.basis_ids(_view(lot, key).basis)
    login_as(client, world.quality_manager)
    assert "limits frozen on" not in _page(client, lot_id)
    assert _post(client, lot_id, key, "freeze", reason="Stable", basis=basis).status_code == 302
    frozen = _page(client, lot_id)
    assert "limits frozen on 2026-11-18" in frozen
    assert f'action="/lots/{lot_id}/charts/{key}/unfreeze"' in frozen  # the kept chart, with its baseline
    assert _post(client, lot_id, key, "unfreeze", reason="Changed").status_code == 302
    assert "limits frozen on" not in _page(client, lot_id)


def test_a_language_change_shows_the_charts_words_translated_on_the_next_view(app, client, world):
    with app.app_context():
        lot_id = _made(world, [1, 1, 1, 1, 1]).id
    login_as(client, world.quality_manager)
    with app.test_request_context(), force_locale("ja"):
        this_lot = _("this lot")
    assert this_lot != "this lot"
    assert f">{this_lot}</text>" not in _page(client, lot_id)
    with app.app_context():
        db.session.get(User, world.quality_manager.id).locale = "ja"  # type: ignore[union-attr]
        db.session.commit()
    assert f">{this_lot}</text>" in _page(client, lot_id)


def test_the_evaluation_follows_the_reader_s_language_on_the_next_view(app, client, world):
    login_as(client, world.reviewer)
    with app.test_request_context(), force_locale("ja"):
        words = f"<p>{_('Recommendation:')} "  # the panel's "The evaluation recommends:" ends alike in ja
    assert words not in _page(client, world.in_review_a)
    with app.app_context():
        db.session.get(User, world.reviewer.id).locale = "ja"  # type: ignore[union-attr]
        db.session.commit()
    assert words in _page(client, world.in_review_a)


def test_a_resubmission_shows_its_own_evaluation_and_data_on_the_next_view(app, client, world):
    login_as(client, world.reviewer)
    before = _page(client, world.in_review_a)
    assert "Raw data of submission 1:" in before and "9.8765" not in before
    with app.app_context():
        lot = db.session.get(Lot, world.in_review_a)
        reviewer = db.session.get(User, world.reviewer.id)
        inspector = db.session.get(User, world.inspector_a.id)
        decide(
            lot,
            reviewer,
            Decision.RETURN,
            reason="Retype sample 1",
            password=factories.PASSWORD,
            version=None,
        )
        first = characteristics_of(lot)[0]
        cells = [
            RawCell(sample, c, "9.8765" if (sample, c.id) == (1, first.id) else factories.in_spec(sample, c))
            for sample in range(1, lot.sample_size + 1)
            for c in characteristics_of(lot)
        ]
        save_entries(lot, cells, [])
        submit(lot, inspector)
        db.session.commit()
    after = _page(client, world.in_review_a)
    assert "Raw data of submission 2:" in after and "9.8765" in after


def test_the_cache_keeps_its_newest_keys_only(app):
    kept_views = kept.Kept(2)
    view = charts.ChartView(title="t", svg=charts.Markup("<svg/>"))
    for key in ("a", "b", "a", "c"):
        kept_views.put(key, (view,))
    assert (len(kept_views), kept_views.get("b"), kept_views.get("a"), kept_views.get("c")) == (
        2,
        None,
        (view,),
        (view,),
    )
