"""Trends per month and category, comparisons, the top 7, targets against 2023, lead times: on both backends."""

from datetime import date, datetime, timedelta

import pytest

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.leadtimes import lead_times
from meldpunt.analysis.models import Target
from meldpunt.analysis.targets import all_target_statuses
from meldpunt.analysis.trends import top_categories, trend_table
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report


def _file(new_report, when: datetime, **values):
    values.setdefault("kind", "overlast")
    values.setdefault("category_code", "vernieling")
    receipt = submit_report(new_report(incident_at=when - timedelta(hours=1), **values), now=when)
    return db.session.get(Report, receipt.report_id)


def _at(*args):
    return datetime(*args, tzinfo=LOCAL_TZ)


def test_months_and_comparisons(app, new_report):
    for day in (3, 10, 17):
        _file(new_report, _at(2026, 10, day, 20))
    _file(new_report, _at(2026, 11, 2, 20))
    _file(new_report, _at(2026, 11, 3, 20), category_code="jeugd")
    _file(new_report, _at(2026, 8, 20, 20))  # the period before
    _file(new_report, _at(2025, 10, 5, 20))  # a year earlier
    _file(new_report, _at(2025, 11, 5, 20))
    db.session.commit()
    table = trend_table(AnalysisFilters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30)))
    assert table.months == ["2026-10", "2026-11"]
    vernieling = next(row for row in table.rows if row.category.code == "vernieling")
    assert vernieling.per_month == [3, 1] and vernieling.total == 4
    assert vernieling.previous == 1 and vernieling.year_before == 2
    assert vernieling.change_from_year_before == 100.0
    assert table.totals_per_month == [3, 2]
    assert table.previous_period == (date(2026, 8, 1), date(2026, 9, 30))
    top = top_categories(AnalysisFilters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30)))
    assert [(c.code, n) for c, n in top] == [("vernieling", 4), ("jeugd", 1)]


def test_a_report_just_after_midnight_counts_in_its_local_month(app, new_report):
    _file(new_report, _at(2026, 11, 1, 0, 30))  # still October in UTC
    db.session.commit()
    table = trend_table(AnalysisFilters(date_from=date(2026, 10, 1), date_to=date(2026, 11, 30)))
    assert table.rows[0].per_month == [0, 1]


@pytest.mark.parametrize("this_year, on_track", [(9, True), (10, False)])
def test_a_target_of_five_percent_fewer_than_2023(app, new_report, this_year, on_track):
    for i in range(10):
        _file(new_report, _at(2023, 3, 1 + i, 20))
    _file(new_report, _at(2023, 12, 1, 20))  # later in 2023 than today's date: not in the comparison
    for i in range(this_year):
        _file(new_report, _at(2026, 3, 1 + i, 20))
    db.session.commit()
    statuses = {s.target.code: s for s in all_target_statuses(date(2026, 11, 30))}
    overlast = statuses["overlast"]
    assert (overlast.current, overlast.baseline) == (this_year, 10)
    assert overlast.on_track is on_track
    assert statuses["meldingsbereidheid"].on_track is None  # no straatintimidatie reports in 2023


def test_for_street_harassment_more_reports_is_the_goal(app, new_report):
    for i in range(10):
        _file(new_report, _at(2023, 5, 1 + i, 22), kind="straatintimidatie", category_code="naroepen")
    for i in range(12):
        _file(new_report, _at(2026, 5, 1 + i, 22), kind="straatintimidatie", category_code="naroepen")
    db.session.commit()
    status = next(s for s in all_target_statuses(date(2026, 11, 30)) if s.target.code == "meldingsbereidheid")
    assert status.target.direction == "up" and status.on_track is True and round(status.change_pct) == 20
    assert db.session.query(Target).count() == 4  # Emmen's plan, seeded


def test_lead_times_median_and_90th_percentile(app, new_report, staff):
    made = _at(2026, 11, 2, 9)
    for hours in (1, 2, 3, 4, 5, 6, 7, 8, 9, 10):
        report = _file(new_report, made, kind="onveilige_plek", category_code="donker")
        workflow.take_in_handling(report, staff["oov"], now=made + timedelta(hours=hours))
        workflow.close_with_outcome(report, "opgelost", "Gedaan.", staff["oov"], now=made + timedelta(days=hours))
    _file(new_report, made, kind="onveilige_plek", category_code="donker")  # still open: no times
    db.session.commit()
    [row] = lead_times(AnalysisFilters(date_from=date(2026, 11, 1), date_to=date(2026, 11, 30)).conditions())
    assert (row.queue.code, row.category.code) == ("OOV", "donker")
    assert row.responded == 10 and row.closed == 10
    assert row.median_response_h == pytest.approx(5) and row.p90_response_h == pytest.approx(9)
    assert row.median_closing_d == pytest.approx(5) and row.p90_closing_d == pytest.approx(9)
