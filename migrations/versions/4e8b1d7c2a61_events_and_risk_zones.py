"""events that tag the reports made during them, and risk zones for routing and the field list

Revision ID: 4e8b1d7c2a61
Revises: f2c8e4a61b07
Create Date: 2026-12-01 05:00:00
"""
import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

# revision identifiers, used by Alembic.
revision = "4e8b1d7c2a61"
down_revision = "f2c8e4a61b07"
branch_labels = None
depends_on = None


def _outline_columns():
    return [
        sa.Column("geom", Geometry(geometry_type="MULTIPOLYGON", srid=4326, dimension=2, spatial_index=False,
                                   from_text="ST_GeomFromEWKT", name="geometry", nullable=False), nullable=False),
        sa.Column("geom_rd", Geometry(geometry_type="MULTIPOLYGON", srid=28992, dimension=2, spatial_index=False,
                                      from_text="ST_GeomFromEWKT", name="geometry", nullable=False), nullable=False),
    ]


def upgrade():
    op.create_geospatial_table(
        "event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        *_outline_columns(),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_at > starts_at", name=op.f("ck_event_window")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_event_area_id_area"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_event")),
    )
    op.create_table(
        "report_event",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"], name=op.f("fk_report_event_event_id_event"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"], name=op.f("fk_report_event_report_id_report"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("report_id", "event_id", name=op.f("pk_report_event")),
    )
    with op.batch_alter_table("report_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_event_event_id"), ["event_id"], unique=False)
    op.create_geospatial_table(
        "risk_zone",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("area_id", sa.Integer(), nullable=True),
        *_outline_columns(),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_risk_zone_period")),
        sa.ForeignKeyConstraint(["area_id"], ["area.id"], name=op.f("fk_risk_zone_area_id_area"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_risk_zone")),
    )
    # Plain ADD/DROP COLUMN (SQLite >= 3.35), as for report.safety_feeling.
    with op.batch_alter_table("routing_rule", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("in_risk_zone", sa.Boolean(), nullable=True))


def downgrade():
    with op.batch_alter_table("routing_rule", recreate="never") as batch_op:
        batch_op.drop_column("in_risk_zone")
    op.drop_geospatial_table("risk_zone")
    with op.batch_alter_table("report_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_report_event_event_id"))
    op.drop_table("report_event")
    op.drop_geospatial_table("event")
