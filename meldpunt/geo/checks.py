"""`flask geo doctor`: is the spatial extension there, and if not, what exactly to do."""

import sqlalchemy as sa

from meldpunt.extensions import db


def spatial_status() -> tuple[bool, str]:
    dialect = db.engine.dialect.name
    try:
        with db.engine.connect() as conn:
            if dialect == "sqlite":
                version = conn.execute(sa.text("SELECT spatialite_version()")).scalar_one()
                return True, f"SpatiaLite {version}"
            version = conn.execute(sa.text("SELECT postgis_lib_version()")).scalar_one()
            return True, f"PostGIS {version}"
    except Exception as exc:  # report every failure with the fix
        if dialect == "sqlite":
            fix = (
                "SpatiaLite could not be loaded. Install it with `apt-get install libsqlite3-mod-spatialite` "
                "and set SPATIALITE_LIBRARY_PATH=mod_spatialite (the default)."
            )
        else:
            fix = (
                "PostGIS is not available. Install `postgresql-15-postgis-3` and run "
                "`CREATE EXTENSION postgis` in the database (`flask db upgrade` does it when it may)."
            )
        return False, f"{fix}\n({exc})"
