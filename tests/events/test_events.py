"""Events (issue 10, item 5): OOV plans an event (an area, or an outline drawn or pasted, and a time window); a
report made there while it is on carries it, one outside the window or the place does not; changing the event
re-tags; the queue and the analysis filter on it; the report page shows it; every change is audited."""

import json
import re
from datetime import timedelta

import sqlalchemy as sa

from meldpunt.analysis.filters import AnalysisFilters
from meldpunt.db_types import utcnow
from meldpunt.events.models import Event, report_event
from meldpunt.extensions import db
from meldpunt.geo.areas import dorp_code
from meldpunt.geo.models import Area
from meldpunt.profiles import LOCAL_TZ
from meldpunt.reports.models import Report
from meldpunt.reports.submission import submit_report
from meldpunt.staff.models import AuditEntry

EMMEN = (52.7858, 6.8975)
KLAZIENAVEEN = (52.7242, 6.9903)
# A square of about 450 x 450 m around Emmen's centre, as GeoJSON would give it ([lon, lat]).
AROUND_EMMEN = {"type": "Polygon", "coordinates": [[[6.894, 52.784], [6.901, 52.784], [6.901, 52.788],
                                                    [6.894, 52.788], [6.894, 52.784]]]}  # fmt: skip
# The same kind of square around Klazienaveen, typed as "lat, lon" lines (the ring need not be closed).
AROUND_KLAZIENAVEEN = "52.722, 6.987\n52.722, 6.994\n52.727, 6.994\n52.727, 6.987"


def _local(moment) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _form(name, starts, ends, *, area="", outline=""):
    return {"name": name, "starts": _local(starts), "ends": _local(ends), "area": str(area), "outline": outline}


def _tagged(event_id) -> set[int]:
    db.session.expire_all()
    return set(db.session.scalars(sa.select(report_event.c.report_id).where(report_event.c.event_id == event_id)))


def _event(name) -> Event:
    db.session.expire_all()
    return db.session.scalar(sa.select(Event).where(Event.name == name))


def _report(new_report, position, incident_at):
    receipt = submit_report(new_report(kind="overlast", category_code="vernieling", lat=position[0], lon=position[1],
                                       incident_at=incident_at))  # fmt: skip
    db.session.commit()
    return receipt.report_id


def test_a_report_during_a_planned_event_carries_it(app, staff, login, new_report):
    oov = app.test_client()
    login(oov, staff["oov"])
    now = utcnow()
    emmen = db.session.scalar(sa.select(Area).where(Area.code == dorp_code("GM0114", "Emmen")))
    window = (now - timedelta(hours=6), now + timedelta(hours=6))
    response = oov.post("/medewerkers/evenementen/nieuw", data=_form("Koningsdag", *window, area=emmen.id))
    assert response.status_code == 302
    event = _event("Koningsdag")
    assert event.area_id == emmen.id

    during = _report(new_report, EMMEN, now - timedelta(hours=1))
    before = _report(new_report, EMMEN, now - timedelta(hours=7))  # same place, before the event
    elsewhere = _report(new_report, KLAZIENAVEEN, now - timedelta(hours=1))  # same time, another dorp
    restricted = submit_report(new_report(kind="verdachte_situatie", category_code="hennep",
                                          incident_at=now - timedelta(hours=1))).report_id  # fmt: skip
    db.session.commit()
    assert _tagged(event.id) == {during, restricted}  # tagged, but counted and shown only to who may see it

    page = oov.get(f"/medewerkers/meldingen/{during}").get_data(as_text=True)
    assert "Koningsdag" in page
    assert "Koningsdag" not in oov.get(f"/medewerkers/meldingen/{before}").get_data(as_text=True)
    assert "Koningsdag" not in oov.get(f"/medewerkers/meldingen/{elsewhere}").get_data(as_text=True)

    listing = oov.get("/medewerkers/evenementen").get_data(as_text=True)
    row = listing.split(f'id="event-{event.id}"', 1)[1].split("</tr>", 1)[0]
    assert "Koningsdag" in row and emmen.name in row and "<td>1 ·" in row.replace("\n", "")


def test_an_unsafe_place_counts_from_when_it_was_reported(app, staff, new_report):
    """A lasting condition has no incident time: the time of the report decides."""
    from meldpunt.events.planning import save_event
    from meldpunt.geo.outlines import Outline

    now = utcnow()
    event, _ = save_event(None, name="Kermis", starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=1),
                          outline=Outline(geojson=json.dumps({"type": "MultiPolygon",
                                                              "coordinates": [AROUND_EMMEN["coordinates"]]})),
                          actor=staff["oov"])  # fmt: skip
    db.session.commit()
    receipt = submit_report(new_report(kind="onveilige_plek", category_code="donker"))
    db.session.commit()
    assert _tagged(event.id) == {receipt.report_id}


