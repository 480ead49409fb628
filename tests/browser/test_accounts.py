"""Accounts in a real browser: sign-in, supplier scoping, invitations, sign-out, forms, CSP."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable

from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LiveServer,
    follow_menu,
    password_link,
    screenshot,
    sign_in,
    sign_out,
    supplier_id,
)

ADMIN = "admin@brand.example"
SIAM_INSPECTOR = "inspector@siam-precision.example"
NEW_PASSWORD = "amber-harbour-lantern-93"
CODE_ERROR = "Use letters, digits, - and _ only, for example SIAM-01."


def _unique() -> str:
    return uuid.uuid4().hex[:8].upper()


def _path_is(path: str) -> re.Pattern[str]:
    """A URL pattern for `page` at this path, any query string."""
    return re.compile(rf"^https?://[^/]+{re.escape(path)}(\?.*)?$")


def _create_supplier(page: Page, code: str, legal_name: str) -> None:
    """As a signed-in admin: Suppliers → New supplier → Save."""
    follow_menu(page, "Quality", "Suppliers")
    page.get_by_role("link", name="New supplier").click()
    page.get_by_label("Supplier code").fill(code)
    page.get_by_label("Legal name").fill(legal_name)
    page.get_by_label("Country").select_option(label="Vietnam")
    page.get_by_label("Status").select_option(label="On probation")
    page.get_by_label("Default language").select_option(label="English")
    page.get_by_role("button", name="Save").click()


def _invite(page: Page, email: str, name: str, supplier: str) -> None:
    """As a signed-in admin: Users → Invite a user → Send the invitation, for a supplier inspector."""
    follow_menu(page, "Administration", "Users")
    page.get_by_role("link", name="Invite a user").click()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Role").select_option(label="Supplier inspector")
    page.get_by_label("Supplier", exact=True).select_option(label=supplier)
    page.get_by_role("button", name="Send the invitation").click()


def test_inspector_sees_own_supplier_and_not_another(page: Page, live_server: LiveServer) -> None:
    sign_in(page, SIAM_INSPECTOR)

    expect(page).to_have_url(_path_is("/home"))
    main = page.locator("main")
    expect(main.get_by_role("heading", level=1)).to_have_text("Siam Precision Manufacturing Co., Ltd.")
    sites = main.get_by_role("heading", name="Our sites").locator("xpath=following-sibling::ul[1]")
    expect(sites).to_contain_text("Chonburi")
    expect(sites).to_contain_text("Bang Kadi")
    expect(main).not_to_contain_text("Wuxi")
    screenshot(page, "inspector-home")

    response = page.goto(f"/suppliers/{supplier_id(live_server, 'WUXI')}")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
    expect(page.locator("main")).not_to_contain_text("Wuxi")


def test_wrong_password_is_refused_on_the_sign_in_page(page: Page) -> None:
    # The suite's only failed sign-in: lockout counts failures per address, and all come from 127.0.0.1.
    sign_in(page, "reviewer@brand.example", "not-the-right-password")

    expect(page.get_by_role("alert")).to_have_text("The e-mail address or password is not right.")
    expect(page).to_have_url(_path_is("/login"))
    expect(page.get_by_role("heading", name="Sign in to Kensa")).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value("reviewer@brand.example")
    expect(page.get_by_role("link", name="Sign out")).to_have_count(0)


def test_admin_creates_a_supplier_and_invites_its_inspector(page: Page) -> None:
    code, email = f"T{_unique()}", f"inspector-{_unique().lower()}@new-supplier.example"
    legal_name = f"Test Components {code} Co., Ltd."
    sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Portal administration")).to_be_visible()
    screenshot(page, "admin-home")

    _create_supplier(page, code, legal_name)

    expect(page.get_by_role("status")).to_have_text(f"Supplier {code} created.")
    expect(page.get_by_role("heading", level=1)).to_have_text(legal_name)
    expect(page.locator("main")).to_contain_text(f"{code} · VN · On probation")

    _invite(page, email, "Anan Wongsakul", f"{code} {legal_name}")

    expect(page.get_by_role("status")).to_have_text(f"Invitation sent to {email}.")
    expect(page.locator("main")).to_contain_text("Anan Wongsakul")
    expect(page.locator("main")).to_contain_text(code)


def test_invited_user_sets_a_password_and_signs_in(
    new_page: Callable[[], Page], live_server: LiveServer
) -> None:
    code, email = f"T{_unique()}", f"qc-{_unique().lower()}@invited.example"
    legal_name = f"Invited Parts {code} Co., Ltd."
    admin = new_page()
    sign_in(admin, ADMIN)
    _create_supplier(admin, code, legal_name)
    _invite(admin, email, "Pim Charoen", f"{code} {legal_name}")
    expect(admin.get_by_role("status")).to_have_text(f"Invitation sent to {email}.")

    page = new_page()
    page.goto(password_link(live_server, email))
    expect(page.get_by_role("heading", name="Choose your password")).to_be_visible()
    expect(page.locator("main")).to_contain_text(email)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("Repeat the new password").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Save the password").click()

    expect(page.get_by_role("status")).to_have_text("Your password is set. Please sign in.")
    expect(page).to_have_url(_path_is("/login"))
    expect(page.get_by_label("E-mail address")).to_have_value(email)
    page.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()

    expect(page).to_have_url(_path_is("/home"))
    expect(page.get_by_role("heading", level=1)).to_have_text(legal_name)
    expect(page.locator("main")).to_contain_text("Signed in as Pim Charoen, Supplier inspector.")
    expect(page.locator("main")).not_to_contain_text("Siam Precision")


def test_sign_out_returns_to_sign_in_and_home_needs_sign_in_again(page: Page) -> None:
    sign_in(page, "manager@siam-precision.example")
    expect(page).to_have_url(_path_is("/home"))

    sign_out(page)

    expect(page).to_have_url(_path_is("/login"))
    expect(page.get_by_role("status")).to_have_text("You are signed out.")
    expect(page.get_by_role("heading", name="Sign in to Kensa")).to_be_visible()

    page.goto("/home")
    expect(page).to_have_url(_path_is("/login"))
    expect(page.get_by_role("heading", name="Sign in to Kensa")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("Please sign in to see this page.")


def test_invalid_supplier_form_keeps_what_was_typed(page: Page) -> None:
    legal_name = f"Kept Name {_unique()} Co., Ltd."
    sign_in(page, ADMIN)

    _create_supplier(page, "bad code!", legal_name)

    expect(page.get_by_role("heading", name="New supplier")).to_be_visible()
    code = page.get_by_label("Supplier code")
    expect(code).to_have_value("bad code!")
    expect(code).to_have_attribute("aria-invalid", "true")
    expect(code).to_have_attribute("aria-describedby", "code-error")
    expect(page.locator("#code-error")).to_contain_text(CODE_ERROR)
    expect(page.get_by_label("Legal name")).to_have_value(legal_name)
    expect(page.get_by_label("Legal name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("Country")).to_have_value("VN")
    expect(page.get_by_label("Status")).to_have_value("on_probation")


def test_field_error_is_shown_once(page: Page) -> None:
    sign_in(page, ADMIN)

    _create_supplier(page, "bad code!", f"Once {_unique()} Co., Ltd.")

    messages = page.locator("#code-error > div")
    expect(messages.first).to_have_text(CODE_ERROR)
    assert messages.all_inner_texts() == [CODE_ERROR]


def test_no_console_errors_or_csp_violations(page: Page, console_errors: list[str]) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="Sign in to Kensa")).to_be_visible()
    # The house stylesheet is loaded (a CSP refusal of it would leave the navbar white).
    expect(page.get_by_role("navigation", name="Main")).to_have_css("background-color", "rgb(31, 58, 95)")
    page.wait_for_load_state("load")
    assert console_errors == [], "sign-in page"

    sign_in(page, ADMIN)
    expect(page.get_by_role("heading", name="Portal administration")).to_be_visible()
    follow_menu(page, "Quality", "Suppliers")
    expect(page.get_by_role("heading", name="Suppliers")).to_be_visible()
    page.get_by_role("link", name="SIAM").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Siam Precision Manufacturing Co., Ltd.")
    page.wait_for_load_state("load")
    assert console_errors == [], "admin pages"

    sign_out(page)
    sign_in(page, SIAM_INSPECTOR)
    expect(page.get_by_role("heading", level=1)).to_have_text("Siam Precision Manufacturing Co., Ltd.")
    page.wait_for_load_state("load")
    assert console_errors == [], "supplier home page"
