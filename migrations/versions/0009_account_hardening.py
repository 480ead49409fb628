"""account hardening: who deactivated a user (brand or supplier), the audit chain's key name

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 09:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("deactivated_by_internal", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    # Events written before this revision keep key_id NULL: plain SHA-256, anchored by the first keyed one.
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("key_id", sa.String(length=16), nullable=True))


def downgrade():
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_column("key_id")
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("deactivated_by_internal")
