"""KPI snapshots: a supplier's draft-card data per period, kept from its data version

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 18:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.add_column(sa.Column("data_version", sa.BigInteger(), nullable=False, server_default="0"))
    op.create_table(
        "kpi_snapshot",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("data_version", sa.BigInteger(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.Column("lists", sa.JSON(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_kpi_snapshot_supplier_id_supplier")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_kpi_snapshot")),
        sa.UniqueConstraint("supplier_id", "period", name=op.f("uq_kpi_snapshot_supplier_id_period")),
    )
    with op.batch_alter_table("kpi_snapshot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_kpi_snapshot_supplier_id"), ["supplier_id"], unique=False)


def downgrade():
    with op.batch_alter_table("kpi_snapshot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_kpi_snapshot_supplier_id"))
    op.drop_table("kpi_snapshot")
    with op.batch_alter_table("supplier", schema=None) as batch_op:
        batch_op.drop_column("data_version")
