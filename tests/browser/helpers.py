"""Helpers of the browser tests: the live server's handle, outbox reading, sign-in, screenshots."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Page
from sqlalchemy import Engine, column, select, table

from app.demo.people import DEMO_PASSWORD
from app.suppliers.models import Supplier

MENU_EXPANDS_AT = 1200  # px: Bootstrap's xl, the menu's navbar-expand-xl in templates/base.html
SHOTS_DIR = Path("/tmp/kensa-shots")  # noqa: S108 - screenshots for people to look at, outside the repo


@dataclass(frozen=True)
class LiveServer:
    """A running Kensa server and a read-only way into its database."""

    url: str
    database_url: str
    engine: Engine
    log: Path
    process: subprocess.Popen[bytes]

    def log_tail(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])


OUTBOX = table("outbox", column("id"), column("recipient"), column("body"))
LINK_RE = re.compile(r"https?://\S+/set-password/\S+")


def latest_email(server: LiveServer, recipient: str) -> str:
    """The body of the newest outbox e-mail to `recipient`."""
    with server.engine.connect() as conn:
        body = conn.scalar(
            select(OUTBOX.c.body).where(OUTBOX.c.recipient == recipient).order_by(OUTBOX.c.id.desc()).limit(1)
        )
    assert body is not None, f"no e-mail to {recipient} in the outbox"
    return str(body)


def password_link(server: LiveServer, recipient: str) -> str:
    """The set-password link of the newest e-mail to `recipient`."""
    body = latest_email(server, recipient)
    match = LINK_RE.search(body)
    assert match, f"no set-password link in the e-mail to {recipient}:\n{body}"
    return match.group(0)


def supplier_id(server: LiveServer, code: str) -> int:
    """A supplier's id, read from the database."""
    with server.engine.connect() as conn:
        found = conn.scalar(select(Supplier.__table__.c.id).where(Supplier.__table__.c.code == code))
    assert found is not None, f"no supplier {code}"
    return int(found)


def sign_in(page: Page, email: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in through the sign-in page (does not check the outcome)."""
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()


def screenshot(page: Page, name: str) -> Path:
    """A full-page screenshot in /tmp/kensa-shots/, for people to look at."""
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    path = SHOTS_DIR / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def follow_menu(page: Page, *names: str) -> None:
    """Through the main menu: `follow_menu(page, "Quality", "Parts")` opens the Quality menu and follows
    its Parts link; on a phone it opens the collapsed menu first."""
    nav = page.get_by_role("navigation", name="Main")
    # The toggler and the dropdowns work once Bootstrap's script (at the end of the body) has run: a
    # click before the page's load event leaves the menu shut (a long page on a busy machine failed so).
    page.wait_for_load_state("load")
    size = page.viewport_size
    if size is not None and size["width"] < MENU_EXPANDS_AT:
        nav.get_by_role("button", name="Menu").click()
    *menus, link = names
    for name in menus:
        nav.get_by_role("button", name=name).click()
    nav.get_by_role("link", name=link, exact=True).click()


def sign_out(page: Page) -> None:
    """Sign out through the account menu (the user's name) of the main menu."""
    nav = page.get_by_role("navigation", name="Main")
    nav.locator(".nav-account").click()
    nav.get_by_role("button", name="Sign out").click()
