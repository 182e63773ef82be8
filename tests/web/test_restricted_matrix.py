"""The restricted kind (verdachte situatie) as a matrix: every staff role without the permission is refused on every
route that names the report (detail, photo, contact, actions, field mode) and finds it on no route that lists reports
(queues, maps, field list, analysis pages, every export, scanned inside the xlsx files too)."""

import io
import zipfile
from datetime import timedelta

import pytest

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo.areas import signal_area_choices
from meldpunt.reports.models import Report, ReportPhoto
from meldpunt.reports.photos import CleanPhoto, photo_store
from meldpunt.reports.submission import submit_report
from tests.fixtures.reports import jpeg_with_gps
from tests.web.test_role_matrix import MATRIX, SIGN_OUT_ROUTES

SECRET_TEXT = "Wietlucht en verduisterde ramen bij de schuur achter nummer 12."
SIGNAL_TEXT = "In de appgroep van de wijk roept iemand op om de nieuwe buren eruit te jagen."
# (kind, category, description): one world per restricted kind.
RESTRICTED = {
    "verdachte_situatie": ("verdachte_situatie", "hennep", SECRET_TEXT),
    "spanningen": ("spanningen", "online_spanningen", SIGNAL_TEXT),
}
NAMED = ("{tnh}", "{oov}", "{photo}", "{reference}")  # routes that name the report itself
EXTRA_LISTS = [
    "/analyse/export.geojson",
    "/cijfers/",
    "/cijfers/cellen.geojson",
    "/veld/lijst?lat=52.7858&lon=6.8975",
    "/veld/?lat=52.7858&lon=6.8975",
    "/analyse/export.xlsx",
    "/open311/v2/services.json",
    "/open311/v2/services.xml",
    "/open311/v2/requests.json",
    "/open311/v2/requests.xml",
    "/open311/v2/requests/{reference}.json",
]
ROLES_WITHOUT = ("boa", "tnh", "oov", "beheerder", "analist")


@pytest.fixture
def people(staff, make_user):
    analist = make_user("cijfers", "analist", name="Anna Analist")
    afgeschermd = make_user("ondermijning", "oov", name="Otto Ondermijning", sees_restricted=True)
    return {**staff, "analist": analist, "oov_afgeschermd": afgeschermd}


@pytest.fixture(params=sorted(RESTRICTED))
def restricted_world(request, app, staff, new_report):
    kind, category_code, text = RESTRICTED[request.param]
    extra = {}
    if kind == "spanningen":  # about a dorp: no spot, but an area it is linked to
        extra = {"position": None, "area_code": signal_area_choices()[0].code}
    receipt = submit_report(new_report(kind=kind, category_code=category_code, description=text,
                                       incident_at=utcnow() - timedelta(days=1), **extra))  # fmt: skip
    # An ordinary report next to it, so that the scans below are known to see report data at all.
    submit_report(new_report(incident_at=utcnow() - timedelta(days=1)))
    report = db.session.get(Report, receipt.report_id)
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    key = photo_store().adopt_pending(token, db.session())
    photo = ReportPhoto(report=report, storage_key=key.key, content_type="image/jpeg", width=64, height=48,
                        size_bytes=key.size)  # fmt: skip
    db.session.add(photo)
    db.session.commit()
    category = report.category
    # What would give it away: its text, reference and category, by code and by name in every language.
    secrets = [text, report.reference, category.code, *category.names.values()]
    return {"report": report.id, "reference": report.reference, "photo": photo.id, "text": text,
            "secrets": [secret.encode() for secret in secrets]}  # fmt: skip


def _body(response) -> bytes:
    body = response.get_data()
    if body[:2] == b"PK":  # an xlsx file: scan what is inside
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body


def _urls(world):
    values = {"tnh": world["report"], "oov": world["report"], "photo": world["photo"], "user": 1, "mail": 1,
              "signal": 1, "filter": 1, "area": 1, "api_key": 1, "event": 1, "zone": 1, "contact": 1, "schouw": 1,
              "group": 1}  # fmt: skip
    for method, template, _ in MATRIX:
        if template in SIGN_OUT_ROUTES:
            continue
        yield method, template, template.format(**values)
    for url in EXTRA_LISTS:
        yield "GET", url, url.format(reference=world["reference"])


@pytest.mark.parametrize("role", ROLES_WITHOUT)
def test_restricted_report_is_refused_and_absent_for_every_role_without_the_permission(
    app, restricted_world, people, login, role
):
    client = app.test_client()
    login(client, people[role])
    failures = []
    reference = restricted_world["reference"].encode()
    for method, template, url in _urls(restricted_world):
        response = client.open(url, method=method, data={})
        status, body = response.status_code, _body(response)
        response.close()
        if any(named in template for named in NAMED):
            if status not in (403, 404):
                failures.append(f"{method} {url}: {status}, expected a refusal")
        for secret in restricted_world["secrets"]:
            if secret in body and not (template.endswith("{reference}.json") and secret == reference):
                # (Open311's 404 repeats the id it was asked for: that says nothing the asker did not know.)
                failures.append(f"{method} {url}: shows {secret!r}")
    assert failures == [], "\n".join(failures)
    # Nothing was changed by the refused actions.
    report = db.session.get(Report, restricted_world["report"])
    db.session.refresh(report)
    assert report.state == "nieuw" and report.version == 1


def test_oov_with_the_permission_does_see_it(app, restricted_world, people, login):
    """The control for the matrix above: the same scans do find the report for the one role that may see it."""
    client = app.test_client()
    login(client, people["oov_afgeschermd"])
    detail = client.get(f"/medewerkers/meldingen/{restricted_world['report']}")
    assert detail.status_code == 200
    assert restricted_world["text"] in detail.get_data(as_text=True)
    assert restricted_world["reference"] in client.get("/medewerkers/wachtrij/OOV").get_data(as_text=True)
    photo = client.get(f"/medewerkers/fotos/{restricted_world['photo']}")
    assert photo.status_code == 200
    photo.close()
    # Never exported, not even for this role (DESIGN §6).
    for url in (
        "/analyse/export.csv",
        "/analyse/export.geojson",
        "/analyse/export.xlsx",
        "/analyse/maandoverzicht.xlsx",
        "/cijfers/",
        "/cijfers/cellen.geojson",
        "/open311/v2/services.json",
        "/open311/v2/requests.json",
    ):
        response = client.get(url)
        body = _body(response)
        assert response.status_code == 200, url
        assert not [secret for secret in restricted_world["secrets"] if secret in body], url
