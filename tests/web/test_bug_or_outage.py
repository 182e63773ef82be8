"""A database that is away for a moment (restart, failover, a locked SQLite file) gets the "try again" page (503);
a bug that happens to surface as a database error (a missing table after a botched upgrade) must not: it is a
server error (500), logged as an error, so the operator looks instead of waiting for it to pass."""

import logging
import sqlite3

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from meldpunt.extensions import db
from meldpunt.web.errors import is_database_outage

FORM = "/melden/straatintimidatie"


def test_a_missing_table_is_a_server_error_not_a_moment_away(app, client, caplog):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as served: the error page, not the test client's traceback
    assert client.get(FORM).status_code == 200
    db.session.execute(sa.text("ALTER TABLE category RENAME TO category_lost_in_an_upgrade"))
    db.session.commit()
    with caplog.at_level(logging.WARNING):
        page = client.get(FORM)
    assert page.status_code == 500
    assert "Retry-After" not in page.headers
    assert any(record.levelno >= logging.ERROR for record in caplog.records)


@pytest.mark.only_backends("spatialite")
def test_a_locked_sqlite_file_is_a_moment_away(tmp_path):
    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN EXCLUSIVE")
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    with pytest.raises(OperationalError) as raised, engine.connect() as connection:
        connection.execute(sa.text("SELECT * FROM t"))
    holder.rollback()
    assert is_database_outage(raised.value)


@pytest.mark.only_backends("spatialite")
def test_a_missing_sqlite_table_is_not_an_outage():
    engine = sa.create_engine("sqlite://")
    with pytest.raises(OperationalError) as raised, engine.connect() as connection:
        connection.execute(sa.text("SELECT * FROM no_such_table"))
    assert not is_database_outage(raised.value)
