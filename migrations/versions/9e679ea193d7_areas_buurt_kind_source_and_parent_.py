"""areas: buurt kind, source and parent, report_area links

Revision ID: 9e679ea193d7
Revises: c9c9263f8773
Create Date: 2026-11-30 22:58:47.939594

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e679ea193d7'
down_revision = 'c9c9263f8773'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('gemeente', 'wijk', 'dorp', 'gebied', 'zone')"
NEW_KINDS = "kind IN ('gemeente', 'wijk', 'buurt', 'dorp', 'gebied', 'zone')"
SOURCES = "source IN ('benadering', 'cbs', 'import')"


def _sqlite_replace_in_table_sql(table, old, new):
    """Change a CHECK constraint of a SQLite table in place. A batch copy of `area` would lose SpatiaLite's
    registration of its geometry columns; SQLite documents this edit of the stored schema for changes that leave
    the data on disk valid, such as widening a CHECK (https://www.sqlite.org/lang_altertable.html#otheralter)."""
    bind = op.get_bind()
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    if old not in sql:
        raise RuntimeError(f"{table}: expected {old!r} in its schema")
    version = bind.exec_driver_sql('PRAGMA schema_version').scalar()
    bind.exec_driver_sql('PRAGMA writable_schema = ON')
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (sql.replace(old, new), table))
    bind.exec_driver_sql(f'PRAGMA schema_version = {version + 1}')
    bind.exec_driver_sql('PRAGMA writable_schema = OFF')


def upgrade():
    op.create_table('report_area',
    sa.Column('report_id', sa.Integer(), nullable=False),
    sa.Column('area_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_report_area_area_id_area'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['report_id'], ['report.id'], name=op.f('fk_report_area_report_id_report'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('report_id', 'area_id', name=op.f('pk_report_area'))
    )
    with op.batch_alter_table('report_area', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_report_area_area_id'), ['area_id'], unique=False)

    # Plain ADD COLUMN (no batch copy of `area`: on SpatiaLite that would drop its geometry registration).
    # Areas imported before this revision were the municipality's own files: source 'import'.
    if op.get_bind().dialect.name == 'postgresql':
        op.add_column('area', sa.Column('source', sa.String(length=20), server_default='import', nullable=False))
        op.create_check_constraint(op.f('ck_area_source'), 'area', SOURCES)
        op.drop_constraint(op.f('ck_area_kind'), 'area', type_='check')
        op.create_check_constraint(op.f('ck_area_kind'), 'area', NEW_KINDS)
    else:
        op.execute("ALTER TABLE area ADD COLUMN source VARCHAR(20) DEFAULT 'import' NOT NULL "
                   f"CONSTRAINT ck_area_source CHECK ({SOURCES})")
        _sqlite_replace_in_table_sql('area', OLD_KINDS, NEW_KINDS)
    op.add_column('area', sa.Column('parent_code', sa.String(length=60), nullable=True))
    # Links for reports stored before this revision: `flask seed` (or `flask areas link`) fills them.


def downgrade():
    # Buurten cannot stay under the old constraint.
    op.execute("UPDATE report SET area_id = NULL WHERE area_id IN (SELECT id FROM area WHERE kind = 'buurt')")
    op.execute("DELETE FROM report_area WHERE area_id IN (SELECT id FROM area WHERE kind = 'buurt')")
    op.execute("DELETE FROM area WHERE kind = 'buurt'")
    op.drop_column('area', 'parent_code')
    if op.get_bind().dialect.name == 'postgresql':
        op.drop_constraint(op.f('ck_area_kind'), 'area', type_='check')
        op.create_check_constraint(op.f('ck_area_kind'), 'area', OLD_KINDS)
        op.drop_constraint(op.f('ck_area_source'), 'area', type_='check')
    else:
        _sqlite_replace_in_table_sql('area', NEW_KINDS, OLD_KINDS)
    # SQLite >= 3.35 drops a column in place, its column CHECK with it.
    op.drop_column('area', 'source')

    with op.batch_alter_table('report_area', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_report_area_area_id'))

    op.drop_table('report_area')
