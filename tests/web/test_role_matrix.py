"""Authorisation as a matrix: every staff route × every role and anonymous, for each of the three profiles. A new
staff route fails test_every_staff_route_is_in_the_matrix until it is added here."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa

from meldpunt.db_types import utcnow
from meldpunt.extensions import db
from meldpunt.geo import LatLon
from meldpunt.profiles import current_profile
from meldpunt.reports.models import Queue, Report
from meldpunt.reports.photos import CleanPhoto, photo_store
from meldpunt.reports.submission import submit_report
from meldpunt.seed import seed_reference_data
from tests.fixtures.reports import jpeg_with_gps

ROLES = ("anonymous", "boa", "tnh", "oov", "beheerder", "analist")
ALL_STAFF = {"boa", "tnh", "oov", "beheerder", "analist"}
DESK = {"tnh", "oov"}
ANALYSIS = {"oov", "analist"}  # the analysis pages and exports, and nothing else for an analist

# (method, url template, roles allowed). {tnh} is a report in the TNH (field) queue, {oov} one in the OOV queue,
# {photo} a photo of the TNH report, {user} the beheerder's own account.
MATRIX = [
    ("GET", "/medewerkers/", DESK),
    ("GET", "/medewerkers/wachtrij/OOV", {"oov"}),
    ("GET", "/medewerkers/wachtrij/TNH", DESK),  # OOV has the regie: reads every queue
    ("GET", "/medewerkers/wachtrij/OOV/kaart.geojson", {"oov"}),
    ("GET", "/medewerkers/wachtrij/TNH/kaart.geojson", DESK),
    ("POST", "/medewerkers/wachtrij/TNH/bulk", {"tnh"}),  # OOV reads the TNH queue but does not handle it
    ("POST", "/medewerkers/wachtrij/OOV/bulk", {"oov"}),
    ("POST", "/medewerkers/wachtrij/TNH/filters", DESK),
    ("POST", "/medewerkers/wachtrij/OOV/filters", {"oov"}),
    ("POST", "/medewerkers/filters/{filter}/verwijderen", DESK),  # someone else's filter: 404, never deleted
    ("GET", "/medewerkers/meldingen/{tnh}", DESK),
    ("GET", "/medewerkers/meldingen/{oov}", {"oov"}),
    ("POST", "/medewerkers/meldingen/{oov}/contact", {"oov"}),
    ("POST", "/medewerkers/meldingen/{tnh}/contact", DESK),
    ("GET", "/medewerkers/fotos/{photo}", {"boa", "tnh", "oov"}),
    ("POST", "/medewerkers/meldingen/{tnh}/take", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/assign", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/reroute", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/merge", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/plan", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/forward", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/close", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/cancel", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{tnh}/reopen", {"tnh"}),
    ("POST", "/medewerkers/meldingen/{oov}/take", {"oov"}),
    ("POST", "/medewerkers/meldingen/{oov}/close", {"oov"}),
    ("GET", "/medewerkers/tevredenheid", {"oov"}),
    ("GET", "/medewerkers/vaste-boas", {"tnh"}),
    ("POST", "/medewerkers/vaste-boas/{area}", {"tnh"}),
    ("GET", "/medewerkers/gebiedscontacten/", {"oov"}),
    ("GET", "/medewerkers/melding-opnemen/", {"oov", "tnh", "boa"}),
    ("POST", "/medewerkers/melding-opnemen/", {"oov", "tnh", "boa"}),
    ("GET", "/medewerkers/melding-opnemen/groepen", {"oov"}),
    ("POST", "/medewerkers/melding-opnemen/groepen", {"oov"}),
    ("POST", "/medewerkers/melding-opnemen/groepen/{group}/actief", {"oov"}),
    ("GET", "/medewerkers/schouw/", {"oov", "tnh", "boa"}),
    ("POST", "/medewerkers/schouw/", {"oov", "tnh", "boa"}),
    ("GET", "/medewerkers/schouw/{schouw}", {"oov", "tnh", "boa"}),
    ("POST", "/medewerkers/schouw/{schouw}/plek", {"oov", "tnh", "boa"}),
    ("POST", "/medewerkers/schouw/{schouw}/afronden", {"oov", "tnh", "boa"}),
    ("GET", "/medewerkers/schouw/{schouw}/verslag", {"oov", "tnh", "boa"}),
    ("POST", "/medewerkers/gebiedscontacten/", {"oov"}),
    ("POST", "/medewerkers/gebiedscontacten/{contact}/verwijderen", {"oov"}),
    ("GET", "/medewerkers/evenementen", {"oov", "beheerder"}),
    ("GET", "/medewerkers/evenementen/nieuw", {"oov", "beheerder"}),
    ("POST", "/medewerkers/evenementen/nieuw", {"oov", "beheerder"}),
    ("GET", "/medewerkers/evenementen/{event}", {"oov", "beheerder"}),
    ("POST", "/medewerkers/evenementen/{event}", {"oov", "beheerder"}),
    ("POST", "/medewerkers/evenementen/{event}/verwijderen", {"oov", "beheerder"}),
    ("GET", "/medewerkers/risicogebieden", {"oov", "tnh"}),
    ("GET", "/medewerkers/risicogebieden/nieuw", {"oov", "tnh"}),
    ("POST", "/medewerkers/risicogebieden/nieuw", {"oov", "tnh"}),
    ("GET", "/medewerkers/risicogebieden/{zone}", {"oov", "tnh"}),
    ("POST", "/medewerkers/risicogebieden/{zone}", {"oov", "tnh"}),
    ("POST", "/medewerkers/risicogebieden/{zone}/verwijderen", {"oov", "tnh"}),
    ("GET", "/medewerkers/account/tweestaps", ALL_STAFF),
    ("POST", "/medewerkers/account/tweestaps", ALL_STAFF),
    ("POST", "/medewerkers/uitloggen", ALL_STAFF),
    ("POST", "/medewerkers/account/overal-uitloggen", ALL_STAFF),
    ("GET", "/veld/", {"boa"}),
    ("GET", "/veld/lijst", {"boa"}),
    ("GET", "/veld/meldingen/{tnh}", {"boa"}),
    ("GET", "/veld/meldingen/{oov}", set()),  # not a field report: nobody sees it in field mode
    ("POST", "/veld/meldingen/{tnh}/claim", {"boa"}),
    ("POST", "/veld/meldingen/{tnh}/ter-plaatse", {"boa"}),
    ("POST", "/veld/meldingen/{tnh}/afronden", {"boa"}),
    ("GET", "/veld/meldingen/{tnh}/teruggeven", {"boa"}),
    ("POST", "/veld/meldingen/{tnh}/teruggeven", {"boa"}),
    ("GET", "/beheer/gebruikers", {"beheerder"}),
    ("GET", "/beheer/gebruikers/nieuw", {"beheerder"}),
    ("POST", "/beheer/gebruikers/nieuw", {"beheerder"}),
    ("GET", "/beheer/gebruikers/{user}", {"beheerder"}),
    ("POST", "/beheer/gebruikers/{user}", {"beheerder"}),
    ("POST", "/beheer/gebruikers/{user}/afgeschermd/bevestigen", {"beheerder"}),
    ("POST", "/beheer/gebruikers/{user}/afgeschermd/afwijzen", {"beheerder"}),
    ("GET", "/beheer/audit", {"beheerder"}),
    ("GET", "/beheer/mail", {"beheerder"}),
    ("POST", "/beheer/mail/{mail}/opnieuw", {"beheerder"}),
    ("GET", "/beheer/api-sleutels", {"beheerder"}),
    ("POST", "/beheer/api-sleutels", {"beheerder"}),
    ("POST", "/beheer/api-sleutels/{api_key}/intrekken", {"beheerder"}),
    ("GET", "/analyse/", ANALYSIS),
    ("GET", "/analyse/lagen/raster.geojson", ANALYSIS),
    ("GET", "/analyse/lagen/warmte.json", ANALYSIS),
    ("GET", "/analyse/lagen/clusters.geojson", ANALYSIS),
    ("GET", "/analyse/trends", ANALYSIS),
    ("GET", "/analyse/signalen", ANALYSIS),
    ("GET", "/analyse/onveilige-plekken", ANALYSIS),
    ("GET", "/analyse/woonoverlast", ANALYSIS),
    ("GET", "/analyse/veiligheidsbeleving", ANALYSIS),
    ("POST", "/analyse/signalen/{signal}/gezien", {"oov"}),
    ("GET", "/analyse/doorlooptijden", ANALYSIS),
    ("GET", "/analyse/export.csv", ANALYSIS),
    ("GET", "/analyse/maandoverzicht.xlsx", ANALYSIS),
]
# The matrix runs for every profile (issue 10, item 1). Coevorden has Emmen's two queues (OOV, and TNH for its
# toezichthouders and boa's); Midden-Drenthe has one Team Veiligheid queue that the coordinators and the policy
# officers both act on (and a field queue, so its reports are in field mode). Each profile's queue for the
# matrix's OOV and TNH, and the routes whose roles differ from Emmen's, written out.
PROFILE_QUEUES = {
    "emmen": {"OOV": "OOV", "TNH": "TNH"},
    "coevorden": {"OOV": "OOV", "TNH": "TNH"},
    "midden-drenthe": {"OOV": "VEILIGHEID", "TNH": "VEILIGHEID"},
}
PROFILE_DIFFERENCES = {
    "emmen": {},
    "coevorden": {},
    "midden-drenthe": {
        ("GET", "/medewerkers/wachtrij/OOV"): DESK,
        ("GET", "/medewerkers/wachtrij/OOV/kaart.geojson"): DESK,
        ("POST", "/medewerkers/wachtrij/TNH/bulk"): DESK,
        ("POST", "/medewerkers/wachtrij/OOV/bulk"): DESK,
        ("POST", "/medewerkers/wachtrij/OOV/filters"): DESK,
        ("GET", "/medewerkers/meldingen/{oov}"): DESK,
        ("POST", "/medewerkers/meldingen/{oov}/contact"): DESK,
        **{("POST", f"/medewerkers/meldingen/{{tnh}}/{action}"): DESK
           for action in ("take", "assign", "reroute", "merge", "plan", "forward", "close", "cancel", "reopen")},
        ("POST", "/medewerkers/meldingen/{oov}/take"): DESK,
        ("POST", "/medewerkers/meldingen/{oov}/close"): DESK,
        ("GET", "/veld/meldingen/{oov}"): {"boa"},  # Team Veiligheid's queue is a field queue
    },
}  # fmt: skip


def matrix_for(profile_code: str) -> list[tuple[str, str, set[str]]]:
    """The matrix with the profile's queue codes in its URLs and its own roles where they differ."""
    queues, differences = PROFILE_QUEUES[profile_code], PROFILE_DIFFERENCES[profile_code]
    rows = []
    for method, template, allowed in MATRIX:
        allowed = differences.get((method, template), allowed)
        for code, own in queues.items():
            template = template.replace(f"/wachtrij/{code}", f"/wachtrij/{own}")
        rows.append((method, template, allowed))
    return rows


