"""`flask reports import`: historical reports from a municipality's old system."""

import csv
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa

from meldpunt.extensions import db
from meldpunt.geo import LatLon, spatial
from meldpunt.geo.boundaries import check_point_in_municipality
from meldpunt.outbox.models import OutboxMessage
from meldpunt.reports.models import Report, StateChange

DATA = Path(__file__).parent / "data"
EXAMPLE = DATA / "import-example.csv"
COLUMNS = ["reference", "kind", "category", "lat", "lon", "x", "y", "incident_time", "created_time",
           "first_response_time", "state", "closed_time", "queue", "outcome"]  # fmt: skip
# Station Emmen in WGS84, and the same place in RD New (EPSG:28992).
STATION = LatLon(52.7870, 6.8990)
STATION_RD = (256985.17, 534369.21)


def good_row(**changes) -> dict:
    row = dict(reference="OUD-1", kind="overlast", category="jeugd", lat="52.7870", lon="6.8990", x="", y="",
               incident_time="2023-05-05 21:00", created_time="2023-05-05 21:10", first_response_time="",
               state="afgehandeld", closed_time="2023-05-08 10:00", queue="TNH", outcome="aangesproken")  # fmt: skip
    row.update(changes)
    return row


def write_csv(path: Path, rows: list[dict], columns=COLUMNS, delimiter=",") -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, delimiter=delimiter)
        writer.writeheader()
        writer.writerows(rows)
    return path


def reports() -> list[Report]:
    return list(db.session.scalars(sa.select(Report).order_by(Report.reference)))


def count_reports() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Report))


def test_a_good_file_is_stored_as_imported_reports(app, runner):
    result = runner.invoke(args=["reports", "import", str(EXAMPLE)])
    assert result.exit_code == 0, result.output
    assert "read 5 rows; refused 0; stored 5 reports" in result.output
    stored = reports()
    assert [r.reference for r in stored] == [f"OUD-2023-000{n}" for n in range(1, 6)]
    assert {r.channel for r in stored} == {"import"}
    assert all(r.email is None and not r.email_consent for r in stored)
    first, second, unsafe, cancelled, new = stored
    assert (first.kind, first.category.code, first.queue.code, first.state, first.outcome) == (
        "straatintimidatie", "naroepen", "OOV", "afgehandeld", "geen_directe_actie")  # fmt: skip
    # Times without an offset are Dutch local time (winter: UTC+1, summer: UTC+2); offsets are kept.
    assert first.incident_at == datetime(2023, 3, 4, 21, 15, tzinfo=UTC)
    assert first.created_at == datetime(2023, 3, 4, 21, 40, tzinfo=UTC)
    assert first.first_response_at == datetime(2023, 3, 6, 8, 30, tzinfo=UTC)
    assert first.closed_at == datetime(2023, 3, 9, 9, 0, tzinfo=UTC)
    assert second.incident_at == datetime(2023, 7, 1, 21, 30, tzinfo=UTC)
    assert second.created_at == datetime(2023, 7, 1, 22, 5, tzinfo=UTC)
    assert second.closed_at == datetime(2023, 7, 2, 0, 51, tzinfo=UTC)
    assert (unsafe.kind, unsafe.incident_at, unsafe.state, unsafe.closed_at) == (
        "onveilige_plek", None, "in_behandeling", None)  # fmt: skip
    assert (cancelled.state, cancelled.outcome, cancelled.first_response_at) == ("geannuleerd", None, None)
    assert (new.state, new.closed_at, new.first_response_at) == ("nieuw", None, None)
    # The history says where the report came from, and how it ended.
    lines = [(h.event, h.to_state, h.reason, h.at) for h in first.history]
    assert lines == [
        ("created", "nieuw", "Geïmporteerd uit import-example.csv", first.created_at),
        ("close", "afgehandeld", "geen_directe_actie", first.closed_at),
    ]
    assert [(h.event, h.to_state) for h in cancelled.history] == [("created", "nieuw"), ("cancel", "geannuleerd")]
    assert [(h.event, h.to_state, h.at) for h in unsafe.history] == [
        ("created", "nieuw", unsafe.created_at), ("state", "in_behandeling", unsafe.first_response_at)]  # fmt: skip
    assert [h.event for h in new.history] == ["created"]
    # Never mailed.
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)) == 0


