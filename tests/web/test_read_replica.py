"""With REPLICA_DATABASE_URL set, the analysis pages and /cijfers/ read from the replica; their writes (the audit line
of an export) and every other page stay on the primary. The 'replica' here is a second database with other data, so
the test can tell which one answered."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry
from tests.analysis.test_hotspots import STATION, offset

# Streaming replication is PostgreSQL's; with SQLite the app refuses a replica setting (test below, no database).
pytestmark = pytest.mark.only_backends("postgis")


@pytest.fixture
def app_settings(second_database_url):
    return {"REPLICA_DATABASE_URL": second_database_url}


@pytest.fixture
def replica_with_reports(make_app, second_database_url, new_report):
    """Eight reports on the replica only, as if the primary had streamed them there."""
    replica = make_app(SQLALCHEMY_DATABASE_URI=second_database_url)
    with replica.app_context():
        now = utcnow()
        for i in range(8):
            lat, lon = offset(STATION, i * 5, 0)
            submit_report(
                new_report(lat=lat, lon=lon, incident_at=now - timedelta(days=2)), now=now - timedelta(days=1)
            )
        db.session.commit()


def _count(model, **where):
    db.session.expire_all()
    query = sa.select(sa.func.count()).select_from(model)
    for column, value in where.items():
        query = query.where(getattr(model, column) == value)
    return db.session.scalar(query)


def test_analysis_reads_the_replica_and_writes_the_primary(app, client, staff, login, replica_with_reports):
    login(client, staff["oov"])
    assert _count(Report) == 0  # the primary has none of them
    page = client.get("/analyse/?cel=100&afstand=50&minimum=5")
    assert page.status_code == 200
    assert "<td>8</td>" in page.get_data(as_text=True)  # the cluster of eight, found on the replica

    export = client.get("/analyse/export.csv")
    assert export.status_code == 200 and export.get_data(as_text=True).count("\n") == 9  # header and eight rows
    assert _count(AuditEntry, action="export") == 1  # the audit line went to the primary


def test_pages_outside_the_analysis_stay_on_the_primary(app, client, staff, login, replica_with_reports):
    login(client, staff["tnh"])
    queue = client.get("/medewerkers/wachtrij/TNH")
    assert queue.status_code == 200
    assert "EMN-" not in queue.get_data(as_text=True)  # the replica's reports are not the queue's


def test_sqlite_with_a_replica_is_refused(tmp_path):
    from meldpunt import create_app

    with pytest.raises(RuntimeError, match="REPLICA_DATABASE_URL"):
        create_app("config.TestConfig", SQLALCHEMY_DATABASE_URI=f"sqlite:///{tmp_path}/a.db",
                   REPLICA_DATABASE_URL=f"sqlite:///{tmp_path}/b.db")  # fmt: skip
