"""field action keys: an outcome recorded offline is applied exactly once

Revision ID: 5f3c2a9e7b41
Revises: 5b7e2c41d9a3
Create Date: 2026-12-01 01:20:00.000000

Written to match what autogenerate gives against PostGIS for reports.models.FieldActionKey; reviewed.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5f3c2a9e7b41'
down_revision = '5b7e2c41d9a3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('field_action_key',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_field_action_key_report_id_report')),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_field_action_key_user_id_staff_user')),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_field_action_key'))
    )
    with op.batch_alter_table('field_action_key', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_field_action_key_report_id'), ['report_id'], unique=False)


def downgrade():
    with op.batch_alter_table('field_action_key', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_field_action_key_report_id'))

    op.drop_table('field_action_key')
