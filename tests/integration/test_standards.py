"""Authoring, releasing and revising craftsmanship standards."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import select

from app.extensions import db
from app.standards import services
from app.standards.models import Characteristic, RevisionState, Standard, StandardRevision
from app.standards.validation import CharacteristicData, RevisionSettings
from tests import factories
from tests.conftest import csrf_token, login_as

pytestmark = pytest.mark.shared_world  # every test here reads or changes the one world

ROW = {
    "code": "D1",
    "name": "Bore diameter",
    "kind": "variable",
    "defect_class": "major",
    "unit": "mm",
    "lsl": "9.95",
    "nominal": "10.00",
    "usl": "10.05",
    "method": "Bore gauge",
    "zone": "",
}


def grid(rows: list[dict], action: str = "save", **settings: str) -> dict:
    data = {
        "scheme": "iso2859-1",
        "inspection_level": "II",
        "aql_critical": "0.065",
        "aql_major": "0.65",
        "aql_minor": "2.5",
        "change_note": "",
        "action": action,
        **settings,
    }
    for i, row in enumerate(rows):
        data.update({f"characteristics-{i}-{k}": v for k, v in row.items()})
    return data


@pytest.fixture
def draft(app, world):
    """A fresh part with a started standard (draft revision 1); returns the revision id."""
    with app.app_context():
        part = factories.part()
        revision = services.start_standard(part)
        db.session.commit()
        return revision.id


def post_grid(client, revision_id, rows, action="save", **settings):
    token = csrf_token(client, f"/revisions/{revision_id}/edit")
    return client.post(
        f"/revisions/{revision_id}/edit", data={"csrf_token": token, **grid(rows, action, **settings)}
    )


def test_quality_manager_saves_a_two_characteristic_draft(app, client, world, draft):
    login_as(client, world.quality_manager)
    gap = {**ROW, "code": "G1", "name": "Gap to frame", "lsl": "", "nominal": "", "usl": "0.10"}
    assert post_grid(client, draft, [ROW, gap]).status_code == 302
    with app.app_context():
        codes = db.session.scalars(
            select(Characteristic.code)
            .where(Characteristic.revision_id == draft)
            .order_by(Characteristic.position)
        ).all()
    assert codes == ["D1", "G1"]


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"lsl": "10.1", "usl": "10.0"}, "usl", "The upper limit must be above the lower limit."),
        ({"nominal": "11"}, "nominal", "The nominal value must lie within the limits."),
        ({"unit": ""}, "unit", "A measured characteristic needs a unit"),
        ({"lsl": "", "usl": "", "nominal": ""}, "usl", "Give at least one limit"),
        ({"lsl": "abc"}, "lsl", "Not a valid decimal value"),
    ],
)
def test_bad_rows_are_refused_next_to_the_cell_keeping_the_input(
    client, world, draft, change, field, message
):
    login_as(client, world.quality_manager)
    page = post_grid(client, draft, [{**ROW, **change}]).get_data(as_text=True)
    assert f'id="characteristics-0-{field}-error"' in page and message in page
    assert 'value="Bore gauge"' in page


def test_duplicate_codes_are_refused(client, world, draft):
    login_as(client, world.quality_manager)
    page = post_grid(client, draft, [ROW, {**ROW, "code": "d1"}]).get_data(as_text=True)
    assert "Each characteristic needs its own code." in page
    assert page.count("This code is used by another row.") == 2


def test_an_aql_outside_the_table_is_refused(client, world, draft):
    login_as(client, world.quality_manager)
    page = post_grid(client, draft, [ROW], aql_major="0.7").get_data(as_text=True)
    assert 'id="aql_major-error"' in page


def test_rows_are_added_moved_and_removed_without_javascript(client, world, draft):
    login_as(client, world.quality_manager)
    second = {**ROW, "code": "G1", "name": "Gap"}
    page = post_grid(client, draft, [ROW, second], action="up:1").get_data(as_text=True)
    assert page.index('value="G1"') < page.index('value="D1"')
    page = post_grid(client, draft, [ROW, second], action="add").get_data(as_text=True)
    assert 'id="characteristics-2-code"' in page
    page = post_grid(client, draft, [ROW, second], action="remove:0").get_data(as_text=True)
    assert 'value="D1"' not in page and 'value="G1"' in page


def _saved_draft(app, draft, *rows: CharacteristicData) -> None:
    with app.app_context():
        revision = db.session.get(StandardRevision, draft)
        services.save_draft(
            revision,
            RevisionSettings(),
            list(rows)
            or [
                CharacteristicData(
                    "D1", "Bore", "variable", "major", "mm", Decimal("10"), Decimal("9.9"), Decimal("10.1")
                )
            ],
        )
        db.session.commit()


def test_release_puts_the_revision_in_force(app, client, world, draft):
    _saved_draft(app, draft)
    login_as(client, world.quality_manager)
    client.post(f"/revisions/{draft}/release", data={"csrf_token": csrf_token(client, "/account")})
    with app.app_context():
        revision = db.session.get(StandardRevision, draft)
        assert (
            revision.state == RevisionState.RELEASED and revision.released_by_id == world.quality_manager.id
        )
        assert services.revision_in_force(revision.standard.part_id).id == draft


def test_an_empty_draft_cannot_be_released(app, world, draft):
    with app.app_context(), pytest.raises(services.RuleError, match="at least one characteristic"):
        services.release(db.session.get(StandardRevision, draft))


def test_a_released_revision_refuses_changes_in_the_service(app, world):
    with app.app_context():
        revision = db.session.get(StandardRevision, world.revision_a)
        with pytest.raises(services.RevisionLockedError):
            services.save_draft(revision, RevisionSettings(), [])


@pytest.mark.parametrize(
    "tamper",
    [
        lambda r: setattr(r, "aql_major", "1.0"),
        lambda r: setattr(r.characteristics[0], "usl", Decimal("99")),
        lambda r: r.characteristics.append(factories.bore_diameter(2, "X9")),
        lambda r: r.characteristics.pop(),
        lambda r: setattr(r, "state", RevisionState.DRAFT),
    ],
)
def test_a_released_revision_refuses_changes_below_the_service(app, world, tamper):
    with app.app_context():
        revision = db.session.get(StandardRevision, world.revision_a)
        tamper(revision)
        with pytest.raises(services.RevisionLockedError):
            db.session.flush()
        db.session.rollback()


def test_the_editor_of_a_released_revision_redirects_to_its_view(client, world):
    login_as(client, world.quality_manager)
    response = client.get(f"/revisions/{world.revision_a}/edit")
    assert response.headers["Location"] == f"/revisions/{world.revision_a}"


def test_new_revision_copies_the_current_one_and_release_supersedes_it(app, world):
    with app.app_context():
        standard = db.session.get(Standard, world.standard_a)
        draft = services.new_revision(standard)
        assert draft.number == 2 and [c.code for c in draft.characteristics] == ["D1"]
        with pytest.raises(services.RuleError, match="already a draft"):
            services.new_revision(standard)
        services.release(draft)
        assert db.session.get(StandardRevision, world.revision_a).state == RevisionState.SUPERSEDED
        assert services.revision_in_force(standard.part_id).id == draft.id


def test_compare_shows_changed_added_and_removed_characteristics(app, client, world):
    with app.app_context():
        draft = services.new_revision(db.session.get(Standard, world.standard_a))
        rows = [
            CharacteristicData(
                "D1",
                "Bore diameter",
                "variable",
                "major",
                "mm",
                Decimal("10.00"),
                Decimal("9.95"),
                Decimal("10.08"),
            ),
            CharacteristicData("S1", "Scratch on glass", "attribute", "minor", zone="A"),
        ]
        services.save_draft(draft, RevisionSettings(aql_minor="1.5"), rows)
        db.session.commit()
    login_as(client, world.reviewer)
    page = client.get(f"/standards/{world.standard_a}/compare").get_data(as_text=True)
    assert "aql_minor" in page and "1.5" in page
    assert "added" in page and "S1" in page
    assert page.count("diff-changed") >= 2  # USL of D1, old and new cell


def test_supplier_sees_released_revisions_of_approved_parts_only(app, client, world):
    login_as(client, world.inspector_a)
    assert client.get(f"/revisions/{world.revision_a}").status_code == 200
    assert client.get(f"/revisions/{world.revision_b}").status_code == 404
    with app.app_context():
        draft = services.new_revision(db.session.get(Standard, world.standard_a))
        db.session.commit()
        draft_id = draft.id
    assert client.get(f"/revisions/{draft_id}").status_code == 404


def test_defect_catalogue_refuses_a_duplicate_code(client, world):
    login_as(client, world.quality_manager)
    token = csrf_token(client, "/defects/new")
    client.post(
        "/defects/new",
        data={"csrf_token": token, "code": "scr", "description": "Scratch", "default_class": "minor"},
    )
    page = client.post(
        "/defects/new",
        data={"csrf_token": token, "code": "SCR", "description": "Again", "default_class": "minor"},
    ).get_data(as_text=True)
    assert "The code SCR is already in the catalogue." in page
    assert "SCR" in client.get("/defects/").get_data(as_text=True)
