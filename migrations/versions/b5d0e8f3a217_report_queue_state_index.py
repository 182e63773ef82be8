"""report queue/state index for the staff queue's bounded counts and keyset pages

Revision ID: b5d0e8f3a217
Revises: e3b7a1c5d902
Create Date: 2026-12-01 05:00:00

Written by hand (autogenerate does not compare INCLUDE columns). ix_report_queue_state on (queue_id, state,
created_at, id) serves each count per state of a queue (at most QUEUE_COUNT_LIMIT + 1 rows each) and the pages of
one state or sorted by state; it starts with queue_id, so the plain ix_report_queue_id goes. On PostgreSQL it also
holds category_id, so that a viewer who does not see restricted categories is counted from the index alone.
"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b5d0e8f3a217'
down_revision = 'e3b7a1c5d902'
branch_labels = None
depends_on = None


def upgrade():
    # Plain CREATE/DROP INDEX: no batch copy of `report` on SpatiaLite (it would lose the geometry registration).
    op.create_index("ix_report_queue_state", "report", ["queue_id", "state", "created_at", "id"],
                    postgresql_include=["category_id"])
    op.drop_index("ix_report_queue_id", table_name="report")


def downgrade():
    op.create_index("ix_report_queue_id", "report", ["queue_id"])
    op.drop_index("ix_report_queue_state", table_name="report")
