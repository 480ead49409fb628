"""Finding things (#14): the header's search, the lot-number filter, the empty-grid summary line, the
supplier home's rejected lots, names instead of ids in the audit trail, one naming of people."""

from __future__ import annotations

import re
from datetime import timedelta
from unittest.mock import patch

import pytest
from sqlalchemy import select

from app import tenancy
from app.audit.texts import changed_fields
from app.auth.models import User
from app.extensions import db
from app.lots.models import Lot
from app.parts import services as part_services
from app.parts.models import Part
from app.reviews import notices
from app.reviews.services import Decision, claim, decide
from app.scars import notices as scar_notices
from app.scars import services as scar_services
from app.scars.models import Scar
from app.suppliers.models import Site
from tests import factories
from tests.conftest import count_page_statements, csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world


def _scar_number(app, scar_id: int) -> str:
    with app.app_context():
        return db.session.get(Scar, scar_id).number


def _name(app, person) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session.get(User, person.id).name


# --- The header's search ----------------------------------------------------------------------


def test_the_header_has_a_search_box_for_signed_in_users_only(client, world):
    assert 'role="search"' not in client.get("/login").get_data(as_text=True)
    login_as(client, world.inspector_a)
    page = client.get("/home").get_data(as_text=True)
    assert 'action="/search"' in page and 'name="q"' in page
    assert '<label class="visually-hidden" for="header-search-q">' in page


@pytest.mark.parametrize("typed", ["A-0001", "a-0001", "  A-0001 "])
def test_a_single_exact_lot_number_goes_straight_to_the_lot(client, world, typed):
    login_as(client, world.inspector_a)
    response = client.get("/search", query_string={"q": typed})
    assert response.status_code == 302 and response.location.endswith(f"/lots/{world.lot_a}")


def test_a_scar_number_and_a_part_number_go_straight_to_their_pages(app, client, world):
    login_as(client, world.manager_a)
    response = client.get("/search", query_string={"q": _scar_number(app, world.scar_a)})
    assert response.location.endswith(f"/scars/{world.scar_a}")
    response = client.get("/search", query_string={"q": "pa-100"})
    assert response.location.endswith(f"/parts/{world.part_a}")


