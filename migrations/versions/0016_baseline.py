"""Frozen control-chart baselines: a quality manager freezes a chart's limits and the lots that made them

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 14:40:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

ACTIVE_CHARACTERISTIC = "unfrozen_at IS NULL AND characteristic_id IS NOT NULL"
ACTIVE_P_CHART = "unfrozen_at IS NULL AND characteristic_id IS NULL"


def upgrade():
    op.create_table(
        "frozen_baseline",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("characteristic_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
        sa.Column("center", sa.Float(), nullable=False),
        sa.Column("lcl", sa.Float(), nullable=True),
        sa.Column("ucl", sa.Float(), nullable=True),
        sa.Column("sigma", sa.Float(), nullable=True),
        sa.Column("spread_center", sa.Float(), nullable=True),
        sa.Column("spread_lcl", sa.Float(), nullable=True),
        sa.Column("spread_ucl", sa.Float(), nullable=True),
        sa.Column("spread_sigma", sa.Float(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("frozen_by_id", sa.Integer(), nullable=False),
        sa.Column("frozen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("unfrozen_by_id", sa.Integer(), nullable=True),
        sa.Column("unfrozen_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("unfreeze_reason", sa.Text(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('xbar_r', 'i_mr', 'i_mr_s', 'p')", name=op.f("ck_frozen_baseline_kind")),
        sa.CheckConstraint(
            "(kind = 'p') = (characteristic_id IS NULL)",
            name=op.f("ck_frozen_baseline_p_chart_has_no_characteristic"),
        ),
        sa.ForeignKeyConstraint(
            ["characteristic_id"],
            ["characteristic.id"],
            name=op.f("fk_frozen_baseline_characteristic_id_characteristic"),
        ),
        sa.ForeignKeyConstraint(
            ["frozen_by_id"], ["user.id"], name=op.f("fk_frozen_baseline_frozen_by_id_user")
        ),
        sa.ForeignKeyConstraint(
            ["revision_id"],
            ["standard_revision.id"],
            name=op.f("fk_frozen_baseline_revision_id_standard_revision"),
        ),
        sa.ForeignKeyConstraint(
            ["supplier_id"], ["supplier.id"], name=op.f("fk_frozen_baseline_supplier_id_supplier")
        ),
        sa.ForeignKeyConstraint(
            ["unfrozen_by_id"], ["user.id"], name=op.f("fk_frozen_baseline_unfrozen_by_id_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_frozen_baseline")),
    )
    with op.batch_alter_table("frozen_baseline", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_frozen_baseline_characteristic_id"), ["characteristic_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_frozen_baseline_revision_id"), ["revision_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_frozen_baseline_supplier_id"), ["supplier_id"], unique=False)
        batch_op.create_index(
            "uq_frozen_baseline_characteristic",
            ["supplier_id", "characteristic_id"],
            unique=True,
            sqlite_where=sa.text(ACTIVE_CHARACTERISTIC),
            postgresql_where=sa.text(ACTIVE_CHARACTERISTIC),
        )
        batch_op.create_index(
            "uq_frozen_baseline_p_chart",
            ["supplier_id", "revision_id"],
            unique=True,
            sqlite_where=sa.text(ACTIVE_P_CHART),
            postgresql_where=sa.text(ACTIVE_P_CHART),
        )

    op.create_table(
        "frozen_baseline_lot",
        sa.Column("baseline_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["baseline_id"],
            ["frozen_baseline.id"],
            name=op.f("fk_frozen_baseline_lot_baseline_id_frozen_baseline"),
        ),
        sa.ForeignKeyConstraint(["lot_id"], ["lot.id"], name=op.f("fk_frozen_baseline_lot_lot_id_lot")),
        sa.PrimaryKeyConstraint("baseline_id", "lot_id", name=op.f("pk_frozen_baseline_lot")),
    )
    with op.batch_alter_table("frozen_baseline_lot", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_frozen_baseline_lot_lot_id"), ["lot_id"], unique=False)


def downgrade():
    with op.batch_alter_table("frozen_baseline_lot", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_frozen_baseline_lot_lot_id"))
    op.drop_table("frozen_baseline_lot")
    with op.batch_alter_table("frozen_baseline", schema=None) as batch_op:
        batch_op.drop_index("uq_frozen_baseline_p_chart")
        batch_op.drop_index("uq_frozen_baseline_characteristic")
        batch_op.drop_index(batch_op.f("ix_frozen_baseline_supplier_id"))
        batch_op.drop_index(batch_op.f("ix_frozen_baseline_revision_id"))
        batch_op.drop_index(batch_op.f("ix_frozen_baseline_characteristic_id"))
    op.drop_table("frozen_baseline")
