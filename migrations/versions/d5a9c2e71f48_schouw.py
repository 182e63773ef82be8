"""schouw: a walk that records several unsafe spots (reports) with the organisations that walked along

Revision ID: d5a9c2e71f48
Revises: b8d41f6e2a73
Create Date: 2026-12-01 05:40:00.000000

Written to match what autogenerate gives against PostGIS for reports.schouw; reviewed.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "d5a9c2e71f48"
down_revision = "b8d41f6e2a73"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "schouw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("participants", sa.JSON(), nullable=False),
        sa.Column("other_participants", sa.String(length=200), nullable=True),
        sa.Column("led_by_id", sa.Integer(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_schouw_area_id_area"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["led_by_id"], ["staff_user.id"], name=op.f("fk_schouw_led_by_id_staff_user")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_schouw")),
    )
    op.create_table(
        "schouw_report",
        sa.Column("schouw_id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_schouw_report_report_id_report"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["schouw_id"], ["schouw.id"], name=op.f("fk_schouw_report_schouw_id_schouw"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("schouw_id", "report_id", name=op.f("pk_schouw_report")),
    )
    with op.batch_alter_table("schouw_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_schouw_report_report_id"), ["report_id"], unique=False)


def downgrade():
    with op.batch_alter_table("schouw_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_schouw_report_report_id"))

    op.drop_table("schouw_report")
    op.drop_table("schouw")
