"""report.rd_x and report.rd_y: location_rd's coordinates, computed by the database; the analysis index holds them

The analysis counts per grid cell and clusters (meldpunt/analysis/cell_dbscan.py) from two numbers per report
instead of a geometry. They are generated columns of location_rd, so that every way a location is written (a new
report, a bulk insert, a coarsened location) keeps them right without anyone setting them:
- PostgreSQL: STORED (computed on write; adding them rewrites the table once, which fills them for the existing
  rows), and ix_report_created_at holds them instead of location_rd, so that a year of positions is read from the
  index alone, and two doubles are half the size of a point geometry.
- SQLite can only add a VIRTUAL generated column to an existing table (a STORED one needs a copy of the table,
  which would lose SpatiaLite's registration of the geometry columns and their R*Tree indexes): computed on read.

Revision ID: bd1035f97d91
Revises: d0bc7e54aeda
Create Date: 2026-12-02 01:50:00
"""
from alembic import op

# revision identifiers, used by Alembic.
revision = "bd1035f97d91"
down_revision = "d0bc7e54aeda"
branch_labels = None
depends_on = None

BEFORE_INCLUDE = ["category_id", "kind", "state", "incident_at", "id", "location_rd"]
AFTER_INCLUDE = ["category_id", "kind", "state", "incident_at", "id", "rd_x", "rd_y"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        # Both columns in one statement: one rewrite of the table, not two.
        op.execute(
            "ALTER TABLE report"
            " ADD COLUMN rd_x DOUBLE PRECISION GENERATED ALWAYS AS (ST_X(location_rd)) STORED,"
            " ADD COLUMN rd_y DOUBLE PRECISION GENERATED ALWAYS AS (ST_Y(location_rd)) STORED"
        )
        op.drop_index("ix_report_created_at", table_name="report")
        op.create_index("ix_report_created_at", "report", ["created_at"], postgresql_include=AFTER_INCLUDE)
        return
    op.execute("ALTER TABLE report ADD COLUMN rd_x DOUBLE GENERATED ALWAYS AS (ST_X(location_rd)) VIRTUAL")
    op.execute("ALTER TABLE report ADD COLUMN rd_y DOUBLE GENERATED ALWAYS AS (ST_Y(location_rd)) VIRTUAL")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_report_created_at", table_name="report")
        op.execute("ALTER TABLE report DROP COLUMN rd_x, DROP COLUMN rd_y")
        op.create_index("ix_report_created_at", "report", ["created_at"], postgresql_include=BEFORE_INCLUDE)
        return
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy would lose SpatiaLite's registration of the geometries.
    with op.batch_alter_table("report", recreate="never") as batch_op:
        batch_op.drop_column("rd_y")
        batch_op.drop_column("rd_x")
