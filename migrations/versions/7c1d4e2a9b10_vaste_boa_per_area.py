"""vaste boa per area: field reports in a wijk or dorp are offered to its vaste boa first

Revision ID: 7c1d4e2a9b10
Revises: abfe97d22c0a
Create Date: 2026-12-01 02:20:00.000000

Written to match what autogenerate gives against PostGIS for staff.vaste_boa.AreaFieldWorker; reviewed.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "7c1d4e2a9b10"
down_revision = "abfe97d22c0a"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "area_field_worker",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_area_field_worker_area_id_area"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"], name=op.f("fk_area_field_worker_user_id_staff_user")),
        sa.PrimaryKeyConstraint("area_id", name=op.f("pk_area_field_worker")),
    )
    with op.batch_alter_table("area_field_worker", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_field_worker_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("area_field_worker", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_field_worker_user_id"))

    op.drop_table("area_field_worker")
