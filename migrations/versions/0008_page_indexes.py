"""page indexes: the SCAR list's order

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 21:40:00.000000

"""

from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # /scars shows the newest SCARs first: with this index a page is read in order, not sorted from all.
    op.create_index("ix_scar_issued", "scar", ["issued_on", "id"], unique=False)


def downgrade():
    op.drop_index("ix_scar_issued", table_name="scar")
