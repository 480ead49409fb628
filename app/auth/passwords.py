"""Password rules after OWASP ASVS 5: length 12 to 128, no common or context words, no composition rules."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

from flask_babel import gettext as _

MIN_LENGTH = 12
MAX_LENGTH = 128
# Words that make a password guessable in this context (ASVS: product and brand names).
CONTEXT_WORDS = ("kensa",)


@cache
def common_passwords() -> frozenset[str]:
    """The list of refused common passwords, lower-cased."""
    text = files("app.auth").joinpath("common_passwords.txt").read_text(encoding="utf-8")
    return frozenset(
        line.strip().lower() for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


def password_problems(password: str, *, email: str = "", name: str = "") -> list[str]:
    """Every reason the password is refused, in words for the user; empty when it is fine."""
    length = len(password)
    if length < MIN_LENGTH:
        return [_("Use at least %(n)d characters (you typed %(length)d).", n=MIN_LENGTH, length=length)]
    if length > MAX_LENGTH:
        return [_("Use at most %(n)d characters.", n=MAX_LENGTH)]
    lowered = password.lower()
    if lowered in common_passwords() or len(set(lowered)) == 1:
        return [_("This password is too common. Pick a phrase of your own.")]
    local_part = email.split("@")[0].lower()
    guessable = [w for w in (*CONTEXT_WORDS, local_part, *name.lower().split()) if len(w) >= 4]
    if any(word in lowered for word in guessable):
        return [_("Do not use your name, e-mail address or the portal's name in the password.")]
    return []
