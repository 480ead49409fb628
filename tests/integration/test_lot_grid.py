"""The data page keeps what the inspector typed (#14): adding or removing a finding row carries every
value through, unsaved and said to be unsaved; Enter (the form's default button) saves; a value out of
spec is marked in words and with aria-invalid."""

from __future__ import annotations

import re

import pytest

from app.lots import data as lot_data
from tests.conftest import csrf_token, login_as
from tests.integration.test_lots import _good_rows, _grid_form, _lot, lot_setup

pytestmark = pytest.mark.shared_world


@pytest.fixture
def setup(app, world):
    """test_lots' lot: a part with D1 9.95-10.05, FL ≤ 0.05 and a visual check, 13 samples."""
    return lot_setup(app, world)


def _typed(app, setup) -> dict[str, str]:
    """Three samples typed: one value out of spec (10.06), one that does not read (0.0x)."""
    rows = _good_rows()[:4]
    rows[1][1], rows[2][2] = "10.06", "0.0x"
    return _grid_form(app, setup["lot"], rows)


def _post(client, world, setup, data: dict[str, str]) -> tuple[int, str]:
    login_as(client, world.inspector_a)
    url = f"/lots/{setup['lot']}/data"
    response = client.post(url, data={"csrf_token": csrf_token(client, url), **data})
    return response.status_code, response.get_data(as_text=True)


def _input(page: str, name: str) -> str:
    match = re.search(rf'<input [^>]*name="{re.escape(name)}"[^>]*>', page)
    assert match, f"no input {name}"
    return match.group(0)


def _nothing_stored(app, setup) -> bool:
    """The lot's draft (created with the lot, empty) still holds no value and no finding."""
    with app.app_context():
        dataset = lot_data.working_dataset(_lot(setup["lot"]))
        return lot_data.values_of(dataset) == {} and lot_data.findings_of(dataset) == []


def _finding(row: int, code: str, sample: str) -> dict[str, str]:
    return {f"f-{row}-code": code, f"f-{row}-zone": "", f"f-{row}-count": "1", f"f-{row}-sample": sample}


def test_adding_a_finding_carries_every_typed_value_through_unsaved(client, app, world, setup):
    typed = _typed(app, setup)
    status, page = _post(
        client, world, setup, {**typed, "findings": "1", **_finding(1, "SCR", "2"), "action": "add_finding"}
    )
    assert status == 200
    for name, text in typed.items():
        assert f'value="{text}"' in _input(page, name)
    assert re.search(r'<option value="SCR" selected>', page)
    assert re.search(r'<select name="f-2-code"[^>]*autofocus', page)
    assert 'data-unsaved="true"' in page
    assert _nothing_stored(app, setup)


def test_removing_a_finding_keeps_the_grid_and_the_other_findings(client, app, world, setup):
    typed = _typed(app, setup)
    findings = {"findings": "2", **_finding(1, "SCR", "2"), **_finding(2, "DNT", "3")}
    status, page = _post(client, world, setup, {**typed, **findings, "action": "remove_finding-1"})
    assert status == 200
    for name, text in typed.items():
        assert f'value="{text}"' in _input(page, name)
    assert 'name="f-2-code"' not in page
    assert '<option value="DNT" selected>' in page and '<option value="SCR" selected>' not in page
    assert 'value="3"' in _input(page, "f-1-sample")
    assert re.search(r'<button [^>]*value="add_finding"[^>]*autofocus', page)
    assert 'data-unsaved="true"' in page
    assert _nothing_stored(app, setup)


def test_the_forms_default_button_saves_the_draft(client, world, setup):
    """Enter in a field submits through the form's first submit button: it must be "save"."""
    login_as(client, world.inspector_a)
    page = client.get(f"/lots/{setup['lot']}/data").get_data(as_text=True)
    form = page[page.index(f'<form method="post" action="/lots/{setup["lot"]}/data"') :]
    first = re.search(r'<button type="submit"[^>]*>', form)
    assert first and 'value="save"' in first.group(0)
    assert 'data-unsaved="true"' not in page  # the stored draft: nothing to lose


def test_a_refused_save_is_shown_as_unsaved(client, app, world, setup):
    status, page = _post(client, world, setup, {**_typed(app, setup), "action": "save"})
    assert status == 422 and 'data-unsaved="true"' in page
    assert _nothing_stored(app, setup)


def test_a_value_out_of_spec_is_marked_in_words_and_with_aria_invalid(client, app, world, setup):
    rows = _good_rows()[:4]
    rows[1][1], rows[2][1], rows[3][1], rows[1][2] = "10.06", "10.05", "9.94", "0.07"
    form = _grid_form(app, setup["lot"], rows)
    status, _ = _post(client, world, setup, form)
    assert status == 302
    page = client.get(f"/lots/{setup['lot']}/data").get_data(as_text=True)
    name = {text: name for name, text in form.items()}
    for text, words in (("10.06", "above the USL"), ("9.94", "below the LSL"), ("0.07", "above the USL")):
        cell = _input(page, name[text])
        assert 'aria-invalid="true"' in cell and f'aria-describedby="note-{name[text]}"' in cell
        assert re.search(
            rf'<div class="spec-note cell-note" id="note-{name[text]}">Out of spec: {words}</div>', page
        )
    assert "aria-invalid" not in _input(page, name["10.05"])  # on the limit: in spec
    assert page.count('class="spec-note cell-note"') == 3


def test_the_script_reads_its_messages_from_the_page(client, world, setup):
    """lot-grid.js says what the server says, in the user's language, and knows the same pass/fail words."""
    login_as(client, world.inspector_a)
    page = client.get(f"/lots/{setup['lot']}/data").get_data(as_text=True)
    table = re.search(r'<table class="table table-sm table-bordered data-grid"[^>]*>', page)
    assert table
    assert 'data-number="“%(text)s” is not a number. Type digits only, for example 12.05."' in table.group(0)
    verdicts = re.search(r'data-verdicts="([^"]*)"', table.group(0))
    assert verdicts and {"pass", "ok", "fail", "ng", "no go"} <= set(verdicts.group(1).split("|"))
    assert 'data-places-max="6"' in table.group(0)
