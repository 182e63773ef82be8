"""Open311: API keys, and the channel 'api' for reports filed through it

Revision ID: c41e7a2d9b10
Revises: 7c1d4e2a9b10
Create Date: 2026-12-01 02:10:00.000000

The table is what autogenerate gives for open311.keys.ApiKey; the CHECK constraint is widened by hand (Alembic does
not compare CHECK constraints), the same way as a083d4317312.
"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = 'c41e7a2d9b10'
down_revision = '7c1d4e2a9b10'
branch_labels = None
depends_on = None

OLD = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw', 'import')"
NEW = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw', 'import', 'api')"


def _sqlite_replace_check(old, new):
    """See a083d4317312: SQLite cannot ALTER a CHECK constraint and a batch copy of `report` would lose SpatiaLite's
    registration of its geometry columns, so the table's definition is edited in place."""
    bind = op.get_bind()
    old_sql = f"CONSTRAINT ck_report_channel CHECK ({old})"
    new_sql = f"CONSTRAINT ck_report_channel CHECK ({new})"
    table_sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'report'").scalar()
    if table_sql.count(old_sql) != 1:
        raise RuntimeError(f"report's definition does not hold {old_sql!r} once; not changed")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = 'report'",
        (table_sql.replace(old_sql, new_sql),),
    )
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")


def _replace_check(old, new):
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_replace_check(old, new)
        return
    op.drop_constraint(op.f('ck_report_channel'), 'report', type_='check')
    op.create_check_constraint(op.f('ck_report_channel'), 'report', new)


def upgrade():
    op.create_table('api_key',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('hint', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['staff_user.id'], name=op.f('fk_api_key_created_by_id_staff_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_api_key_key_hash')),
    sa.UniqueConstraint('name', name=op.f('uq_api_key_name'))
    )
    _replace_check(OLD, NEW)


def downgrade():
    filed = op.get_bind().execute(sa.text("SELECT count(*) FROM report WHERE channel = 'api'")).scalar()
    if filed:
        raise RuntimeError(f"{filed} reports filed through Open311 (channel 'api') exist; remove them before downgrading")
    _replace_check(NEW, OLD)
    op.drop_table('api_key')
