"""analysis: signal figures derived from its reports; a slim created_at index for the counts (PostgreSQL)

warning_signal: report_count and last_report_at are read from the signal's reports, no longer stored.
report: on PostgreSQL ix_report_created_at_counts (created_at, INCLUDE category_id, kind, state), from which the
trends and targets count two years of a million reports (an index-only scan of ~60 MB instead of ~400 MB). Written
by hand: autogenerate does not compare INCLUDE columns. SQLite has no such index (its plain created_at index serves).

Revision ID: b8d4f2e6a1c3
Revises: b5d0e8f3a217
Create Date: 2026-12-01 05:05:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8d4f2e6a1c3'
down_revision = "b5d0e8f3a217"
branch_labels = None
depends_on = None


COUNT_COLUMNS = ["category_id", "kind", "state"]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.create_index("ix_report_created_at_counts", "report", ["created_at"], postgresql_include=COUNT_COLUMNS)
    # Plain DROP COLUMN (SQLite >= 3.35): a batch copy would lose SpatiaLite's registration of centre_rd.
    with op.batch_alter_table("warning_signal", recreate="never") as batch_op:
        batch_op.drop_column("report_count")
        batch_op.drop_column("last_report_at")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.drop_index("ix_report_created_at_counts", table_name="report")
    with op.batch_alter_table("warning_signal", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("report_count", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_report_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(
        "UPDATE warning_signal SET report_count = (SELECT count(*) FROM signal_report"
        " WHERE signal_report.signal_id = warning_signal.id),"
        " last_report_at = coalesce((SELECT max(report.created_at) FROM signal_report"
        " JOIN report ON report.id = signal_report.report_id WHERE signal_report.signal_id = warning_signal.id),"
        " raised_at)"
    )