# Routes open to everyone (the sign-in steps themselves).
PUBLIC_STAFF_ROUTES = {("GET", "/medewerkers/inloggen"), ("POST", "/medewerkers/inloggen"),
                       ("GET", "/medewerkers/inloggen/code"), ("POST", "/medewerkers/inloggen/code"),
                       # field mode's service worker: a static script (no data) served under /veld/ for its scope
                       ("GET", "/veld/sw.js")}  # fmt: skip
STAFF_PREFIXES = ("/medewerkers", "/veld", "/beheer", "/analyse")
SIGN_OUT_ROUTES = {"/medewerkers/uitloggen", "/medewerkers/account/overal-uitloggen"}
# Fetched by a page's script, not opened by a person: signed out, they answer 401 instead of a sign-in page.
POLLED_ROUTES = {"/veld/lijst"}


def test_every_staff_route_is_in_the_matrix(app):
    covered = {(m, _rule_of(url)) for m, url, _ in MATRIX} | PUBLIC_STAFF_ROUTES
    registered = {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(STAFF_PREFIXES)
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert registered - covered == set()


def _rule_of(url: str) -> str:
    return (
        url.replace("/wachtrij/OOV", "/wachtrij/<code>")
        .replace("/wachtrij/TNH", "/wachtrij/<code>")
        .replace("/wachtrij/VEILIGHEID", "/wachtrij/<code>")
        .replace("{tnh}", "<int:report_id>")
        .replace("{oov}", "<int:report_id>")
        .replace("{photo}", "<int:photo_id>")
        .replace("{user}", "<int:user_id>")
        .replace("{mail}", "<int:message_id>")
        .replace("/export.csv", "/export.<fmt>")
        .replace("{signal}", "<int:signal_id>")
        .replace("{filter}", "<int:filter_id>")
        .replace("{area}", "<int:area_id>")
        .replace("{api_key}", "<int:key_id>")
        .replace("{contact}", "<int:contact_id>")
        .replace("{schouw}", "<int:schouw_id>")
        .replace("{group}", "<int:group_id>")
        .replace("{event}", "<int:event_id>")
        .replace("{zone}", "<int:zone_id>")
    )


@pytest.fixture
def people(staff, make_user):
    """One user per role, the analist too."""
    return {**staff, "analist": make_user("cijfers", "analist", name="Anna Analist")}


@pytest.fixture
def world(app, staff, new_report):
    profile = current_profile()
    if profile.code != "emmen":
        seed_reference_data(profile)  # the profile's own queues (the test database was seeded for Emmen)
        db.session.commit()

    def here(**values):  # in the profile's municipality
        return new_report(position=LatLon(*profile.map_center), **values)

    tnh = submit_report(
        here(
            kind="overlast",
            category_code="vernieling",
            incident_at=utcnow() - timedelta(days=2),
            email="melder@example.org",
            email_consent=True,
        )  # fmt: skip
    )
    oov = submit_report(here(kind="onveilige_plek", category_code="donker"))
    # In the profile's queues for the matrix's TNH and OOV (the routing rules are Emmen's, seeded first).
    for receipt, queue in ((tnh, "TNH"), (oov, "OOV")):
        code = PROFILE_QUEUES[profile.code][queue]
        db.session.get(Report, receipt.report_id).queue = db.session.scalar(sa.select(Queue).where(Queue.code == code))
    db.session.commit()
    token = photo_store().save_pending(CleanPhoto(jpeg_with_gps(), 64, 48))
    report = db.session.get(Report, tnh.report_id)
    from meldpunt.reports.models import ReportPhoto

    key = photo_store().adopt_pending(token, db.session())
    photo = ReportPhoto(report=report, storage_key=key.key, content_type="image/jpeg", width=64, height=48,
                        size_bytes=key.size)  # fmt: skip
    db.session.add(photo)
    db.session.commit()
    from meldpunt.outbox.models import OutboxMessage

    mail = db.session.scalar(sa.select(OutboxMessage.id).where(OutboxMessage.report_id == tnh.report_id))
    for _ in range(3):  # three harassment reports at one spot: an early-warning signal
        submit_report(here(incident_at=utcnow() - timedelta(days=2)))
    db.session.commit()
    from meldpunt.analysis.models import Signal

    signal = db.session.scalar(sa.select(Signal.id))
    from meldpunt.staff.saved_filters import save_filter

    saved = save_filter(staff["tnh"], PROFILE_QUEUES[profile.code]["TNH"], "Open vernielingen",
                        {"category": "vernieling"})  # fmt: skip
    from meldpunt.open311.keys import issue_key

    api_key, _key = issue_key("Wijkapp")
    db.session.commit()
    from meldpunt.geo.models import Area

    area = db.session.scalar(sa.select(Area.id).where(Area.kind == "dorp").limit(1))
    from meldpunt.feedback.area_contacts import AreaContact

    contact = AreaContact(area_id=area, organisation="Dorpsbelang", email="dorpsbelang@example.org")
    db.session.add(contact)
    from meldpunt.reports.schouw import Schouw

    schouw = Schouw(name="Schouw", participants=[], led_by_id=staff["oov"].id)
    db.session.add(schouw)
    from meldpunt.reports.channels import ReportingGroup

    group = ReportingGroup(name="Buurtpreventie")
    db.session.add(group)
    from meldpunt.events.planning import save_event
    from meldpunt.events.risk_zones import save_zone
    from meldpunt.geo.outlines import Outline

    place = Outline(area=db.session.get(Area, area))
    event, _tagged = save_event(
        None,
        name="Koningsdag",
        starts_at=utcnow() - timedelta(days=3),
        ends_at=utcnow() - timedelta(days=1),
        outline=place,
        actor=staff["oov"],
    )
    zone = save_zone(
        None,
        name="Stationsplein",
        starts_on=utcnow().date(),
        ends_on=utcnow().date(),
        outline=place,
        actor=staff["oov"],
    )
    db.session.commit()
    return {"area": area, "event": event.id, "zone": zone.id, "tnh": tnh.report_id, "oov": oov.report_id,
            "contact": contact.id, "schouw": schouw.id, "group": group.id,
            "photo": photo.id, "user": staff["beheerder"].id,
            "mail": mail, "signal": signal, "filter": saved.id, "api_key": api_key.id}  # fmt: skip


@pytest.mark.parametrize("app_settings", [{"PROFILE": code} for code in PROFILE_QUEUES], ids=list(PROFILE_QUEUES))
@pytest.mark.parametrize("role", ROLES)
def test_role_matrix(app, world, people, login, role):
    client = app.test_client()
    if role != "anonymous":
        login(client, people[role])
    failures = []
    for method, template, allowed in matrix_for(current_profile().code):
        if template in SIGN_OUT_ROUTES:
            continue  # signs the client out: checked on its own below
        url = template.format(**world)
        response = client.open(url, method=method, data={})
        response.close()  # photos are streamed files
        status = response.status_code
        to_login = status == 302 and "/medewerkers/inloggen" in response.headers.get("Location", "")
        if role == "anonymous":
            ok = status == 401 if template in POLLED_ROUTES else to_login
        elif role in allowed:
            ok = status not in (401, 403) and not to_login and status < 500
        else:
            ok = status == 403
        if not ok:
            failures.append(f"{current_profile().code} {role} {method} {url}: {status}")
    assert failures == []


@pytest.mark.parametrize("route", sorted(SIGN_OUT_ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_logout_needs_a_session(app, people, login, role, route):
    client = app.test_client()
    if role != "anonymous":
        login(client, people[role])
    response = client.post(route)
    assert response.status_code == 302
    assert "/medewerkers/inloggen" in response.headers["Location"]
    # Signed out now: staff pages send to the sign-in page again.
    assert "/medewerkers/inloggen" in client.get("/beheer/gebruikers").headers.get("Location", "")


def test_a_boa_never_receives_contact_details(app, world, staff, login):
    """Scan every response a boa session can get."""
    client = app.test_client()
    login(client, staff["boa"])
    pages = ["/veld/", "/veld/?lat=52.7858&lon=6.8975", "/veld/lijst", "/veld/lijst?lat=52.78&lon=6.89",
             f"/veld/meldingen/{world['tnh']}", f"/medewerkers/fotos/{world['photo']}"]  # fmt: skip
    for method, template, _ in MATRIX:
        pages.append((method, template.format(**world)))
    for page in pages:
        method, url = page if isinstance(page, tuple) else ("GET", page)
        if url in SIGN_OUT_ROUTES:
            continue
        response = client.open(url, method=method, data={})
        body = response.get_data()
        response.close()
        assert b"melder@example.org" not in body, url
    # Also after claiming and closing the report.
    client.post(f"/veld/meldingen/{world['tnh']}/claim", data={"version": 1})
    body = client.get(f"/veld/meldingen/{world['tnh']}").get_data()
    assert b"melder@example.org" not in body


def test_an_analist_never_receives_people(app, world, people, login):
    """Scan every response an analist session can get: no contact details, no free text, no photo."""
    client = app.test_client()
    login(client, people["analist"])
    description = b"Een man riep mij na bij het station."  # the reports' description (tests' default)
    for method, template, _ in MATRIX:
        url = template.format(**world)
        if url in SIGN_OUT_ROUTES:
            continue
        response = client.open(url, method=method, data={})
        body, content_type = response.get_data(), response.content_type
        response.close()
        assert b"melder@example.org" not in body, url
        assert description not in body, url
        assert not content_type.startswith("image/"), url


# The staff navigation per role: the links shown directly, then each menu (a <details>) with its links. A menu that
# would hold one link is that link, shown directly.
NAV = {
    "boa": (["/veld/", "/medewerkers/melding-opnemen/", "/medewerkers/schouw/"], {}),
    "tnh": (["/medewerkers/", "/medewerkers/melding-opnemen/", "/medewerkers/schouw/"],
            {"Beheer": ["/medewerkers/vaste-boas", "/medewerkers/risicogebieden"]}),
    "oov": (["/medewerkers/", "/medewerkers/melding-opnemen/", "/medewerkers/schouw/"],
            {"Analyse en cijfers": ["/analyse/", "/medewerkers/tevredenheid"],
             "Beheer": ["/medewerkers/evenementen", "/medewerkers/risicogebieden", "/medewerkers/gebiedscontacten/"]}),
    "beheerder": ([], {"Beheer": ["/medewerkers/evenementen", "/beheer/gebruikers", "/beheer/audit", "/beheer/mail",
                                  "/beheer/api-sleutels"]}),
    "analist": (["/analyse/"], {}),
}  # fmt: skip


class _Nav(HTMLParser):
    """The staff navigation's links: directly, or under the summary of the menu they are in."""

    def __init__(self):
        super().__init__()
        self.in_nav = self.in_summary = False
        self.menu = None
        self.direct, self.menus = [], {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "nav" and "staff-nav" in (attrs.get("class") or ""):
            self.in_nav = True
        elif self.in_nav and tag == "summary":
            self.in_summary = True
        elif self.in_nav and tag == "a":
            (self.menus[self.menu] if self.menu else self.direct).append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "nav":
            self.in_nav = False
        elif tag == "summary":
            self.in_summary = False
        elif tag == "details":
            self.menu = None

    def handle_data(self, data):
        if self.in_summary and data.strip():
            self.menu = data.strip()
            self.menus[self.menu] = []


@pytest.mark.parametrize("role", sorted(NAV))
def test_the_navigation_groups_each_roles_own_links(app, people, login, role):
    client = app.test_client()
    login(client, people[role])
    nav = _Nav()
    nav.feed(client.get("/medewerkers/account/tweestaps").get_data(as_text=True))
    direct, menus = NAV[role]
    assert nav.direct == [*direct, "/medewerkers/account/tweestaps"]  # then the sign-out button
    assert nav.menus == menus
    # Every link is a page this role may open (the matrix above).
    shown = set(nav.direct) | {href for links in nav.menus.values() for href in links}
    allowed = {url for method, url, roles in MATRIX if method == "GET" and role in roles}
    assert shown <= allowed
