"""a field worker's team: staff_user.field_team (the code of one of the profile's field teams)

Revision ID: 45dcadc54a55
Revises: 261efd240ffb
Create Date: 2026-12-02 01:45:00.000000

Empty for everyone already there: a field worker without a team is in the profile's first team (Emmen: the
boa's), which is where they were.
"""

from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = "45dcadc54a55"
down_revision = "261efd240ffb"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("staff_user", sa.Column("field_team", sa.String(length=40), nullable=True))


def downgrade():
    # A plain DROP COLUMN (SQLite 3.35+), as for staff_user.email: a batch copy would meet the tables that refer
    # to staff_user.
    op.drop_column("staff_user", "field_team")
