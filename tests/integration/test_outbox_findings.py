"""F2: a lot number cannot stop the e-mail: it has a character rule, headers stay on one line, and a
message that cannot be sent is marked failed with its reason while the queue goes on."""

from __future__ import annotations

from unittest.mock import patch

import pytest
from sqlalchemy import select

from app.extensions import db
from app.outbox.models import OutboxMessage, OutboxStatus
from app.outbox.services import deliver_pending, queue_email
from tests.conftest import login_as
from tests.integration.test_lots import _create_form

pytestmark = pytest.mark.shared_world

POISON = "CRLF-1\r\nBcc: x@evil.example"


def test_f2_a_lot_number_with_a_line_break_is_refused_next_to_the_field(client, world):
    login_as(client, world.inspector_a)
    response = _create_form(client, world, lot_number=POISON)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'id="lot_number-error"' in page and "letters, digits, spaces" in page


@pytest.mark.parametrize("number", ["L-2026/001", "ล็อต 12", "批次_7.3#2"])
def test_f2_ordinary_lot_numbers_of_any_script_are_accepted(client, world, number):
    login_as(client, world.inspector_a)
    assert _create_form(client, world, lot_number=number).status_code == 302


def test_f2_a_queued_subject_stays_on_one_line(app, world):
    with app.app_context():
        message = queue_email("qe@brand.example", f"Lot {POISON} was rejected", "body")
        assert message.subject == "Lot CRLF-1 Bcc: x@evil.example was rejected"


def test_f2_a_message_that_cannot_be_sent_is_failed_and_the_queue_goes_on(app, world):
    with app.app_context():
        # Rows as the old code wrote them: a subject straight from the lot number, and a recipient that
        # no header can carry; then an ordinary message.
        for recipient, subject in [
            ("qe@brand.example", f"Lot {POISON}"),
            ("qe@brand.example\r\nBcc: x@evil.example", "Lot L-1"),
            ("qe@brand.example", "Lot L-2"),
        ]:
            db.session.add(OutboxMessage(recipient=recipient, subject=subject, body="x"))
        db.session.commit()
        app.config["MAIL_BACKEND"] = "smtp"
        try:
            with patch("app.outbox.services.smtplib.SMTP") as smtp:
                assert deliver_pending() == (2, 1)
        finally:
            app.config["MAIL_BACKEND"] = "null"
        first, poison, last = db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert first.status == last.status == OutboxStatus.SENT
        sent = [call.args[0] for call in smtp.return_value.__enter__.return_value.send_message.call_args_list]
        assert [m["Subject"] for m in sent] == ["Lot CRLF-1 Bcc: x@evil.example", "Lot L-2"]
        assert all(m["Bcc"] is None for m in sent)
        assert poison.status == OutboxStatus.FAILED and "ValueError" in (poison.last_error or "")
