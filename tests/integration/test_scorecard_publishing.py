"""Draft and published scorecards told apart: the latest published version is the default view, the
live draft sits under its banner, publishing is confirmed on a page naming who will be told, a
running period is published only early and with a reason, and inspectors are told too."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.audit.models import AuditEvent
from app.auth.models import Role, User
from app.clock import utcnow
from app.extensions import db
from app.notifications.models import Notification, NotificationKind
from app.outbox.models import OutboxMessage
from app.scorecards.models import Publication
from app.scorecards.periods import Period
from app.suppliers.models import Supplier
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world

MONTH = Period.containing(utcnow().date()).key  # running at TEST_START; the world published it once
EARLIER = Period.parse(MONTH).previous().key  # over, never published
BANNER = '<h2 class="h5 alert-heading" id="draft-banner-title">Draft (live)</h2>'


def _card(supplier_id: int, suffix: str = "", period: str = MONTH, query: str = "") -> str:
    return f"/scorecards/{period}/suppliers/{supplier_id}{suffix}" + (f"?{query}" if query else "")


def _publish(client, period: str = MONTH, **fields: str):  # type: ignore[no-untyped-def]
    data = {"csrf_token": csrf_token(client, f"/scorecards/{period}/publish"), **fields}
    return client.post(f"/scorecards/{period}/publish", data=data)


def _versions(app, period: str = MONTH) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        query = select(Publication.version).where(Publication.period == period).order_by(Publication.version)
        return list(db.session.scalars(query))


# --- The default view --------------------------------------------------------------------------


def test_a_published_period_opens_on_its_latest_version_with_the_draft_one_click_away(client, world):
    login_as(client, world.reviewer)
    html = client.get(f"/scorecards/{MONTH}").get_data(as_text=True)
    assert "Version 1, published" in html
    assert BANNER not in html
    assert f'href="/scorecards/{MONTH}?draft=1">Open the draft (live)</a>' in html
    assert f"/scorecards/{MONTH}/suppliers/{world.supplier_a}?version=1" in html  # the ranking links cards


def test_the_supplier_card_opens_on_the_published_version_and_its_pdf_is_the_published_one(client, world):
    login_as(client, world.reviewer)
    html = client.get(_card(world.supplier_a)).get_data(as_text=True)
    assert "Published version 1" in html and BANNER not in html
    assert f'href="{_card(world.supplier_a, query="draft=1")}">Open the draft (live)</a>' in html
    assert f'href="{_card(world.supplier_a, "/card.pdf", query="version=1")}"' in html
    pdf = client.get(_card(world.supplier_a, "/card.pdf"))
    assert f'filename="ALPHA-{MONTH}-v1.pdf"' in pdf.headers["Content-Disposition"]


def test_a_newer_version_becomes_the_default(client, app, world):
    login_as(client, world.quality_manager)
    assert _publish(client, early="y", early_reason="Meeting").status_code == 302
    assert "Version 2, published" in client.get(f"/scorecards/{MONTH}").get_data(as_text=True)
    assert "Published version 2" in client.get(_card(world.supplier_a)).get_data(as_text=True)


# --- The draft's banner ------------------------------------------------------------------------


def test_the_live_draft_is_under_its_banner_and_its_pdf_is_the_draft(client, world):
    login_as(client, world.reviewer)
    ranking = client.get(f"/scorecards/{MONTH}?draft=1").get_data(as_text=True)
    assert BANNER in ranking
    assert f'<a class="alert-link" href="/scorecards/{MONTH}">See published version 1' in ranking
    assert _card(world.supplier_a, query="draft=1") in ranking  # its cards are drafts too
    card = client.get(_card(world.supplier_a, query="draft=1")).get_data(as_text=True)
    assert BANNER in card and "Draft, computed live now" in card
    assert f'href="{_card(world.supplier_a)}">See published version 1' in card
    lots = _card(world.supplier_a, "/lots", query="list=decided&amp;draft=1")
    assert lots in card  # the lists behind the draft's figures stay on the draft
    pdf = client.get(_card(world.supplier_a, "/card.pdf", query="draft=1"))
    assert f'filename="ALPHA-{MONTH}-draft.pdf"' in pdf.headers["Content-Disposition"]


def test_a_period_never_published_opens_on_the_draft_under_its_banner(client, world):
    login_as(client, world.reviewer)
    html = client.get(f"/scorecards/{EARLIER}").get_data(as_text=True)
    assert BANNER in html and "This period has not been published yet." in html
    card = client.get(_card(world.supplier_a, period=EARLIER)).get_data(as_text=True)
    assert BANNER in card


@pytest.mark.parametrize("suffix", ["", "/card.pdf", "/lots", "/scars"])
def test_a_supplier_never_opens_the_draft(client, world, suffix):
    login_as(client, world.inspector_a)
    assert client.get(_card(world.supplier_a, suffix)).status_code == 200
    assert client.get(_card(world.supplier_a, suffix, query="draft=1")).status_code == 404


# --- Confirmation ------------------------------------------------------------------------------


def test_the_draft_asks_for_confirmation_instead_of_publishing_at_once(client, world):
    login_as(client, world.quality_manager)
    html = client.get(f"/scorecards/{MONTH}?draft=1").get_data(as_text=True)
    assert f'href="/scorecards/{MONTH}/publish">Publish version 2…</a>' in html
    assert f'action="/scorecards/{MONTH}/publish"' not in html  # no form posts from the ranking


def test_the_confirmation_names_who_will_be_told(client, app, world):
    login_as(client, world.quality_manager)
    with app.app_context():
        names = {p: db.session.get(User, getattr(world, p).id).name for p in ("manager_a", "inspector_b")}
        admin = db.session.get(User, world.admin.id).name
    html = client.get(f"/scorecards/{MONTH}/publish").get_data(as_text=True)
    assert "Publish November 2026 as version 2?" in html
    assert "Suppliers: 2 · managers: 2 · inspectors: 2" in html
    assert names["manager_a"] in html and names["inspector_b"] in html
    assert admin not in html  # the brand's staff are not told
    assert 'name="early_reason"' in html  # November is running


def test_the_confirmation_warns_of_a_supplier_with_nobody_to_tell(client, app, world):
    with app.app_context():
        factories.supplier("EMPTY")
        db.session.commit()
    login_as(client, world.quality_manager)
    html = client.get(f"/scorecards/{MONTH}/publish").get_data(as_text=True)
    assert "Nobody at EMPTY will be told" in html


def test_the_confirmation_costs_the_same_queries_for_more_suppliers_and_people(client, app, world):
    login_as(client, world.quality_manager)
    few, _ = count_page_statements(app, client, f"/scorecards/{MONTH}/publish")
    with app.app_context():
        for i in range(4):
            owner = factories.supplier(f"MORE{i}")
            factories.user(Role.SUPPLIER_MANAGER, owner)
            factories.user(Role.SUPPLIER_INSPECTOR, owner)
        db.session.commit()
    more, html = count_page_statements(app, client, f"/scorecards/{MONTH}/publish")
    assert more == few
    assert "Suppliers: 6 · managers: 6 · inspectors: 6" in html


def test_only_a_quality_manager_opens_the_confirmation(client, world):
    login_as(client, world.reviewer)
    assert client.get(f"/scorecards/{MONTH}/publish").status_code == 403
    assert "Publish version" not in client.get(f"/scorecards/{MONTH}?draft=1").get_data(as_text=True)


# --- Publishing early --------------------------------------------------------------------------


def test_a_running_period_is_not_published_without_publish_early(client, app, world):
    login_as(client, world.quality_manager)
    response = _publish(client, note="Kept note")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="early-error"' in html and "has not ended. To publish it now" in html
    assert 'value="Kept note"' in html  # what was typed stays
    assert _versions(app) == [1]


def test_publishing_early_without_a_reason_is_refused_next_to_the_reason(client, app, world):
    login_as(client, world.quality_manager)
    response = _publish(client, note="Kept note", early="y", early_reason="   ")
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert 'id="early_reason-error"' in html
    assert "Give the reason for publishing before the period ends." in html
    assert 'value="Kept note"' in html and re.search(r"<input checked[^>]* name=\"early\"", html)
    assert _versions(app) == [1]


def test_publishing_early_records_the_reason_on_the_publication_and_in_the_trail(client, app, world):
    login_as(client, world.quality_manager)
    response = _publish(client, early="y", early_reason=" Supplier meeting on the 20th ")
    assert response.status_code == 302
    with app.app_context():
        publication = db.session.scalars(select(Publication).where(Publication.version == 2)).one()
        assert publication.early_reason == "Supplier meeting on the 20th"
        event = db.session.scalars(
            select(AuditEvent)
            .where(AuditEvent.action == "scorecard.published")
            .order_by(AuditEvent.id.desc())
        ).first()
        assert event is not None and event.after["early_reason"] == "Supplier meeting on the 20th"
    html = client.get(f"/scorecards/{MONTH}").get_data(as_text=True)
    assert "Published early" in html and "Supplier meeting on the 20th" in html
    trail = client.get("/audit").get_data(as_text=True)
    assert "Reason for publishing early" in trail and "Supplier meeting on the 20th" in trail


def test_a_period_that_has_ended_is_published_without_a_reason(client, app, world, clock):
    clock.advance(timedelta(days=20))  # into the next month: November has ended
    login_as(client, world.quality_manager)
    page = client.get(f"/scorecards/{MONTH}/publish").get_data(as_text=True)
    assert 'name="early_reason"' not in page
    assert _publish(client, note="Month end").status_code == 302
    with app.app_context():
        publication = db.session.scalars(select(Publication).where(Publication.version == 2)).one()
        assert publication.early_reason == ""
    assert "Published early" not in client.get(f"/scorecards/{MONTH}").get_data(as_text=True)


def test_the_ended_check_reads_the_apps_clock(client, app, world, clock):
    clock.set(Period.parse(MONTH).end - timedelta(seconds=1))  # the last second of the month
    login_as(client, world.quality_manager)
    assert _publish(client).status_code == 422
    clock.advance(timedelta(seconds=1))
    assert _publish(client).status_code == 302


# --- Who is told -------------------------------------------------------------------------------


def test_managers_and_inspectors_are_told_in_the_portal_and_by_email(client, app, world):
    with app.app_context():
        owner = db.session.get(Supplier, world.supplier_a)
        gone = factories.user(Role.SUPPLIER_INSPECTOR, owner, is_active_account=False)
        gone_id, gone_email = gone.id, gone.email
        db.session.commit()
    login_as(client, world.quality_manager)
    assert _publish(client, early="y", early_reason="Meeting").status_code == 302
    people = [world.manager_a, world.manager_b, world.inspector_a, world.inspector_b]
    with app.app_context():
        told = db.session.scalars(
            select(Notification.user_id).where(Notification.kind == NotificationKind.SCORECARD_PUBLISHED)
        ).all()
        assert sorted(told) == sorted(p.id for p in people) and gone_id not in told
        mailed = db.session.scalars(select(OutboxMessage.recipient)).all()
        assert sorted(mailed) == sorted(p.email for p in people) and gone_email not in mailed
        link = db.session.scalars(
            select(Notification.url).where(
                Notification.user_id == world.inspector_a.id,
                Notification.kind == NotificationKind.SCORECARD_PUBLISHED,
            )
        ).one()
    assert link == f"/scorecards/{MONTH}/suppliers/{world.supplier_a}"
    login_as(client, world.inspector_a)
    assert "Published version 2" in client.get(link).get_data(as_text=True)