def test_imported_reports_have_no_tracking_link(app, runner):
    from meldpunt.feedback.receipts import hash_secret

    runner.invoke(args=["reports", "import", str(EXAMPLE)])
    stored = reports()
    hashes = {r.tracking_token_hash for r in stored}
    # Random values in place of a token's hash: all different, and none derived from something guessable.
    assert len(hashes) == 5 and all(len(h) == 64 and int(h, 16) >= 0 for h in hashes)
    assert not hashes & ({hash_secret(r.reference) for r in stored} | {hash_secret("")})
    assert all(r.submission_key_hash is None for r in stored)


def test_every_position_is_stored_in_wgs84_and_rd_by_the_database(app, runner):
    runner.invoke(args=["reports", "import", str(EXAMPLE)])
    by_reference = {r.reference: r.id for r in reports()}
    station = spatial.point(STATION)
    latlon_row, rd_row = by_reference["OUD-2023-0001"], by_reference["OUD-2023-0002"]
    distances = dict(
        db.session.execute(
            sa.select(Report.id, spatial.planar_distance(Report.location_rd, spatial.to_rd(station))).where(
                Report.id.in_([latlon_row, rd_row])
            )
        ).all()
    )
    # The same place given as lat/lon and as RD x/y ends up in the same spot (the transforms agree within 1 m).
    assert distances[latlon_row] < 0.01
    assert distances[rd_row] < 1.0
    x, y = db.session.execute(
        sa.select(sa.func.ST_X(Report.location_rd), sa.func.ST_Y(Report.location_rd)).where(Report.id == rd_row)
    ).one()
    assert abs(x - STATION_RD[0]) < 0.01 and abs(y - STATION_RD[1]) < 0.01
    lon, lat = db.session.execute(
        sa.select(sa.func.ST_X(Report.location), sa.func.ST_Y(Report.location)).where(Report.id == rd_row)
    ).one()
    assert check_point_in_municipality(LatLon(lat, lon), "GM0114").inside


BAD_ROWS = [
    # (changes to a good row, the column named, part of the reason)
    (dict(reference=""), "reference", "empty"),
    (dict(reference="A-REFERENCE-FAR-TOO-LONG"), "reference", "at most 16 characters"),
    (dict(kind="geluidsoverlast"), "kind", "not a kind"),
    (dict(category="fietsendiefstal"), "category", "not a category code"),
    (dict(category="naroepen"), "category", "a category of kind straatintimidatie, not overlast"),
    (dict(queue="POLITIE"), "queue", "not a queue; one of OOV, STRAATCOACH, TNH"),
    (dict(state="open"), "state", "not a state"),
    (dict(outcome="opgepakt"), "outcome", "not an outcome"),
    (dict(state="in_behandeling", closed_time="", outcome="aangesproken"), "outcome", "only a closed report"),
    (dict(created_time="gisteren"), "created_time", "not an ISO 8601 time"),
    (dict(created_time=""), "created_time", "empty"),
    (dict(created_time="9999-12-31T23:59:59-01:00"), "created_time", "not an ISO 8601 time"),  # beyond year 9999
    (dict(created_time="2099-01-01 10:00", closed_time=""), "created_time", "lies in the future"),
    (dict(incident_time=""), "incident_time", "needs the time it happened"),
    (dict(incident_time="2023-05-05 23:00"), "incident_time", "after created_time"),
    (dict(kind="onveilige_plek", category="donker", queue="OOV", outcome=""), "incident_time", "leave it empty"),
    (dict(closed_time=""), "closed_time", "needs its closing time"),
    (dict(closed_time="2023-05-01 10:00"), "closed_time", "before created_time"),
    (dict(state="nieuw", outcome=""), "closed_time", "is open: leave it empty"),
    (dict(first_response_time="2023-05-09 10:00"), "first_response_time", "after closed_time"),
    (dict(lat="52,78"), "lat", "not a number"),
    (dict(lat="", lon=""), "lat/lon", "no position"),
    (dict(lon=""), "lon", "empty, while lat is given"),
    (dict(lat="95", lon="6.9"), "lat/lon", "not a position on earth"),
    (dict(lat="6.8990", lon="52.7870"), "lat/lon", "seem swapped"),
    (dict(x="256985", y="534369"), "lat/lon", "not both"),
    (dict(lat="", lon="", x="52.78", y="6.89"), "x/y", "not RD New coordinates"),
    (dict(lat=str(52.661), lon=str(6.742)), "lat/lon", "lies in the municipality of Coevorden, not in Emmen"),
    (dict(lat="52.5", lon="7.0"), "lat/lon", "lies outside the Netherlands, not in Emmen"),
    # A signal without a spot (issue 10 item 6): a point from an old system would put it on maps.
    (dict(kind="spanningen", category="online_spanningen", queue="OOV"), "kind", "a signal without a spot"),
]


