"""Uploads are typed by their bytes, never by their name or the browser's word."""

from __future__ import annotations

import io
import zipfile

import pytest

from app.attachments.storage import CSV, JPEG, PDF, PNG, XLSX, detect_type, display_name

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG_BYTES = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def _zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<xml/>")
    return out.getvalue()


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", PDF),
        (PNG_BYTES, PNG),
        (JPEG_BYTES, JPEG),
        (_zip("[Content_Types].xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml"), XLSX),
        (b"lot,sample,D1\nL-001,1,10.01\n", CSV),
        ("\ufeffcode,name\nS1,รอยขีดข่วน\n".encode(), CSV),
    ],
    ids=["pdf", "png", "jpeg", "xlsx", "csv", "csv-utf8-bom-thai"],
)
def test_accepted_types_are_recognised_by_content(data, expected):
    assert detect_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        EXE_BYTES,
        b"<!DOCTYPE html><html><script>alert(1)</script></html>",
        b"  <svg xmlns='http://www.w3.org/2000/svg'/>",
        _zip("[Content_Types].xml", "word/document.xml"),
        b"PK\x03\x04 not really a zip",
        "lot;size\n".encode("utf-16"),
        b"\xff\xfe\x00\x01 binary",
        b"",
        b"   \n",
    ],
    ids=["exe", "html", "svg", "docx", "broken-zip", "utf16-text", "binary", "empty", "blank"],
)
def test_other_content_is_not_recognised(data):
    assert detect_type(data) is None


def test_the_name_says_nothing_about_the_type():
    # detect_type never sees a name: a PNG called certificate.pdf is a PNG.
    assert detect_type(PNG_BYTES) == PNG


def test_csv_cut_inside_a_multibyte_character_at_the_probe_end_is_still_text():
    data = ("x" * (64 * 1024 - 1) + "ข" + "\n").encode()
    assert detect_type(data) == CSV


def test_display_name_drops_folders_and_control_characters():
    assert display_name("C:\\Users\\qc\\ใบรับรอง\x00 ISO.pdf") == "ใบรับรอง ISO.pdf"
    assert display_name("../../etc/passwd") == "passwd"
    assert display_name(None) == "file"


def test_display_name_keeps_the_extension_of_a_long_name():
    name = display_name("a" * 300 + ".pdf")
    assert len(name) == 255 and name.endswith(".pdf")
