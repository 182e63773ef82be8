"""report indexes for the staff queue's bounded counts and keyset pages

Revision ID: b5d0e8f3a217
Revises: 4e8b1d7c2a61
Create Date: 2026-12-01 05:00:00

Written by hand (autogenerate compares neither INCLUDE columns nor an index's WHERE). ix_report_queue_state on
(queue_id, state, created_at, id) serves each count per state of a queue (at most QUEUE_COUNT_LIMIT + 1 rows each)
and the pages of one state or sorted by state; it starts with queue_id, so the plain ix_report_queue_id goes.
ix_report_open_by_queue on (queue_id, created_at, id), only the open reports, serves the open queue's pages in
order, first and last alike. On PostgreSQL both also hold category_id and due_at, so that the counts for a viewer
who does not see restricted categories, and the overdue counts, are read from the index alone.
"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d0e8f3a217'
down_revision = "4e8b1d7c2a61"
branch_labels = None
depends_on = None


OPEN_CONDITION = "state IN ('nieuw', 'in_behandeling', 'ingepland', 'doorgezet', 'heropend')"
INCLUDE = ["category_id", "due_at"]


def upgrade():
    # Plain CREATE/DROP INDEX: no batch copy of `report` on SpatiaLite (it would lose the geometry registration).
    op.create_index("ix_report_queue_state", "report", ["queue_id", "state", "created_at", "id"],
                    postgresql_include=INCLUDE)
    op.create_index("ix_report_open_by_queue", "report", ["queue_id", "created_at", "id"], postgresql_include=INCLUDE,
                    postgresql_where=sa.text(OPEN_CONDITION), sqlite_where=sa.text(OPEN_CONDITION))
    op.drop_index("ix_report_queue_id", table_name="report")


def downgrade():
    op.create_index("ix_report_queue_id", "report", ["queue_id"])
    op.drop_index("ix_report_open_by_queue", table_name="report")
    op.drop_index("ix_report_queue_state", table_name="report")
