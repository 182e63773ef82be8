"""Rules about people that more than one page asks (staff/roles.py): each is decided in one place, so every page
that asks gets the same answer (issue 9, house rule 1)."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo.areas import dorp_code
from meldpunt.geo.models import Area
from meldpunt.reports import workflow
from meldpunt.reports.models import Report
from meldpunt.reports.photos import CleanPhoto, photo_store
from meldpunt.reports.submission import submit_report
from meldpunt.staff.vaste_boa import VasteBoaError, set_vaste_boa
from tests.fixtures.reports import jpeg_with_gps


def _field_report(new_report, **extra) -> Report:
    earlier = utcnow() - timedelta(days=1)  # not "now": routed to the field queue at any hour
    values = dict(kind="overlast", category_code="vernieling", incident_at=earlier) | extra
    report = db.session.get(Report, submit_report(new_report(**values)).report_id)
    db.session.commit()
    return report


def _text(response) -> str:
    return response.get_data(as_text=True)


def test_a_deactivated_field_officer_is_offered_nowhere_and_refused_everywhere(client, staff, login, new_report):
    report = _field_report(new_report)
    staff["boa2"].active = False
    db.session.commit()
    login(client, staff["tnh"])
    pages = [_text(client.get(f"/medewerkers/meldingen/{report.id}")),
             _text(client.get(f"/medewerkers/wachtrij/{report.queue.code}")),
             _text(client.get("/medewerkers/vaste-boas"))]  # fmt: skip
    for page in pages:
        assert "Bram Boa" in page and "Bente Boa" not in page
    with pytest.raises(workflow.WorkflowError):
        workflow.assign_to_boa(report, staff["boa2"], staff["tnh"])
    db.session.rollback()
    dorp = db.session.scalar(sa.select(Area).where(Area.code == dorp_code("GM0114", "Klazienaveen")))
    with pytest.raises(VasteBoaError):
        set_vaste_boa(dorp, staff["boa2"], staff["tnh"])


def _photo_shown(client, url: str, photo_id: int) -> bool | None:
    """Whether the page at `url` shows the photo (None: the page itself is refused)."""
    g.pop("_login_user", None)
    page = client.get(url)
    if page.status_code != 200:
        return None
    return f"/medewerkers/fotos/{photo_id}" in _text(page)


@pytest.mark.parametrize("who", ["boa", "tnh", "oov", "beheerder"])
def test_whoever_may_open_a_photo_sees_it_on_the_report_page_and_nobody_else(app, staff, login, new_report, who):
    """One rule (roles.can_see_photos_of) for the photo itself, the desk's report page and field mode's; a
    field report closed meanwhile takes its photo out of field mode with it."""
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    report = _field_report(new_report, pending_photo_tokens=[token])
    [photo] = report.photos
    client = app.test_client()
    login(client, staff[who])
    for state in ("nieuw", "afgehandeld"):
        report.state = state
        db.session.commit()
        g.pop("_login_user", None)
        with client.get(f"/medewerkers/fotos/{photo.id}") as answer:  # closes the file a 200 sends
            photo_status = answer.status_code
        shown = [_photo_shown(client, f"/medewerkers/meldingen/{report.id}", photo.id),
                 _photo_shown(client, f"/veld/meldingen/{report.id}", photo.id)]  # fmt: skip
        assert (photo_status == 200) == any(shown), (state, photo_status, shown)
        assert photo_status in (200, 403)
    expected_photo = {"boa": 403, "tnh": 200, "oov": 200, "beheerder": 403}[who]
    assert photo_status == expected_photo  # the closed report: only the desk still sees its photo


def test_a_restricted_report_in_the_field_queue_shows_no_photo_in_field_mode(app, client, staff, login, new_report):
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    report = _field_report(new_report, pending_photo_tokens=[token])
    report.category.restricted = True
    db.session.commit()
    login(client, staff["boa"])
    assert client.get(f"/veld/meldingen/{report.id}").status_code == 403
    with client.get(f"/medewerkers/fotos/{report.photos[0].id}") as answer:
        assert answer.status_code == 403
    assert not re.search(r"/medewerkers/fotos/\d+", _text(client.get("/veld/lijst")))
