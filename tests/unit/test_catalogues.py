"""Every catalogue holds every message of the code, translated, without a fuzzy entry (#12)."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("ja", "zh_Hans", "th", "vi")
PLACEHOLDERS = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]|\{[a-z_0-9]*\}")


def _read(path: Path) -> Catalog:
    with path.open("rb") as po:
        return read_po(po)


def _extract_command() -> list[str]:
    """`make messages`' extract command, read from the Makefile (the test extracts exactly as it does)."""
    line = next(x for x in (ROOT / "Makefile").read_text().splitlines() if "pybabel extract" in x)
    return shlex.split(line.strip().replace("$(BIN)/pybabel ", "", 1))[1:]


@pytest.fixture(scope="module")
def extracted(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The messages in the code and templates now, extracted as `make messages` does."""
    pot = tmp_path_factory.mktemp("pot") / "messages.pot"
    pybabel = Path(sys.executable).with_name("pybabel")
    command = [str(pybabel), "extract", *_extract_command()]
    command[command.index("-o") + 1] = str(pot)
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True)
    return _read(pot)


@pytest.fixture(scope="module")
def code_messages(extracted: Catalog) -> set[str]:
    return {_id(m.id) for m in extracted if m.id}


def test_every_template_that_shows_words_is_extracted(extracted: Catalog):
    """Babel skips folders whose names start with "_" unless told not to: the macros' words (the pager,
    the expired-form message) were English in every language."""
    located = {location for m in extracted for location, _line in m.locations}
    with_words = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "templates").rglob("*.html")
        if re.search(r"\b(_|gettext|ngettext)\(", path.read_text())
    }
    assert "templates/_macros/ui.html" in with_words
    assert sorted(with_words - located) == []


def _id(message_id: str | tuple[str, ...]) -> str:
    return message_id[0] if isinstance(message_id, tuple) else message_id


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_translates_every_message_of_the_code(code_messages: set[str], language: str):
    catalogue = _read(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po")
    entries = {_id(m.id): m for m in catalogue if m.id}
    missing = sorted(code_messages - entries.keys())
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
    untranslated = sorted(
        key
        for key in code_messages
        if not all(entries[key].string if isinstance(entries[key].string, tuple) else (entries[key].string,))
    )
    assert not untranslated, f"{len(untranslated)} untranslated in {language}: {untranslated[:10]}"
    fuzzy = sorted(key for key in code_messages if entries[key].fuzzy)
    assert not fuzzy, f"fuzzy in {language}: {fuzzy[:10]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language: str):
    wrong = []
    for message in _read(ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = {frozenset(PLACEHOLDERS.findall(english)) for english in ids}
        wrong += [s for s in strings if s and frozenset(PLACEHOLDERS.findall(s)) not in wanted]
    assert not wrong, wrong[:5]


def test_a_fuzzy_or_empty_entry_is_caught(tmp_path: Path):
    """The check above reads what babel reads: a fuzzy flag and an empty msgstr are seen."""
    po = tmp_path / "messages.po"
    po.write_text('#, fuzzy\nmsgid "Lots"\nmsgstr "ロット"\n\nmsgid "Parts"\nmsgstr ""\n', encoding="utf-8")
    entries = {m.id: m for m in _read(po) if m.id}
    assert entries["Lots"].fuzzy and not entries["Parts"].string
