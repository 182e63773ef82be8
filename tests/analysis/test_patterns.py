"""Hour × weekday in Dutch local time, across summer and winter time, on both backends."""

from datetime import datetime

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.patterns import hour_weekday_matrix
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.submission import submit_report


def test_reports_land_in_their_local_hour_and_weekday(app, new_report):
    moments = [
        datetime(2026, 7, 3, 23, 30, tzinfo=LOCAL_TZ),  # Friday night, summer time (21:30 UTC)
        datetime(2026, 7, 3, 23, 50, tzinfo=LOCAL_TZ),
        datetime(2026, 1, 10, 0, 15, tzinfo=LOCAL_TZ),  # Saturday just after midnight, winter (Friday 23:15 UTC)
        datetime(2026, 3, 29, 3, 30, tzinfo=LOCAL_TZ),  # the Sunday summer time starts (01:30 UTC)
        datetime(2026, 10, 25, 1, 30, tzinfo=LOCAL_TZ),  # the Sunday it ends, still summer time (23:30 UTC Sat)
    ]
    for moment in moments:
        submit_report(new_report(incident_at=moment), now=moment)
    db.session.commit()
    matrix = hour_weekday_matrix(AnalysisFilters(date_from=None, date_to=None).conditions())
    assert matrix.count(5, 23) == 2  # Friday 23:00
    assert matrix.count(6, 0) == 1  # Saturday 00:00, although it was Friday in UTC
    assert matrix.count(7, 3) == 1
    assert matrix.count(7, 1) == 1
    assert matrix.total == 5 and matrix.busiest == 2
    assert matrix.level(5, 23) == 5 and matrix.level(6, 0) in (2, 3) and matrix.level(1, 12) == 0
    assert matrix.by_weekday(7) == 2 and matrix.by_hour(23) == 2


def test_filters_by_weekday_and_hour(app, new_report):
    friday = datetime(2026, 7, 3, 23, 30, tzinfo=LOCAL_TZ)
    monday = datetime(2026, 7, 6, 9, 0, tzinfo=LOCAL_TZ)
    for moment in (friday, monday):
        submit_report(new_report(incident_at=moment), now=moment)
    db.session.commit()
    assert hour_weekday_matrix(AnalysisFilters(weekday=5).conditions()).total == 1
    assert hour_weekday_matrix(AnalysisFilters(hour=9).conditions()).total == 1
