"""The words for a defect class, for select lists and for running text ("no AQL for major defects")."""

from __future__ import annotations

from app.i18n import lazy_gettext as _l

CLASS_LABELS = (("critical", _l("Critical")), ("major", _l("Major")), ("minor", _l("Minor")))
CLASS_WORDS = {"critical": _l("critical"), "major": _l("major"), "minor": _l("minor")}


def class_label(defect_class: str) -> str:
    """The class as a label ("Major", "重"), in the reader's language."""
    return str(dict(CLASS_LABELS).get(defect_class, defect_class))


def class_word(defect_class: str) -> str:
    """The class as a word inside a sentence, in the reader's language ("major", "重")."""
    word = CLASS_WORDS.get(defect_class)
    return str(word) if word is not None else defect_class
