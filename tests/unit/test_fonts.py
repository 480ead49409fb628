"""The pages' fonts draw every character of the catalogues (#12)."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

ROOT = Path(__file__).resolve().parents[2]
FONTS = ROOT / "static" / "fonts"


def _characters(language: str) -> set[str]:
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    text = "".join(
        "".join(m.string if isinstance(m.string, tuple) else (m.string,)) for m in catalogue if m.id
    )
    return {c for c in text if not c.isspace() and c not in "\u200b\u200c\u200d"}


def _drawn(*names: str) -> set[str]:
    drawn: set[int] = set()
    for name in names:
        with TTFont(FONTS / f"noto-{name}.woff2") as font:
            drawn |= set(font.getBestCmap())
    return {chr(code) for code in drawn}


@pytest.mark.parametrize(
    ("language", "fonts"),
    [
        ("ja", ("latin-400", "symbols-400", "jp-400")),
        ("zh_Hans", ("latin-400", "symbols-400", "sc-400")),
        ("th", ("latin-400", "symbols-400", "thai-400")),
        ("vi", ("latin-400", "symbols-400")),
    ],
)
def test_the_page_fonts_draw_every_character_of_the_catalogue(language: str, fonts: tuple[str, ...]):
    missing = sorted(_characters(language) - _drawn(*fonts))
    assert not missing, f"`make fonts` after the catalogue changed: {''.join(missing[:40])}"


def test_the_brand_font_holds_the_brand_alone():
    assert {"検", "査"} <= _drawn("brand-400") and len(_drawn("brand-400")) < 10
