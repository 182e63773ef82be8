"""Giant bodies (issue 12): a request over MAX_CONTENT_LENGTH, to any route that takes a form, is refused with 413
and a page that says what to do, never a server error. (With JavaScript on, the browser refuses an oversized photo
before sending: tests/e2e/test_giant_bodies.py.)"""

import io

import pytest

from meldpunt.extensions import db
from meldpunt.reports.submission import submit_report
from tests.web.test_report_form import text

LIMIT = 64 * 1024  # small: larger test bodies make Werkzeug's test client leak a temporary file
ROUTES = [
    "/melden/straatintimidatie/naroepen",
    "/melden/onveilige_plek/verlichting",
    "/volg/{token}/intrekken",
    "/medewerkers/inloggen",
]


@pytest.mark.only_backends("spatialite")
@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize("encoding", ["multipart", "urlencoded"])
def test_a_body_over_the_limit_is_refused_with_advice(make_app, new_report, path, encoding):
    app = make_app(MAX_CONTENT_LENGTH=LIMIT)
    with app.app_context():
        receipt = submit_report(new_report())
        db.session.commit()
        path = path.format(token=receipt.tracking_token)
        client = app.test_client()
        huge = "x" * (LIMIT + 1024)
        if encoding == "multipart":
            response = client.post(path, data={"description": "Kept short.", "photo": (io.BytesIO(huge.encode()),
                                   "groot.jpg")}, content_type="multipart/form-data")  # fmt: skip
        else:
            response = client.post(path, data={"description": huge})
        assert response.status_code == 413
        page = text(response)
        assert "te groot" in page and "kleinere foto" in page
