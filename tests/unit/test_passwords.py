"""Password rules after OWASP ASVS 5."""

import pytest

from app.auth.passwords import common_passwords, password_problems


@pytest.fixture(autouse=True)
def _app_context(app):
    with app.test_request_context():
        yield


@pytest.mark.parametrize(
    "password",
    [
        "twelve chars",
        "correct horse battery staple",
        "ÜberSicheres Passwort",
        "ไม่มีใครเดาได้แน่นอน",
        "abcdefgh" * 16,
    ],
)
def test_long_enough_uncommon_passwords_pass_without_composition_rules(password):
    assert password_problems(password) == []


@pytest.mark.parametrize("password", ["", "elevenchars", "x" * 129, "Password1234", "123456789012"])
def test_short_long_and_common_passwords_fail(password):
    assert len(password_problems(password)) == 1


def test_the_users_email_and_name_are_refused():
    assert password_problems("somchai.j is my name", email="somchai.j@siam.example")
    assert password_problems("malee loves quality", name="Malee Srisuk")


def test_common_list_is_loaded_and_only_holds_long_entries():
    entries = common_passwords()
    assert len(entries) > 100
    assert all(len(p) >= 12 for p in entries)
