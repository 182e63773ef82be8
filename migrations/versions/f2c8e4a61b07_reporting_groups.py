"""buurtpreventie groups as a channel: registered groups, the reports filed for them, channel 'groep'

Revision ID: f2c8e4a61b07
Revises: d5a9c2e71f48
Create Date: 2026-12-01 06:00:00.000000

Tables written to match what autogenerate gives against PostGIS for reports.channels; the widened CHECK
constraint by hand (Alembic does not compare CHECK constraints); reviewed.
"""

from alembic import op
import sqlalchemy as sa

from meldpunt.migrations_support import replace_check_constraint

# revision identifiers, used by Alembic.
revision = "f2c8e4a61b07"
down_revision = "d5a9c2e71f48"
branch_labels = None
depends_on = None

OLD = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw', 'import', 'api')"
NEW = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw', 'import', 'api', 'groep')"


def upgrade():
    op.create_table(
        "reporting_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_reporting_group_area_id_area"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reporting_group")),
        sa.UniqueConstraint("name", name=op.f("uq_reporting_group_name")),
    )
    op.create_table(
        "report_group",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"], ["reporting_group.id"], name=op.f("fk_report_group_group_id_reporting_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["report_id"], ["report.id"], name=op.f("fk_report_group_report_id_report"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("report_id", name=op.f("pk_report_group")),
    )
    with op.batch_alter_table("report_group", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_group_group_id"), ["group_id"], unique=False)
    replace_check_constraint(op, "report", "channel", OLD, NEW)


def downgrade():
    grouped = op.get_bind().execute(sa.text("SELECT count(*) FROM report WHERE channel = 'groep'")).scalar()
    if grouped:
        raise RuntimeError(f"{grouped} reports from groups (channel 'groep') exist; remove them before downgrading")
    replace_check_constraint(op, "report", "channel", NEW, OLD)
    with op.batch_alter_table("report_group", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_group_group_id"))
    op.drop_table("report_group")
    op.drop_table("reporting_group")
