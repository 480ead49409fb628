"""The lot list's order (newest change first) read from an index instead of sorting every lot

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 17:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_lot_updated", "lot", ["updated_at", "id"], unique=False)


def downgrade():
    op.drop_index("ix_lot_updated", table_name="lot")
