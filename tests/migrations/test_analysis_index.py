"""Revision abfe97d22c0a: on PostgreSQL the created_at index of `report` also holds what the analysis reads, so a
year of reports is read from the index alone; a downgrade gives the plain index back."""

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from meldpunt.extensions import db
from meldpunt.reports.models import ANALYSIS_COLUMNS, COUNT_COLUMNS


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


def _index_names() -> set[str]:
    db.session.remove()
    return {ix["name"] for ix in sa.inspect(db.engine).get_indexes("report")}


@pytest.mark.only_backends("postgis")
def test_postgresql_has_a_slim_index_for_the_counts(app, backend):
    index = next(
        ix for ix in sa.inspect(db.engine).get_indexes("report") if ix["name"] == "ix_report_created_at_counts"
    )
    assert index["column_names"] == ["created_at"]
    assert tuple(index["dialect_options"].get("postgresql_include", [])) == COUNT_COLUMNS
    downgrade(revision="e3b7a1c5d902")
    assert "ix_report_created_at_counts" not in _index_names()
    upgrade()
    assert "ix_report_created_at_counts" in _index_names()


@pytest.mark.only_backends("spatialite")
def test_sqlite_has_no_second_created_at_index(app, backend):
    assert "ix_report_created_at_counts" not in _index_names()
