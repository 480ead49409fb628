"""Scorecard pages: the card, drafts against published versions, publishing, the ranking, the lists
behind the figures, the rules and targets forms, and what a supplier may see."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from app.audit.models import AuditEvent
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.scorecards.models import KpiRule, Publication, Scorecard, SupplierTarget
from app.scorecards.periods import Period
from app.suppliers.models import Site
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

MONTH = Period.containing(utcnow().date()).key
DIGEST = re.compile(r'<code class="digest" id="digest">([0-9a-f]{64})</code>')


def _card_url(supplier_id: int, suffix: str = "", **args: object) -> str:
    query = "&".join(f"{k}={v}" for k, v in args.items())
    return f"/scorecards/{MONTH}/suppliers/{supplier_id}{suffix}" + (f"?{query}" if query else "")


def _digest(html: str) -> str:
    match = DIGEST.search(html)
    assert match, "the card shows its SHA-256"
    return match[1]


def _stored(app, supplier_id: int, version: int = 1) -> Scorecard:  # type: ignore[no-untyped-def]
    with app.app_context():
        card = db.session.scalars(
            select(Scorecard)
            .join(Publication)
            .where(
                Scorecard.supplier_id == supplier_id,
                Publication.period == MONTH,
                Publication.version == version,
            )
        ).one()
        db.session.expunge(card)
        return card


# --- The card ----------------------------------------------------------------------------------


def test_a_supplier_sees_its_published_card_with_the_stored_digest(client, app, world):
    login_as(client, world.manager_a)
    html = client.get(_card_url(world.supplier_a)).get_data(as_text=True)
    stored = _stored(app, world.supplier_a)
    assert _digest(html) == stored.digest
    assert "Published version 1" in html
    assert "Lot acceptance rate" in html and "100.0 %" in html  # A's one decided lot was accepted
    # The lists behind the figures are linked, with the version shown.
    assert f'href="{_card_url(world.supplier_a, "/lots", list="decided", version=1)}"' in html.replace(
        "&amp;", "&"
    )


def test_a_supplier_never_sees_a_draft_nor_another_suppliers_card(client, world):
    login_as(client, world.manager_a)
    earlier = Period.parse(MONTH).previous().key  # started, never published
    assert client.get(f"/scorecards/{earlier}/suppliers/{world.supplier_a}").status_code == 404
    assert client.get(_card_url(world.supplier_a, version=2)).status_code == 404
    for suffix in ("", "/card.pdf", "/lots", "/scars"):
        assert client.get(_card_url(world.supplier_b, suffix)).status_code == 404
        assert client.get(_card_url(world.supplier_b, suffix, version=1)).status_code == 404


def test_periods_not_started_or_malformed_are_not_found(client, world):
    login_as(client, world.quality_manager)
    future = Period.parse(MONTH).next().next().key
    for key in (future, "2026-13", "2026-Q5", "26-10", "latest"):
        assert client.get(f"/scorecards/{key}").status_code == 404, key
        assert client.get(f"/scorecards/{key}/suppliers/{world.supplier_a}").status_code == 404, key


def test_internal_users_open_the_live_draft_which_moves_while_the_published_card_stays(client, app, world):
    login_as(client, world.reviewer)
    before = client.get(_card_url(world.supplier_a, draft=1)).get_data(as_text=True)
    assert "Draft, computed live now" in before
    # Draft and version 1 agree as long as the data has not changed (same moment, same numbers)...
    published = client.get(_card_url(world.supplier_a, version=1)).get_data(as_text=True)
    assert "Published version 1" in published
    # ... then a lot of A is rejected: the draft changes, version 1 does not.
    with app.app_context():
        from app.auth.models import User
        from app.reviews.services import Decision, claim, decide

        site, inspector = db.session.get(Site, world.site_a), db.session.get(User, world.inspector_a.id)
        reviewer = db.session.get(User, world.reviewer.id)
        lot = factories.submitted_lot(site, _part(world), inspector, "A-0100")
        claim(lot, reviewer)
        decide(
            lot,
            reviewer,
            Decision.REJECT,
            reason="Burrs",
            password=factories.PASSWORD,
            version=None,
            acknowledged=True,
        )
        db.session.commit()
    after = client.get(_card_url(world.supplier_a, draft=1)).get_data(as_text=True)
    assert "A-0100" in after and "50.0 %" in after  # 1 of 2 decided lots accepted
    again = client.get(_card_url(world.supplier_a, version=1)).get_data(as_text=True)
    assert _digest(again) == _stored(app, world.supplier_a).digest
    assert "A-0100" not in again


def _part(world):  # type: ignore[no-untyped-def]
    from app.parts.models import Part

    return db.session.get(Part, world.part_a)


def test_the_pdf_of_a_published_card_is_named_by_supplier_period_and_version(client, world):
    login_as(client, world.manager_a)
    response = client.get(_card_url(world.supplier_a, "/card.pdf"))
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data.startswith(b"%PDF")
    assert f'filename="ALPHA-{MONTH}-v1.pdf"' in response.headers["Content-Disposition"]


# --- Publishing and the ranking ----------------------------------------------------------------


def test_a_quality_manager_publishes_a_new_version_and_suppliers_people_are_told(client, app, world):
    login_as(client, world.quality_manager)
    response = client.post(
        f"/scorecards/{MONTH}/publish",
        data={
            "csrf_token": csrf_token(client, "/scorecards"),
            "note": "Rerun",
            "early": "y",
            "early_reason": "Supplier meeting",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/scorecards/{MONTH}?version=2")
    with app.app_context():
        versions = db.session.scalars(select(Publication.version).where(Publication.period == MONTH)).all()
        assert sorted(versions) == [1, 2]  # version 1 is kept
        assert db.session.scalar(select(Publication.note).where(Publication.version == 2)) == "Rerun"
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == NotificationKind.SCORECARD_PUBLISHED)
        ).all()
        people = [world.manager_a, world.manager_b, world.inspector_a, world.inspector_b]
        assert sorted(told) == sorted(person.id for person in people)  # managers and inspectors
        assert db.session.scalar(select(func.count()).where(AuditEvent.action == "scorecard.published")) == 2
    login_as(client, world.manager_a)
    assert "Published version 2" in client.get(_card_url(world.supplier_a)).get_data(as_text=True)


def test_reviewers_cannot_publish(client, world):
    login_as(client, world.reviewer)
    assert (
        client.post(
            f"/scorecards/{MONTH}/publish", data={"csrf_token": csrf_token(client, "/account")}
        ).status_code
        == 403
    )


def _warm_count(app, client, url: str) -> tuple[int, str]:
    """The statements of a view once the KPI snapshots it reads are kept (the first view keeps them)."""
    client.get(url)
    return count_page_statements(app, client, url)


def test_the_ranking_orders_by_score_and_costs_the_same_queries_for_more_suppliers(client, app, world):
    login_as(client, world.reviewer)
    few, html = _warm_count(app, client, f"/scorecards/{MONTH}?draft=1")
    assert "ALPHA" in html and "BRAVO" in html
    with app.app_context():
        for i in range(5):
            factories.supplier(f"EXTRA{i}")
        db.session.commit()
    more, html = _warm_count(app, client, f"/scorecards/{MONTH}?draft=1")
    assert more == few
    # Suppliers without data have no rank and come last.
    assert html.index("ALPHA") < html.index("EXTRA0")
    published_few, _ = count_page_statements(app, client, f"/scorecards/{MONTH}?version=1")
    assert published_few <= few


def test_the_card_costs_the_same_queries_however_many_lots(client, app, world):
    login_as(client, world.reviewer)
    few, _ = _warm_count(app, client, _card_url(world.supplier_a, draft=1))
    with app.app_context():
        from app.auth.models import User
        from app.reviews.services import Decision, claim, decide

        site, inspector = db.session.get(Site, world.site_a), db.session.get(User, world.inspector_a.id)
        reviewer = db.session.get(User, world.reviewer.id)
        for i in range(4):
            lot = factories.submitted_lot(site, _part(world), inspector, f"A-02{i}")
            claim(lot, reviewer)
            decide(
                lot,
                reviewer,
                Decision.REJECT,
                reason="Burrs",
                password=factories.PASSWORD,
                version=None,
                acknowledged=True,
            )
        db.session.commit()
    more, html = _warm_count(app, client, _card_url(world.supplier_a, draft=1))
    assert more == few
    assert "A-023" in html  # listed among the rejected lots


def test_the_lots_behind_the_figures_add_up_to_the_card(client, app, world):
    login_as(client, world.reviewer)
    html = client.get(_card_url(world.supplier_a, "/lots", list="decided")).get_data(as_text=True)
    assert "A-0004" in html  # the world's decided lot of A
    assert "A-0002" not in html  # submitted, not decided
    assert "1 lots: 1 accepted (1 at the first submission)" in html
    assert client.get(_card_url(world.supplier_a, "/lots", list="nonsense")).status_code == 404
    steps = client.get(_card_url(world.supplier_a, "/scars", list="open")).get_data(as_text=True)
    assert "SCAR-" in steps  # the world's SCAR of A is open


# --- Rules and targets -------------------------------------------------------------------------


def _rules_form(client, **changes: str) -> dict[str, str]:  # type: ignore[no-untyped-def]
    html = client.get("/scorecards/rules").get_data(as_text=True)
    fields = dict(re.findall(r'name="([a-z_]+_(?:weight|full_at|zero_at))"[^>]*value="([^"]*)"', html))
    assert len(fields) == 18, fields
    return {**fields, **changes, "csrf_token": csrf_token(client, "/scorecards/rules")}


def test_weights_must_add_up_to_100_and_what_was_typed_stays(client, app, world):
    login_as(client, world.quality_manager)
    response = client.post("/scorecards/rules", data=_rules_form(client, lar_weight="30"))
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "The weights add up to 105; they must add up to 100." in html
    assert 'name="lar_weight" type="number" value="30"' in html or 'value="30"' in html
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(KpiRule)) == 0


def test_a_quality_manager_changes_the_rules_for_drafts_only(client, app, world):
    login_as(client, world.quality_manager)
    # LAR 30, PPM 10: still 100 in all.
    response = client.post("/scorecards/rules", data=_rules_form(client, lar_weight="30", ppm_weight="10"))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(KpiRule.weight).where(KpiRule.kpi == "lar")) == 30
        assert (
            db.session.scalar(select(func.count()).where(AuditEvent.action == "scorecard.rules_changed")) == 1
        )
    draft = client.get(_card_url(world.supplier_a, draft=1)).get_data(as_text=True)
    assert "quality 50" in draft  # 30 + 10 + 10
    published = _stored(app, world.supplier_a).numbers
    assert {line["kpi"]: line["weight"] for line in published["kpis"]}["lar"] == 25


def test_reviewers_see_the_rules_but_cannot_change_them(client, world):
    login_as(client, world.reviewer)
    assert "Only a quality manager changes the rules." in client.get("/scorecards/rules").get_data(
        as_text=True
    )
    assert (
        client.post("/scorecards/rules", data={"csrf_token": csrf_token(client, "/account")}).status_code
        == 403
    )


def test_targets_are_set_per_year_and_shown_on_the_card(client, app, world):
    login_as(client, world.quality_manager)
    year = int(MONTH[:4])
    url = f"/suppliers/{world.supplier_a}/targets?year={year}"
    bad = client.post(url, data={"csrf_token": csrf_token(client, url), "lar": "-1", "ppm": "1500"})
    assert bad.status_code == 422
    assert "A target cannot be negative." in bad.get_data(as_text=True)
    ok = client.post(url, data={"csrf_token": csrf_token(client, url), "lar": "97.5", "ppm": "1500"})
    assert ok.status_code == 302
    with app.app_context():
        targets = dict(db.session.execute(select(SupplierTarget.kpi, SupplierTarget.value)).all())
        assert targets == {"lar": 97.5, "ppm": 1500.0}
        assert (
            db.session.scalar(select(func.count()).where(AuditEvent.action == "scorecard.targets_changed"))
            == 1
        )
    html = client.get(_card_url(world.supplier_a, draft=1)).get_data(as_text=True)
    assert "97.5 %" in html and "1,500" in html
    history = client.get(url).get_data(as_text=True)  # the change, in words
    assert '<span class="text-muted">Lot acceptance rate:</span>' in history


def test_a_suppliers_list_shows_its_published_cards_only(client, app, world):
    login_as(client, world.manager_a)
    html = client.get("/scorecards").get_data(as_text=True)
    label = Period.parse(MONTH).first_day.strftime("%B %Y")  # "November 2026"
    assert label in html and "Version 1" in html
    assert _card_url(world.supplier_a) in html
    assert _card_url(world.supplier_b) not in html
    assert "BRAVO" not in html


def test_a_quarter_counts_the_lots_of_its_months(client, world):
    login_as(client, world.reviewer)
    quarter = Period.containing(utcnow().date(), "quarter")
    html = client.get(f"/scorecards/{quarter.key}/suppliers/{world.supplier_a}/lots").get_data(as_text=True)
    assert f"Q{quarter.index} {quarter.year}" in html
    assert "A-0004" in html  # decided this month, so in this quarter too
    ranking = client.get(f"/scorecards/{quarter.key}").get_data(as_text=True)
    assert "ALPHA" in ranking and "100.0" in ranking
