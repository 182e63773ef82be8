"""import channel for historical reports

Revision ID: a083d4317312
Revises: 9e679ea193d7
Create Date: 2026-11-30 22:59:09.139523

Autogenerate finds nothing here (Alembic does not compare CHECK constraints): written by hand, reviewed.
Widens ck_report_channel with 'import' (flask reports import).
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a083d4317312'
down_revision = '9e679ea193d7'
branch_labels = None
depends_on = None

OLD = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw')"
NEW = "channel IN ('web', 'telefoon', 'spreekuur', 'straat', 'schouw', 'import')"


def _sqlite_replace_check(old, new):
    """SQLite cannot ALTER a CHECK constraint, and a batch copy of `report` would lose SpatiaLite's registration of
    its geometry columns. A constraint that admits more values changes nothing stored, so we edit the table's
    definition in place: the procedure of https://www.sqlite.org/lang_altertable.html#otheralter (writable_schema,
    then a new schema_version so that every connection reads the changed definition)."""
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
    _replace_check(OLD, NEW)


def downgrade():
    imported = op.get_bind().execute(sa.text("SELECT count(*) FROM report WHERE channel = 'import'")).scalar()
    if imported:
        raise RuntimeError(f"{imported} imported reports (channel 'import') exist; remove them before downgrading")
    _replace_check(NEW, OLD)
