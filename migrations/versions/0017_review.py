"""A signature records whether its decision went against the evaluation's recommendation (acknowledged)

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 14:30:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("against_recommendation", sa.Boolean(), server_default=sa.false(), nullable=False)
        )


def downgrade():
    with op.batch_alter_table("signature", schema=None) as batch_op:
        batch_op.drop_column("against_recommendation")
