"""/openapi.json describes every JSON route (apispec from the code), and schemathesis, driving the app served over
HTTP on both databases, finds no server error and no response that breaks the document: the public routes
anonymously, each staff route signed in with a role it names (x-roles), and anonymously refused."""

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from meldpunt.extensions import db
from meldpunt.open311.keys import issue_key
from meldpunt.staff.accounts import create_user
from tests.fixtures.reports import EMMEN_CENTRE, form_fields
from tests.fixtures.staff import PASSWORD

# The same browser for signing in and for schemathesis' calls: a session is bound to its user agent.
AGENT = {"User-Agent": "schemathesis-run"}
OPEN311 = {"/open311/v2/discovery.{fmt}", "/open311/v2/services.{fmt}", "/open311/v2/services/{service_code}.{fmt}",
           "/open311/v2/requests.{fmt}", "/open311/v2/requests/{service_request_id}.{fmt}"}  # fmt: skip
# Every route that answers JSON (grep jsonify, application/json, geo+json): if one is added, describe it.
JSON_ROUTES = OPEN311 | {
    "/healthz", "/openapi.json", "/melden/plaatsen", "/melden/wachtend", "/manifest.webmanifest",
    "/cijfers/cellen.geojson", "/medewerkers/wachtrij/{code}/kaart.geojson", "/analyse/lagen/raster.geojson",
    "/analyse/lagen/warmte.json", "/analyse/lagen/clusters.geojson", "/analyse/export.{fmt}", "/veld/lijst",
    "/veld/meldingen/{report_id}/afronden",
}  # fmt: skip


@pytest.fixture
def served(make_live_server):
    """The app over HTTP with a report or two to show, and one signed-in session per staff role."""
    app, base = make_live_server()
    with app.app_context():
        _record, key = issue_key("Schemathesis")
        for role in ("boa", "tnh-coordinator", "oov", "analist"):
            create_user(f"st-{role}", role.title(), [role], PASSWORD)
        db.session.commit()
    for code, extra in (("verlichting", {}), ("naroepen", {"attribute[when]": "nu"})):
        fields = {"api_key": key, "service_code": code, "lat": EMMEN_CENTRE[0], "long": EMMEN_CENTRE[1],
                  "description": "Voor de schemacontrole."}  # fmt: skip
        filed = requests.post(f"{base}/open311/v2/requests.json", data=fields | extra, timeout=30)
        assert filed.status_code == 201, filed.text
    return base, {role: _signed_in(base, f"st-{role}") for role in ("boa", "tnh-coordinator", "oov", "analist")}


def _signed_in(base: str, username: str) -> requests.Session:
    session = requests.Session()
    session.headers.update(AGENT)
    page = session.get(f"{base}/medewerkers/inloggen", timeout=30)
    fields = form_fields(page.text) | {"username": username, "password": PASSWORD}
    answer = session.post(f"{base}/medewerkers/inloggen", data=fields, allow_redirects=False, timeout=30)
    assert answer.status_code == 302 and "inloggen" not in answer.headers["Location"], answer.text[:500]
    return session


def test_the_document_lists_every_json_route(client):
    document = client.get("/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert set(document["paths"]) == JSON_ROUTES
    assert set(document["paths"]["/open311/v2/requests.{fmt}"]) == {"get", "post"}
    services = document["paths"]["/open311/v2/services.{fmt}"]["get"]["responses"]["200"]["content"]
    assert set(services) == {"application/json", "text/xml"}
    queue_map = document["paths"]["/medewerkers/wachtrij/{code}/kaart.geojson"]["get"]
    assert queue_map["security"] == [{"staffSession": []}] and set(queue_map["x-roles"]) == {"oov", "tnh-coordinator"}
    assert document["components"]["securitySchemes"]["staffSession"]["in"] == "cookie"


def test_the_api_keeps_to_its_document(served):
    base, sessions = served
    schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
    cookies = {role: session.cookies["session"] for role, session in sessions.items()}
    signed_in_as = {"role": None}

    @schema.auth(refresh_interval=None)
    class StaffSession:
        """The session cookie of the role being tried: schemathesis' ignored_auth check then calls the operation
        again without the cookie, and with a made-up one, and wants a refusal (401/403 or a redirect)."""

        def get(self, case, context):
            return cookies[signed_in_as["role"]] if signed_in_as["role"] else None

        def set(self, case, data, context):
            case.cookies = (case.cookies or {}) | {"session": data}

    results = list(schema.get_all_operations())
    assert all(result.ok() for result in results), [r.err() for r in results if not r.ok()]
    operations = [result.ok() for result in results]
    assert len(operations) == 18  # every operation but the document itself, which schemathesis leaves out
    # schemathesis' lazy pytest loader fails on this pytest ("'Function' object has no attribute '_nodeid'"), so
    # each operation's strategy runs under Hypothesis here; any failed check raises with the case to reproduce it.
    for operation in operations:
        for role in operation.definition.raw.get("x-roles", [None]):  # each role it names; public ones anonymously
            signed_in_as["role"] = role
            _keeps_to_the_document(operation, base)


def _keeps_to_the_document(operation, base: str) -> None:
    # A staff form needs the CSRF token of its page, which no generated request has: its 400 is the documented
    # refusal, not valid data rejected.
    body = operation.definition.raw.get("requestBody", {}).get("content", {})
    needs_page_token = any("csrf_token" in c["schema"].get("required", ()) for c in body.values())
    excluded = [positive_data_acceptance] if needs_page_token else []

    @given(case=operation.as_strategy())
    @settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def keeps_to_the_document(case):
        case.call_and_validate(base_url=base, headers=AGENT, allow_redirects=False, excluded_checks=excluded)

    keeps_to_the_document()


def test_staff_json_refuses_the_anonymous_and_the_wrong_role(served):
    base, sessions = served
    anonymous = requests.Session()
    for path in ("/medewerkers/wachtrij/OOV/kaart.geojson", "/analyse/lagen/warmte.json", "/analyse/export.geojson"):
        refused = anonymous.get(f"{base}{path}", allow_redirects=False, timeout=30)
        assert refused.status_code == 302 and "/medewerkers/inloggen" in refused.headers["Location"]
        assert sessions["boa"].get(f"{base}{path}", allow_redirects=False, timeout=30).status_code == 403
    assert sessions["analist"].get(f"{base}/medewerkers/wachtrij/OOV/kaart.geojson", timeout=30).status_code == 403
    poll = anonymous.get(f"{base}/veld/lijst", timeout=30)
    assert poll.status_code == 401 and poll.json()["signed_out"] is True
    assert sessions["oov"].get(f"{base}/analyse/lagen/warmte.json", timeout=30).status_code == 200
