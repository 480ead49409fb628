"""`flask audit verify`: walk the hash chain and say whether it holds, or where it first breaks."""

from __future__ import annotations

from datetime import UTC

import click
from flask.cli import AppGroup

from app.audit.services import ChainReport, verify_chain

audit = AppGroup("audit", help="Check the audit trail.")


def _utc_text(report: ChainReport) -> str:
    return report.last_at.astimezone(UTC).isoformat(timespec="seconds") if report.last_at else "-"


def chain_message(report: ChainReport) -> str:
    """What `flask audit verify` prints for a report."""
    if report.reason is None:
        if report.last_id is None:
            return "Audit trail intact: 0 events."
        return (
            f"Audit trail intact: {report.checked} events, last #{report.last_id} at {_utc_text(report)}\n"
            f"Head hash: {report.last_hash} (note it, and check later with --expect-head)"
        )
    before = f"#{report.last_id} at {_utc_text(report)}" if report.last_id else "none"
    if report.reason == "edited":
        detail = "its content no longer matches its hash (the row was changed)."
    elif report.reason == "unkeyed":
        detail = "it carries no key after keyed events: it was written behind the application's back."
    elif report.reason == "unknown_key":
        detail = (
            "it names an audit key this server does not hold (a retired key missing from AUDIT_OLD_KEYS?)."
        )
    elif report.reason == "link":
        detail = (
            "its prev_hash is not the hash of the event before it: "
            "an event before it was deleted, inserted or rewritten."
        )
    else:
        return (
            "Audit trail broken (truncated): the expected head is no longer in the chain; "
            f"events after the last one, {before}, may have been deleted."
        )
    return (
        f"Audit trail broken at event #{report.broken_id} ({report.reason}): {detail}\n"
        f"{report.checked} events before it are intact; the last intact one is {before}."
    )


@audit.command("verify")
@click.option(
    "--expect-head",
    "expected_hash",
    metavar="HASH",
    help="A head hash printed by an earlier run: fails if that event is no longer in the chain.",
)
def verify_audit_command(expected_hash: str | None) -> None:
    """Recompute every audit event's hash and link; exit 1 at the first broken one."""
    report = verify_chain(expected_hash=expected_hash)
    click.echo(chain_message(report))
    if not report.intact:
        raise SystemExit(1)
