"""Alembic hooks for GeoAlchemy2 (see STACK-NOTES §10.7)."""

from geoalchemy2 import alembic_helpers

from meldpunt.db_types import UTCDateTime


def include_object(obj, name, type_, reflected, compare_to):
    if type_ == "table" and reflected and compare_to is None:
        return False  # exists only in the database: SpatiaLite/PostGIS internals
    if type_ == "index" and not reflected and compare_to is None and getattr(obj, "_ddl_if", None) is not None:
        # An index made for one database only (Index.ddl_if, e.g. PostgreSQL's slim count index) and absent here:
        # expected on the other database (tests/migrations checks it is there where it belongs).
        return False
    return alembic_helpers.include_object(obj, name, type_, reflected, compare_to)


def render_item(type_, obj, autogen_context):
    # Migrations must not import app code that may change: our UTC wrapper is a plain timestamptz in SQL.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return alembic_helpers.render_item(type_, obj, autogen_context)


def migrate_options() -> dict:
    return {
        "include_object": include_object,
        "render_item": render_item,
        "process_revision_directives": alembic_helpers.writer,
        "compare_type": True,
        "render_as_batch": True,
    }


def replace_check_constraint(op, table: str, name: str, old: str, new: str) -> None:
    """Replace a CHECK constraint that `new` widens (it admits more values: nothing stored changes). On SQLite, which
    cannot ALTER a constraint and whose batch copy of a table would lose SpatiaLite's registration of its geometry
    columns, the table's definition is edited in place (https://www.sqlite.org/lang_altertable.html#otheralter:
    writable_schema, then a new schema_version so that every connection reads it). Revisions a083d4317312 and
    c41e7a2d9b10 carry their own copy of this, from before it lived here."""
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        # op.f: the name is final, the metadata's naming convention must not prefix it again.
        op.drop_constraint(op.f(f"ck_{table}_{name}"), table, type_="check")
        op.create_check_constraint(op.f(f"ck_{table}_{name}"), table, new)
        return
    old_sql, new_sql = f"CONSTRAINT ck_{table}_{name} CHECK ({old})", f"CONSTRAINT ck_{table}_{name} CHECK ({new})"
    table_sql = bind.exec_driver_sql(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).scalar()
    if table_sql.count(old_sql) != 1:
        raise RuntimeError(f"{table}'s definition does not hold {old_sql!r} once; not changed")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?",
                         (table_sql.replace(old_sql, new_sql), table))  # fmt: skip
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
