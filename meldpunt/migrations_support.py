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