def test_each_kind_of_bad_row_is_refused_with_its_reason_and_nothing_is_stored(app, runner, tmp_path):
    rows = [good_row(reference="GOED-1")]
    rows += [good_row(**{"reference": f"FOUT-{n}", **changes}) for n, (changes, _, _) in enumerate(BAD_ROWS)]
    path = write_csv(tmp_path / "history.csv", rows)
    errors = tmp_path / "refused.csv"
    result = runner.invoke(args=["reports", "import", str(path), "--errors", str(errors)])
    assert result.exit_code == 1
    assert f"refused {len(BAD_ROWS)}; stored 0 reports" in result.output
    assert "nothing stored" in result.output and "--skip-invalid to store the 1 valid rows" in result.output
    with open(errors, encoding="utf-8", newline="") as handle:
        refused = list(csv.DictReader(handle))
    for n, (changes, column, reason) in enumerate(BAD_ROWS):
        row_number = n + 3  # the header is row 1, the good row row 2
        found = [r for r in refused if r["row"] == str(row_number)]
        assert any(r["column"] == column and reason in r["reason"] for r in found), (changes, found)
        assert f"row {row_number}, {column}: " in result.output
    assert "GOED-1" not in {r["value"] for r in refused}
    assert count_reports() == 0


def test_a_reference_twice_in_the_file_refuses_both_rows(app, runner, tmp_path):
    path = write_csv(tmp_path / "twice.csv", [good_row(reference="OUD-7"), good_row(), good_row(reference="OUD-7")])
    result = runner.invoke(args=["reports", "import", str(path), "--skip-invalid"])
    assert "row 2, reference: also on row 4" in result.output
    assert "row 4, reference: also on row 2" in result.output
    assert [r.reference for r in reports()] == ["OUD-1"]


def test_skip_invalid_stores_the_valid_rows(app, runner, tmp_path):
    rows = [good_row(reference="OUD-1"), good_row(reference="OUD-2", kind="straatkunst"), good_row(reference="OUD-3")]
    path = write_csv(tmp_path / "history.csv", rows)
    result = runner.invoke(args=["reports", "import", str(path), "--skip-invalid"])
    assert result.exit_code == 0, result.output
    assert "row 3, kind: not a kind" in result.output
    assert "read 3 rows; refused 1; stored 2 reports" in result.output
    assert [r.reference for r in reports()] == ["OUD-1", "OUD-3"]


def test_the_same_file_twice_stores_nothing_the_second_time(app, runner):
    assert runner.invoke(args=["reports", "import", str(EXAMPLE)]).exit_code == 0
    again = runner.invoke(args=["reports", "import", str(EXAMPLE), "--skip-invalid"])
    assert "row 2, reference: OUD-2023-0001 is already in the database" in again.output
    assert "refused 5; stored 0 reports" in again.output
    assert count_reports() == 5
    history = db.session.scalar(sa.select(sa.func.count()).select_from(StateChange))
    assert history == 5 + 4  # a created line each, and a later line for the four that left "nieuw"


def test_a_reference_of_a_live_report_refuses_the_row(app, runner, tmp_path, new_report):
    from meldpunt.reports.submission import submit_report

    receipt = submit_report(new_report())
    db.session.commit()
    path = write_csv(tmp_path / "history.csv", [good_row(reference=receipt.reference)])
    result = runner.invoke(args=["reports", "import", str(path)])
    assert f"{receipt.reference} is already in the database" in result.output
    assert count_reports() == 1


