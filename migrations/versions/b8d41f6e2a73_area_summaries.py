"""feedback per area: the organisations that receive a wijk's or dorp's monthly summary, and the mailings sent

Revision ID: b8d41f6e2a73
Revises: e3b7a1c5d902
Create Date: 2026-12-01 05:30:00.000000

Written to match what autogenerate gives against PostGIS for feedback.area_contacts; reviewed.
"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "b8d41f6e2a73"
down_revision = "e3b7a1c5d902"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "area_contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("organisation", sa.String(length=120), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_area_contact_area_id_area"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_area_contact")),
        sa.UniqueConstraint("area_id", "email", name="uq_area_contact_address"),
    )
    with op.batch_alter_table("area_contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_area_contact_area_id"), ["area_id"], unique=False)

    op.create_table(
        "area_summary_mailing",
        sa.Column("area_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["area_id"], ["area.id"], name=op.f("fk_area_summary_mailing_area_id_area"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("area_id", "month", name=op.f("pk_area_summary_mailing")),
    )


def downgrade():
    op.drop_table("area_summary_mailing")
    with op.batch_alter_table("area_contact", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_area_contact_area_id"))

    op.drop_table("area_contact")
