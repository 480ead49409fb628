"""8D steps notify: submitted (to the issuer), returned and accepted (to the supplier's people)

Revision ID: 0013
Revises: 0011
Create Date: 2026-12-07 07:00:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0011"
branch_labels = None
depends_on = None

KINDS = (
    "'lot_submitted', 'lot_returned', 'lot_decided', 'deviation_awaiting_signature', 'deviation_refused', "
    "'scar_issued', 'scar_reopened', 'scar_step_due', 'scar_overdue', 'scorecard_published'"
)
STEP_KINDS = "'scar_step_submitted', 'scar_step_returned', 'scar_step_accepted'"


def _notification_kinds(kinds: str) -> None:
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_notification_kind"), type_="check")
        batch_op.create_check_constraint("kind", f"kind IN ({kinds})")


def upgrade():
    _notification_kinds(f"{KINDS}, {STEP_KINDS}")


def downgrade():
    op.execute(f"DELETE FROM notification WHERE kind IN ({STEP_KINDS})")
    _notification_kinds(KINDS)
