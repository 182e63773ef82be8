"""Revision abfe97d22c0a: on PostgreSQL the created_at index of `report` also holds what the analysis reads, so a
year of reports is read from the index alone; a downgrade gives the plain index back."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from meldpunt.extensions import db
from meldpunt.reports.models import ANALYSIS_COLUMNS


def _created_at_index() -> dict:
    db.session.remove()
    return next(ix for ix in sa.inspect(db.engine).get_indexes("report") if ix["name"] == "ix_report_created_at")


@pytest.mark.only_backends("postgis")
def test_the_created_at_index_covers_the_analysis(app, backend):
    index = _created_at_index()
    assert index["column_names"] == ["created_at"]
    assert tuple(index["dialect_options"].get("postgresql_include", [])) == ANALYSIS_COLUMNS
    downgrade(revision="a083d4317312")
    assert _created_at_index()["dialect_options"].get("postgresql_include", []) == []
    upgrade()
    assert tuple(_created_at_index()["dialect_options"].get("postgresql_include", [])) == ANALYSIS_COLUMNS


def test_sqlite_keeps_its_plain_index(app, backend):
    index = _created_at_index()
    assert index["column_names"] == ["created_at"]
