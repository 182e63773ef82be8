""" "How safe do you feel here?" (issue 10): optional on every kind's form, stored on the report, checked like
every field, and shown to OOV and the analist only per area with at least K_ANONYMITY answers."""

import html

import pytest
import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.analysis.public_figures import K_ANONYMITY
from meldpunt.analysis.safety_feeling import safety_feeling_per_area
from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo.areas import import_areas
from meldpunt.geo.models import Area
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from meldpunt.reports.submission import SubmissionRejected, submit_report
from tests.geo.test_areas import EMMEN_CENTRE, EMMERHOUT, WIJKEN_RD
from tests.web.test_report_form import Reporter, reports, text


@pytest.mark.parametrize(
    "kind, category",
    [("straatintimidatie", "naroepen"), ("overlast", "vernieling"), ("onveilige_plek", "verlichting")],
)
def test_every_kind_asks_the_question_folded_away_and_stores_the_answer(client, kind, category):
    reporter = Reporter(client, kind, category)
    form = text(client.get(reporter.url))
    more = form[form.index('<details class="more"') : form.index("</details>")]
    assert "Hoe veilig voelt u zich hier?" in more and "Zeg ik liever niet" in more
    assert "nooit per melding" in more  # why it is asked
    assert reporter.send(safety_feeling="2").status_code == 303
    [report] = reports()
    assert report.safety_feeling == 2
    assert "safety_feeling" not in report.answers


@pytest.mark.parametrize("answer", ["zeg_ik_liever_niet", None])
def test_rather_not_say_or_no_answer_stores_nothing(client, answer):
    assert Reporter(client).send(safety_feeling=answer).status_code == 303
    [report] = reports()
    assert report.safety_feeling is None


@pytest.mark.parametrize("bad", ["0", "6", "veilig"])
def test_a_bad_answer_is_refused_in_dutch_and_everything_is_kept(client, bad):
    response = Reporter(client).post(safety_feeling=bad, description="Iemand riep mij na bij de Wolderweg.",
                                     email="melder@example.org", email_consent="y")  # fmt: skip
    assert response.status_code == 422
    page = text(response)
    assert "Kies een getal van 1 tot en met 5" in page
    assert "Iemand riep mij na bij de Wolderweg." in page and 'value="melder@example.org"' in page
    assert '<details class="more" id="more" open>' in page
    assert 'href="#safety_feeling"' in page and 'id="safety_feeling"' in page  # the error summary leads to it
    assert reports() == []


def test_the_draft_keeps_the_answer_when_the_reporter_goes_back_to_the_form(client):
    reporter = Reporter(client)
    review = reporter.post(safety_feeling="4")
    assert review.status_code == 200
    assert "Hoe veilig voelt u zich hier?" in text(review) and "4 - veilig" in text(review)
    form = text(client.get(reporter.url))
    assert '<input checked id="safety_feeling-3" name="safety_feeling" type="radio" value="4">' in form
    assert '<details class="more" id="more" open>' in form


@pytest.mark.parametrize("bad", [0, 6, "x"])
def test_submit_report_refuses_a_value_outside_1_to_5(app, new_report, bad):
    with pytest.raises(SubmissionRejected) as rejected:
        submit_report(new_report(safety_feeling=bad))
    assert "1 tot en met 5" in str(rejected.value.problems["safety_feeling"])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Report)) == 0


def _answers(new_report, position, values):
    for value in values:
        submit_report(new_report(lat=position.lat, lon=position.lon, safety_feeling=value))


@pytest.fixture
def wijken(app):
    import_areas(WIJKEN_RD, kind="wijk", municipality_code="GM0114")
    db.session.commit()


def _wijk_rows(view):
    return {row.area: row for row in view.areas if row.kind == "wijk"}


def _filters():
    return AnalysisFilters.from_args({}, today=utcnow().astimezone(LOCAL_TZ).date())


def test_the_aggregate_shows_an_area_from_five_answers_and_hides_one_with_four(app, new_report, wijken):
    assert K_ANONYMITY == 5
    _answers(new_report, EMMEN_CENTRE, [1, 2, 2, 4, 5])
    _answers(new_report, EMMERHOUT, [1, 1, 1, 1])
    _answers(new_report, EMMERHOUT, [None, None])  # no answer: not counted
    db.session.commit()
    view = safety_feeling_per_area(_filters(), "wijk")
    rows = _wijk_rows(view)
    centre_name = db.session.scalar(sa.select(Area.name).where(Area.kind == "wijk", Area.name.like("%Centrum%")))
    assert set(rows) == {centre_name}
    centre = rows[centre_name]
    assert centre.answers == 5
    assert centre.mean == pytest.approx(2.8)
    assert centre.distribution == {1: 1, 2: 2, 3: 0, 4: 1, 5: 1}
    assert view.withheld_areas >= 1  # Emmerhout, four answers


def test_the_aggregate_follows_the_shared_filters(app, new_report, wijken):
    _answers(new_report, EMMEN_CENTRE, [3, 3, 3, 3, 3])
    db.session.commit()
    assert _wijk_rows(safety_feeling_per_area(_filters(), "wijk"))
    other_kind = AnalysisFilters.from_args({"soort": "overlast"}, today=utcnow().astimezone(LOCAL_TZ).date())
    assert not _wijk_rows(safety_feeling_per_area(other_kind, "wijk"))


@pytest.mark.parametrize("role", ["oov", "analist"])
def test_the_page_for_oov_and_analist_shows_areas_never_reports(client, new_report, wijken, make_user, login, role):
    _answers(new_report, EMMEN_CENTRE, [1, 2, 2, 4, 5])
    _answers(new_report, EMMERHOUT, [5, 5])
    db.session.commit()
    login(client, make_user(f"{role}-beleving", role))
    page = client.get("/analyse/veiligheidsbeleving?niveau=wijk")
    assert page.status_code == 200
    body = html.unescape(page.get_data(as_text=True))
    assert "Hoe veilig mensen zich voelen" in body
    assert "<td>2.8</td>" in body or "<td>2,8</td>" in body
    assert "Emmerhout</th>" not in body  # two answers only
    assert "Een man riep mij na" not in body  # never a report's text


def test_one_level_of_areas_at_a_time_so_no_small_group_shows_as_a_difference(client, new_report, wijken, make_user,
                                                                             login):  # fmt: skip
    # Five answers in the Centrum wijk and two more just outside it: the dorp Emmen holds all seven. Shown side by
    # side, dorp minus wijk would give away the two.
    _answers(new_report, EMMEN_CENTRE, [3, 3, 3, 3, 3])
    _answers(new_report, EMMERHOUT, [1, 1])
    db.session.commit()
    login(client, make_user("analist-niveau", "analist"))
    for level, other in (("dorp", "wijk"), ("wijk", "dorp")):
        body = html.unescape(client.get(f"/analyse/veiligheidsbeleving?niveau={level}").get_data(as_text=True))
        shown = set(db.session.scalars(sa.select(Area.name).where(Area.kind == level)))
        hidden = set(db.session.scalars(sa.select(Area.name).where(Area.kind == other)))
        rows = {name for name in shown | hidden if f"{name}</th>" in body or f"{name} (bij benadering)</th>" in body}
        assert rows and rows <= shown, (level, rows)
    default = html.unescape(client.get("/analyse/veiligheidsbeleving").get_data(as_text=True))
    assert '<option value="dorp" selected>' in default  # the public page's level unless the analyst picks another