def test_a_partial_number_lists_the_matches_of_every_kind(client, world):
    login_as(client, world.inspector_a)
    response = client.get("/search", query_string={"q": "A-000"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    for lot in (world.lot_a, world.submitted_a, world.in_review_a, world.decided_a):
        assert f'href="/lots/{lot}"' in page
    response = client.get("/search", query_string={"q": "SCAR-"})
    assert f'href="/scars/{world.scar_a}"' in response.get_data(as_text=True)


def test_a_supplier_never_finds_another_suppliers_lots_scars_or_parts(app, client, world):
    login_as(client, world.inspector_a)
    for typed in ("B-0001", _scar_number(app, world.scar_b), "PB-200"):
        response = client.get("/search", query_string={"q": typed})
        page = response.get_data(as_text=True)
        assert response.status_code == 200, typed
        assert "Nothing matches" in page, typed
    page = client.get("/search", query_string={"q": "0001"}).get_data(as_text=True)
    assert f'href="/lots/{world.lot_a}"' in page and f'href="/lots/{world.lot_b}"' not in page
    assert "B-0001" not in page.split('id="found-lots"')[1]
    page = client.get("/search", query_string={"q": "SCAR-"}).get_data(as_text=True)
    assert f'href="/scars/{world.scar_b}"' not in page and f'href="/scars/{world.scar_a}"' in page


def test_the_brands_staff_find_every_suppliers_records_and_choose_between_equal_numbers(app, client, world):
    with app.app_context():
        site_b, part_b = db.session.get(Site, world.site_b), db.session.get(Part, world.part_b)
        inspector_b = db.session.get(User, world.inspector_b.id)
        twin = factories.lot(site_b, part_b, inspector_b, "A-0001").id  # B may use A's number too
        db.session.commit()
    login_as(client, world.reviewer)
    response = client.get("/search", query_string={"q": "A-0001"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # two exact matches: the list, not one of them
    assert f'href="/lots/{world.lot_a}"' in page and f'href="/lots/{twin}"' in page
    assert "ALPHA" in page and "BRAVO" in page


def test_the_search_takes_percent_and_underscore_literally_and_asks_when_empty(client, world):
    login_as(client, world.reviewer)
    for typed in ("%", "A_0001"):
        assert "Nothing matches" in client.get("/search", query_string={"q": typed}).get_data(as_text=True)
    page = client.get("/search").get_data(as_text=True)
    assert "Type a lot number, a SCAR number or a part number" in page


def test_the_search_reads_three_queries_however_many_records_match(app, client, world):
    login_as(client, world.reviewer)
    few, _ = count_page_statements(app, client, "/search?q=0")
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
        inspector = db.session.get(User, world.inspector_a.id)
        for i in range(8):
            factories.lot(site, part, inspector, f"Q-{i:04d}")
        db.session.commit()
    many, page = count_page_statements(app, client, "/search?q=0")
    assert page.count('href="/lots/') >= 12
    assert many == few


def test_the_lot_list_filters_by_part_of_the_lot_number(client, world):
    login_as(client, world.inspector_a)
    page = client.get("/lots", query_string={"number": "0001"}).get_data(as_text=True)
    assert f'href="/lots/{world.lot_a}"' in page and f'href="/lots/{world.submitted_a}"' not in page
    assert 'value="0001"' in page  # what was typed stays in the box
    page = client.get("/lots", query_string={"number": "B-0001"}).get_data(as_text=True)
    assert "No lots match." in page


# --- The empty grid's summary line ------------------------------------------------------------


def test_submitting_an_empty_grid_says_how_many_cells_are_empty_in_one_line(app, client, world):
    login_as(client, world.inspector_a)
    url = f"/lots/{world.lot_a}/data"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), "action": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    with app.app_context():
        lot = db.session.get(Lot, world.lot_a)
        empty = lot.sample_size * len(lot.revision.characteristics)
    listed = page[page.index("Please correct these problems:") :]
    listed = listed[: listed.index("</table>")]
    assert f"{empty} cells have no value yet: Sample 1, " in listed
    assert f"and {empty - 5} more" in listed
    assert listed.count("<tr>") == 2  # the header and the one line
    assert "<td>No value yet.</td>" not in page
    assert 'aria-invalid="true"' in page  # each empty cell is still marked


# --- The supplier home's rejected lots --------------------------------------------------------


def _rejected_lot(app, world, number: str) -> int:
    with app.app_context():
        site, part = db.session.get(Site, world.site_a), db.session.get(Part, world.part_a)
        lot = factories.submitted_lot(site, part, db.session.get(User, world.inspector_a.id), number)
        reviewer = db.session.get(User, world.reviewer.id)
        claim(lot, reviewer)
        with patch.object(notices, "lot_decided"):
            decide(
                lot,
                reviewer,
                Decision.REJECT,
                reason="Burrs",
                password=factories.PASSWORD,
                version=None,
                acknowledged=True,  # rejected against an accept recommendation, on purpose
            )
        db.session.commit()
        return lot.id


def test_the_supplier_home_lists_the_lots_rejected_in_the_last_30_days(app, client, world, clock):
    login_as(client, world.inspector_a)
    few, page = count_page_statements(app, client, "/home")
    assert "No lot was rejected in the last 30 days." in page
    old = _rejected_lot(app, world, "R-OLD")
    clock.advance(timedelta(days=31))
    login_as(client, world.inspector_a)
    recent = [_rejected_lot(app, world, f"R-{i}") for i in range(3)]
    many, page = count_page_statements(app, client, "/home")
    section = page[page.index("Rejected in the last 30 days") :]
    assert all(f'href="/lots/{lot}"' in section for lot in recent)
    assert f'href="/lots/{old}"' not in page  # rejected 31 days ago
    assert many == few


# --- Names instead of ids in the audit trail --------------------------------------------------


def _history(page: str) -> str:
    return page[page.index('id="history-title"') :]


def test_a_lots_history_names_its_site_and_part(client, world):
    login_as(client, world.inspector_a)
    history = _history(client.get(f"/lots/{world.lot_a}").get_data(as_text=True))
    assert re.search(r"Site:</span>\s*Chonburi", history) and re.search(r"Part:</span>\s*PA-100", history)
    assert not re.search(r"(Site|Part):</span>\s*\d", history)


def test_a_scars_history_names_its_lots_and_its_issuer(app, client, world):
    with app.app_context(), patch.object(scar_notices, "notify"):
        data = scar_services.ScarInput(
            world.supplier_a, world.part_a, "major", "lot", "Burrs", "Burrs on the bore",
            lot_ids=(world.decided_a, world.submitted_a),
        )  # fmt: skip
        scar = scar_services.raise_scar(data, db.session.get(User, world.reviewer.id)).id
        db.session.commit()
    reviewer = _name(app, world.reviewer)
    login_as(client, world.manager_a)
    page = client.get(f"/scars/{scar}").get_data(as_text=True)
    history = _history(page)
    assert re.search(r"Lots:</span>\s*A-0004, A-0002", history)
    assert "[" not in history.split("Lots:</span>")[1][:40]
    # e: the page names the person who raised it, in its header and in its history alike
    assert re.search(rf"Raised by</dt><dd[^>]*>{re.escape(reviewer)}</dd>", page)
    assert f"<td>{reviewer}</td>" in history
    assert "Brand staff" not in page


def test_the_claim_in_a_lots_history_names_the_reviewer_to_the_supplier(app, client, world):
    reviewer = _name(app, world.reviewer)
    login_as(client, world.inspector_a)
    page = client.get(f"/lots/{world.in_review_a}").get_data(as_text=True)
    assert f"Being reviewed by {reviewer}" in page
    history = _history(page)
    assert re.search(rf"Reviewer:</span>\s*{re.escape(reviewer)}", history)
    assert "Brand staff" not in page


def _approvals(app, world, names: range) -> None:
    with app.app_context():
        owner = db.session.get(Site, world.site_a).supplier
        for i in names:
            part_services.approve(factories.part(f"PX-{i}"), factories.site(owner, f"Plant {i}"))
        db.session.commit()


def test_the_trail_page_names_referred_records_in_one_query_per_type(app, client, world):
    _approvals(app, world, range(1))
    login_as(client, world.quality_manager)
    few, page = count_page_statements(app, client, "/audit?object_type=PartApproval")
    assert re.search(r"Site:</span>\s*Plant 0 \(ALPHA\)", page) and re.search(r"Part:</span>\s*PX-0", page)
    _approvals(app, world, range(1, 6))
    many, page = count_page_statements(app, client, "/audit?object_type=PartApproval")
    assert "Plant 5 (ALPHA)" in page and "PX-5" in page
    assert not re.search(r"(Site|Part):</span>\s*\d", page)
    assert many == few


def test_a_supplier_reads_the_names_of_its_people_and_the_brands_staff_but_not_of_another_supplier(
    app, world
):
    with app.app_context():
        tenancy.set_scope(db.session, world.supplier_a)
        ids = [world.inspector_a.id, world.reviewer.id, world.inspector_b.id, world.manager_b.id]
        names = tenancy.people_names(ids)
        assert set(names) == {world.inspector_a.id, world.reviewer.id}
        # The scoped ORM read still hides the brand's staff rows themselves.
        assert db.session.scalars(select(User).where(User.id == world.reviewer.id)).first() is None


def test_only_a_list_of_lots_is_read_as_ids_a_count_of_lots_stays_a_number(app):
    names = {("Lot", 3): "A-0003", ("Site", 1): "Chonburi (ALPHA)"}
    with app.test_request_context():
        listed = changed_fields(None, {"lots": [3, 99], "site_id": 1, "lot_size": 3}, names)
        assert [(c.label, c.new) for c in listed] == [
            ("Lots", "A-0003, #99"),  # a lot out of sight keeps its id
            ("Site", "Chonburi (ALPHA)"),
            ("Lot size", "3"),
        ]
        counted = changed_fields({"lots": 3}, {"lots": 4}, names)  # the effectiveness check's count
        assert [(c.old, c.new) for c in counted] == [("3", "4")]