def test_changing_an_event_tags_its_reports_anew(app, staff, login, new_report):
    now = utcnow()
    in_emmen = _report(new_report, EMMEN, now - timedelta(days=3))
    in_klazienaveen = _report(new_report, KLAZIENAVEEN, now - timedelta(days=3))
    oov = app.test_client()
    login(oov, staff["oov"])
    window = (now - timedelta(days=3, hours=2), now - timedelta(days=2))
    # Drawn on the map: the page's script puts GeoJSON in the text field, as pasting does.
    response = oov.post("/medewerkers/evenementen/nieuw",
                        data=_form("FC Emmen - Cambuur", *window, outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    assert response.status_code == 302
    event = _event("FC Emmen - Cambuur")
    assert event.area_id is None
    assert _tagged(event.id) == {in_emmen}

    # Another window: the report is no longer made during it.
    later = (now - timedelta(days=1), now)
    oov.post(f"/medewerkers/evenementen/{event.id}", data=_form("FC Emmen - Cambuur", *later,
                                                                outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    assert _tagged(event.id) == set()
    # Another place, typed as coordinates: the report there is.
    oov.post(f"/medewerkers/evenementen/{event.id}", data=_form("FC Emmen - Cambuur", *window,
                                                                outline=AROUND_KLAZIENAVEEN))  # fmt: skip
    assert _tagged(event.id) == {in_klazienaveen}
    # The form shows the stored outline again (for the map and for editing by hand).
    page = oov.get(f"/medewerkers/evenementen/{event.id}").get_data(as_text=True)
    assert "6.987" in page and "52.722" in page

    oov.post(f"/medewerkers/evenementen/{event.id}/verwijderen", data={})
    assert _event("FC Emmen - Cambuur") is None
    assert db.session.get(Report, in_klazienaveen) is not None  # the reports stay
    actions = list(db.session.scalars(sa.select(AuditEntry.action).where(AuditEntry.action.like("event_%"))
                                      .order_by(AuditEntry.id)))  # fmt: skip
    assert actions == ["event_created", "event_changed", "event_changed", "event_deleted"]
    users = set(db.session.scalars(sa.select(AuditEntry.user_id).where(AuditEntry.action.like("event_%"))))
    assert users == {staff["oov"].id}


def test_bad_input_gets_a_clear_message_and_loses_nothing(app, staff, login):
    oov = app.test_client()
    login(oov, staff["oov"])
    now = utcnow()
    crossing = "52.784, 6.894\n52.788, 6.901\n52.784, 6.901\n52.788, 6.894"  # a bow tie
    cases = [
        (_form("Braderie", now, now + timedelta(hours=3), outline=crossing), "kruist"),
        (_form("Braderie", now, now + timedelta(hours=3)), "Kies een gebied"),
        (_form("Braderie", now, now + timedelta(hours=3), outline="hier ergens"), "niet worden gelezen"),
        (
            _form("Braderie", now, now + timedelta(hours=3), outline="52.37, 4.89\n52.38, 4.90\n52.37, 4.90"),
            "buiten de gemeente",
        ),
        (_form("Braderie", now, now - timedelta(hours=3), outline=json.dumps(AROUND_EMMEN)), "na het begin"),
    ]
    for data, message in cases:
        response = oov.post("/medewerkers/evenementen/nieuw", data=data)
        page = response.get_data(as_text=True)
        assert response.status_code == 422, data
        assert message in page, (message, re.findall(r'class="error"[^>]*>([^<]*)', page))
        assert 'value="Braderie"' in page  # what was typed stays
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


def test_the_queue_and_the_analysis_narrow_by_event(app, staff, login, new_report):
    now = utcnow()
    during = _report(new_report, EMMEN, now - timedelta(hours=1))
    other = _report(new_report, KLAZIENAVEEN, now - timedelta(hours=1))
    oov = app.test_client()
    login(oov, staff["oov"])
    oov.post("/medewerkers/evenementen/nieuw",
             data=_form("TT-weekend", now - timedelta(hours=3), now, outline=json.dumps(AROUND_EMMEN)))  # fmt: skip
    event = _event("TT-weekend")
    reference = {r.id: r.reference for r in db.session.scalars(sa.select(Report))}

    everything = oov.get("/medewerkers/wachtrij/TNH?state=alle").get_data(as_text=True)
    assert reference[during] in everything and reference[other] in everything
    assert f'<option value="{event.id}"' in everything  # the filter offers the event
    narrowed = oov.get(f"/medewerkers/wachtrij/TNH?state=alle&event={event.id}").get_data(as_text=True)
    assert reference[during] in narrowed and reference[other] not in narrowed
    data = oov.get(f"/medewerkers/wachtrij/TNH/kaart.geojson?state=alle&event={event.id}").get_json()
    assert [f["properties"]["reference"] for f in data["features"]] == [reference[during]]

    today = now.astimezone(LOCAL_TZ).date()

    def counted(args):
        filters = AnalysisFilters.from_args(args, today=today)
        return db.session.scalar(sa.select(sa.func.count()).select_from(Report).where(*filters.conditions()))

    assert counted({}) == 2
    assert counted({"evenement": str(event.id)}) == 1
    assert AnalysisFilters.from_args({"evenement": str(event.id)}, today=today).as_args()["evenement"] == event.id
    page = oov.get(f"/analyse/trends?evenement={event.id}").get_data(as_text=True)
    assert re.search(rf'<option value="{event.id}" selected>TT-weekend', page)


def test_demo_events_are_planned_once(app):
    from meldpunt.events.demo import make_demo_events
    from meldpunt.profiles import get_profile

    assert make_demo_events(get_profile("emmen")) == 4
    assert make_demo_events(get_profile("emmen")) == 0
    db.session.commit()
    koningsdag = _event("Koningsdag")
    assert koningsdag.area.name == "Emmen" and koningsdag.starts_at.astimezone(LOCAL_TZ).strftime("%m-%d") == "04-27"
    assert koningsdag.starts_at < utcnow()
