"""Build the pages' WOFF2 fonts (static/fonts/) from Debian's Noto fonts: `make fonts`.

Each file holds the glyphs its script needs, so that a page stays light and needs no CDN:
- latin: Noto Sans, Basic Latin, Latin-1, Greek and every Vietnamese letter (the whole alphabet: names);
- symbols: DejaVu Sans's arrows, mathematical operators, shapes and stars (≤, →, ★);
- thai: Noto Sans Thai, the whole Thai block;
- jp / sc: Noto Sans CJK JP / SC, the kana, the CJK punctuation and full-width forms, and the
  Han characters of the Japanese / Chinese catalogue and the brand name 検査. A person's or a
  part's name in Han characters outside that set falls back to the reader's system font.
static/css/fonts.css declares them with unicode-range, so a browser downloads only what a page uses,
and picks the Japanese or the Chinese forms of a Han character by the page's language.
Run it again after the Japanese or Chinese catalogue gains characters (the test says so).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po
from fontTools import subset

ROOT = Path(__file__).resolve().parents[1]
NOTO = Path("/usr/share/fonts")
OUT = ROOT / "static" / "fonts"
BRAND = "検査"

LATIN = (
    "U+0000-00FF,U+0131,U+0152-0153,U+02C6,U+02DA,U+02DC,U+0302,U+0391-03C9,U+2000-206F,U+20AC,U+2122,"
    "U+2190-2193,U+2212,U+2264-2265,U+2605"
)
VIETNAMESE = (
    "U+0102-0103,U+0110-0111,U+0128-0129,U+0168-0169,U+01A0-01A1,U+01AF-01B0,U+0300-0301,U+0303-0304,"
    "U+0308-0309,U+0323,U+1EA0-1EF9,U+20AB"
)
THAI = "U+0E01-0E5B,U+200C-200D,U+25CC"
SYMBOLS = "U+2190-21FF,U+2200-22FF,U+25A0-25FF,U+2600-26FF"
CJK_COMMON = "U+3000-30FF,U+FF01-FF9F,U+2010-2027,U+2030-203B,U+00B7,U+00D7"

FONTS = {  # name: (file, font number in a collection, weight)
    "latin-400": ("truetype/noto/NotoSans-Regular.ttf", 0),
    "latin-700": ("truetype/noto/NotoSans-Bold.ttf", 0),
    "thai-400": ("truetype/noto/NotoSansThai-Regular.ttf", 0),
    "thai-700": ("truetype/noto/NotoSansThai-Bold.ttf", 0),
    "jp-400": ("opentype/noto/NotoSansCJK-Regular.ttc", 0),
    "sc-400": ("opentype/noto/NotoSansCJK-Regular.ttc", 2),
    "brand-400": ("opentype/noto/NotoSansCJK-Regular.ttc", 0),  # 検査 alone, on every page
    "symbols-400": ("truetype/dejavu/DejaVuSans.ttf", 0),  # arrows, ≤ ≥, ★: Noto Sans has none
}


def han_of(language: str) -> str:
    """The Han characters (and any other non-Latin ones) of a catalogue's translations."""
    with (ROOT / "translations" / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        catalogue = read_po(po)
    text = BRAND
    for message in catalogue:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        text += "".join(strings)
    return "".join(sorted({c for c in text if ord(c) >= 0x2E80}))


def unicodes(name: str) -> tuple[str, str]:
    """(ranges, text) of a font's subset."""
    script = name.split("-")[0]
    if script == "latin":
        return f"{LATIN},{VIETNAMESE}", ""
    if script == "thai":
        return THAI, ""
    if script == "brand":
        return "", BRAND
    if script == "symbols":
        return SYMBOLS, ""
    return CJK_COMMON, han_of("ja" if script == "jp" else "zh_Hans")


def build(name: str) -> Path:
    source, number = FONTS[name]
    ranges, text = unicodes(name)
    target = OUT / f"noto-{name}.woff2"
    arguments = [
        str(NOTO / source),
        f"--font-number={number}",
        *([f"--unicodes={ranges}"] if ranges else []),
        f"--text={text}",
        "--flavor=woff2",
        "--layout-features=*",
        "--no-hinting",
        "--desubroutinize",
        f"--output-file={target}",
    ]
    subset.main(arguments)
    return target


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name in FONTS:
        path = build(name)
        print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