@pytest.mark.parametrize(
    "lat, lon, accepted",
    [
        (52.75, 7.066, True),  # inside, by the border with Germany
        (52.75, 7.068, True),  # about 100 m outside the simplified border: accepted, as for a live report
        (52.75, 7.071, False),  # about 300 m outside
    ],
)
def test_the_border_has_the_same_tolerance_as_for_live_reports(app, runner, tmp_path, lat, lon, accepted):
    assert check_point_in_municipality(LatLon(lat, lon), "GM0114").inside is accepted
    path = write_csv(tmp_path / "border.csv", [good_row(lat=str(lat), lon=str(lon))])
    result = runner.invoke(args=["reports", "import", str(path)])
    assert count_reports() == (1 if accepted else 0), result.output


def test_a_semicolon_file_with_decimal_commas_from_a_dutch_spreadsheet(app, runner, tmp_path):
    path = write_csv(tmp_path / "excel.csv", [good_row(lat="52,7870", lon="6,8990")], delimiter=";")
    result = runner.invoke(args=["reports", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert count_reports() == 1


def test_a_category_map_translates_the_old_systems_names(app, runner, tmp_path):
    mapping = tmp_path / "categories.csv"
    mapping.write_text("old,category\nHangjongeren,jeugd\nGeluidsoverlast,geluid\n", encoding="utf-8")
    rows = [good_row(reference="OUD-1", category="hangjongeren"), good_row(reference="OUD-2", category="Fietsen")]
    path = write_csv(tmp_path / "history.csv", rows)
    result = runner.invoke(args=["reports", "import", str(path), "--category-map", str(mapping), "--skip-invalid"])
    assert "row 3, category: not a category code (nor in the category map)" in result.output
    assert [(r.reference, r.category.code) for r in reports()] == [("OUD-1", "jeugd")]


def test_a_file_without_the_required_columns_is_refused_as_a_whole(app, runner, tmp_path):
    path = write_csv(
        tmp_path / "history.csv", [{"reference": "OUD-1", "kind": "overlast"}], columns=["reference", "kind"]
    )
    result = runner.invoke(args=["reports", "import", str(path)])
    assert result.exit_code == 1
    assert "missing column(s) category, created_time, state, queue" in result.output
    assert count_reports() == 0


def test_imported_reports_get_their_area_like_live_ones(app, runner, tmp_path):
    from meldpunt.geo.areas import import_areas

    area = tmp_path / "wijken.geojson"
    area.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": {"name": "Centrum"},'
        ' "geometry": {"type": "Polygon", "coordinates": [[[6.88, 52.78], [6.91, 52.78], [6.91, 52.79],'
        " [6.88, 52.79], [6.88, 52.78]]]}}]}"
    )
    import_areas(area, kind="wijk", municipality_code="GM0114")
    db.session.commit()
    path = write_csv(tmp_path / "history.csv", [good_row(reference="IN"), good_row(reference="UIT", lat="52.75",
                                                                                    lon="6.95")])  # fmt: skip
    assert runner.invoke(args=["reports", "import", str(path)]).exit_code == 0
    inside, outside = reports()
    # Like a live report: linked to every area it lies in (a wijk and an approximate dorp), the smallest shown.
    assert inside.area.name == "Centrum" and {a.kind for a in inside.areas} == {"wijk", "dorp"}
    assert outside.area.kind == "dorp" and "Centrum" not in {a.name for a in outside.areas}


def test_an_imported_open_report_gets_its_due_moment_and_can_be_overdue(app, runner, tmp_path):
    from meldpunt.db_types import utcnow
    from meldpunt.reports.queries import overdue_condition

    path = write_csv(tmp_path / "open.csv", [good_row(state="in_behandeling", closed_time="", outcome="")])
    assert runner.invoke(args=["reports", "import", str(path)]).exit_code == 0
    [report] = reports()
    assert report.due_at is not None and report.due_at > report.created_at
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(overdue_condition(utcnow()))) == 1
