"""Unsafe places with their audit answers, a before/after around a measure, and the woonoverlast view."""

from datetime import date, datetime, timedelta

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.unsafe_spots import before_and_after, unsafe_spots
from meldpunt.analysis.woonoverlast import woonoverlast_view
from meldpunt.extensions import db
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from tests.analysis.test_hotspots import CENTRE, PARK, offset

PERIOD = AnalysisFilters(date_from=date(2026, 1, 1), date_to=date(2026, 11, 30))


def _unsafe(new_report, base, when, **answers):
    lat, lon = offset(base, -5, 0)
    return submit_report(new_report(kind="onveilige_plek", category_code="donker", lat=lat, lon=lon, answers=answers),
                         now=datetime(*when, 21, tzinfo=LOCAL_TZ))  # fmt: skip


def test_the_worst_unsafe_spots_come_first_with_their_answers(app, new_report):
    for score, lighting in (("5", "geen"), ("4", "geen"), ("5", "matig")):
        _unsafe(new_report, PARK, (2026, 3, 2), unsafe_score=score, lighting=lighting, alternative_route="nee")
    _unsafe(new_report, CENTRE, (2026, 3, 2), unsafe_score="2", lighting="goed")
    _unsafe(new_report, CENTRE, (2026, 3, 3))  # no answers: counted, not averaged
    db.session.commit()
    park, centre = unsafe_spots(PERIOD)
    assert park.reports == 3 and round(park.average_score, 2) == 4.67
    assert park.poor_lighting == 1.0 and park.no_other_route == 1.0 and park.poor_view == 0.0
    assert centre.reports == 2 and centre.average_score == 2.0 and centre.poor_lighting == 0.0
    assert abs(park.position.lat - PARK[0]) < 0.001


def test_before_and_after_a_measure(app, new_report):
    for month in (1, 2, 3):
        _unsafe(new_report, PARK, (2026, month, 10), unsafe_score="5")
    _unsafe(new_report, PARK, (2026, 6, 10), unsafe_score="2")  # after new lighting on 1 May
    db.session.commit()
    [spot] = unsafe_spots(PERIOD)
    result = before_and_after(spot.key, date(2026, 5, 1))
    assert (result.before, result.after) == (3, 1)
    assert result.score_before == 5.0 and result.score_after == 2.0
    assert before_and_after("nonsense", date(2026, 5, 1)) is None


def test_woonoverlast_counts_subtypes_outcomes_and_repeat_addresses(app, new_report, staff):
    made = datetime(2026, 10, 5, 20, tzinfo=LOCAL_TZ)

    def file(base, north, subtype):
        lat, lon = offset(base, north, 0)
        receipt = submit_report(new_report(kind="overlast", category_code="woonoverlast", lat=lat, lon=lon,
                                           incident_at=made - timedelta(hours=1), answers={"woon_subtype": subtype}),
                                now=made)  # fmt: skip
        return db.session.get(Report, receipt.report_id)

    same_address = [file(CENTRE, -1, "geluid"), file(CENTRE, -2, "geluid"), file(CENTRE, -3, "agressie")]
    file(PARK, -1, "burenruzie")
    file(PARK, -2, "burenruzie")
    file(offset(PARK, 400, 0), 0, "vervuiling")
    workflow.take_in_handling(same_address[0], staff["oov"], now=made + timedelta(hours=2))
    workflow.forward(same_address[0], "woonteam", None, staff["oov"], partners=("woonteam",),
                     now=made + timedelta(hours=3))  # fmt: skip
    db.session.commit()
    view = woonoverlast_view(AnalysisFilters(date_from=date(2026, 10, 1), date_to=date(2026, 10, 31)))
    assert view.total == 6
    assert view.per_subtype == {"geluid": 2, "agressie": 1, "burenruzie": 2, "vervuiling": 1}
    assert view.forwarded_to == {"woonteam": 1}
    assert view.addresses_with_repeats == {"2": 1, "3+": 1}
    assert view.lead_times[0].responded == 1
