"""saved queue filters per staff member; satisfaction comments the reporter shared

Revision ID: 5b7e2c41d9a3
Revises: a083d4317312
Create Date: 2026-12-01 01:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5b7e2c41d9a3'
down_revision = 'a083d4317312'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('saved_queue_filter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('queue_code', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['staff_user.id'], name=op.f('fk_saved_queue_filter_user_id_staff_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_queue_filter')),
    sa.UniqueConstraint('user_id', 'queue_code', 'name', name='uq_saved_queue_filter_name')
    )
    with op.batch_alter_table('saved_queue_filter', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_queue_filter_user_id'), ['user_id'], unique=False)

    # Plain ADD COLUMN: no batch copy of the table on SpatiaLite.
    with op.batch_alter_table('satisfaction', schema=None, recreate='never') as batch_op:
        batch_op.add_column(sa.Column('comment_shared', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    op.execute('ALTER TABLE satisfaction DROP COLUMN comment_shared')
    with op.batch_alter_table('saved_queue_filter', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_queue_filter_user_id'))

    op.drop_table('saved_queue_filter')
