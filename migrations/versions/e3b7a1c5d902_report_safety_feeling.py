"""report safety feeling ("How safe do you feel here?", 1-5, optional)

Revision ID: e3b7a1c5d902
Revises: c41e7a2d9b10
Create Date: 2026-12-01 02:35:00
"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3b7a1c5d902'
down_revision = 'c41e7a2d9b10'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD/DROP COLUMN (SQLite >= 3.35): a batch copy of `report` would lose SpatiaLite's geometry registration.
    with op.batch_alter_table("report", recreate="never") as batch_op:
        batch_op.add_column(sa.Column("safety_feeling", sa.SmallInteger(), nullable=True))


def downgrade():
    with op.batch_alter_table("report", recreate="never") as batch_op:
        batch_op.drop_column("safety_feeling")
