"""The simulated people of the load test (run by tests/benchmarks/load_run.py; see README "Load test").

- Phone: a resident on a phone walks the real flow (start -> kind -> category -> form -> review with a photo -> send
  -> receipt -> tracking page) and records the receipt's reference. Every report comes from a new resident with
  their own address (X-Forwarded-For, trusted for one hop), so the per-address limits stay as in production. One
  send in five is a double tap: the same form sent twice at once, which must give one report and one reference.
- Boa: signed in, polls the field list with X-Position every REFRESH seconds, as static/js/field.js does.
- Coordinator: signed in, pages through their queue with a filter now and then.

Every send (before it goes) and every receipt go to the file named by LOAD_RECEIPTS (JSON lines), which the runner
checks against the database afterwards."""

import io
import itertools
import json
import os
import random
import re
from html import unescape
from html.parser import HTMLParser

import gevent
from locust import HttpUser, between, constant, task
from PIL import Image

EMMEN = (52.7858, 6.8975)
STAFF_PASSWORD = os.environ.get("LOAD_STAFF_PASSWORD", "samen-alert-demo")
RECEIPTS = os.environ.get("LOAD_RECEIPTS", "load-receipts.jsonl")
DOUBLE_TAP_SHARE = 0.2
FIELD_REFRESH_SECONDS = 10  # meldpunt/web/field.py REFRESH_SECONDS
KINDS = ("straatintimidatie", "overlast", "onveilige_plek")
DESCRIPTIONS = (
    "Twee mannen riepen mij na bij de bushalte en liepen een stuk achter mij aan.",
    "Een groep jongeren zit elke avond op het bankje en gooit flessen kapot.",
    "De lantaarnpaal in het fietspad is al weken kapot; het is daar 's avonds aardedonker.",
)
_addresses = itertools.count(1)
_receipts = open(RECEIPTS, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 (open for the whole run)


def new_address() -> str:
    """A resident's own address (10.0.0.0/8), different for every report of the run in this process."""
    n = next(_addresses) + os.getpid() % 64 * 2**18
    return f"10.{n >> 16 & 255}.{n >> 8 & 255}.{n & 255}"


def small_jpeg() -> bytes:
    """A phone photo, shrunk: a few KB, a different picture every time."""
    image = Image.new("RGB", (320, 240), tuple(random.randrange(256) for _ in range(3)))
    corner = (random.randrange(200), random.randrange(120))
    image.paste(tuple(random.randrange(256) for _ in range(3)), (*corner, 300, 220))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


# The queue page's link to the next page (templates/staff/_pager.html).
NEXT_PAGE = re.compile(r'<a href="(\?[^"]*)" rel="next">')


class _Inputs(HTMLParser):
    """The values a browser would send for a form's inputs (hidden ones, and checked radios/checkboxes)."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag != "input" or not a.get("name"):
            return
        if a.get("type") == "hidden" or (a.get("type") in ("radio", "checkbox") and "checked" in a):
            self.values.append((a["name"], a.get("value") or ""))


def hidden_inputs(page: str) -> dict[str, str]:
    parser = _Inputs()
    parser.feed(page)
    return dict(parser.values)


def near_emmen() -> tuple[float, float]:
    return EMMEN[0] + random.uniform(-0.01, 0.01), EMMEN[1] + random.uniform(-0.015, 0.015)


class Phone(HttpUser):
    fixed_count = 50
    wait_time = between(1, 3)

    @task
    def report(self):
        self.client.cookies.clear()
        self.client.headers["X-Forwarded-For"] = new_address()
        start = self.client.get("/", name="1 start")
        kinds = [k for k in KINDS if f"/melden/{k}" in start.text]
        if not kinds:
            return
        kind = random.choice(kinds)
        categories_page = self.client.get(f"/melden/{kind}", name="2 kind")
        codes = re.findall(rf'href="/melden/{kind}/([a-z_]+)"', categories_page.text)
        if not codes:
            return
        url = f"/melden/{kind}/{random.choice(codes)}"
        form_page = self.client.get(url, name="3 form")
        fields = hidden_inputs(form_page.text)
        if "submission_key" not in fields:
            return
        lat, lon = near_emmen()
        fields.update(lat=f"{lat:.6f}", lon=f"{lon:.6f}", location_method="map", location_precision="exact",
                      when="nu", description=random.choice(DESCRIPTIONS), action="review")  # fmt: skip
        photo = {"photo": ("IMG_0001.jpg", small_jpeg(), "image/jpeg")}
        with self.client.post(url, data=fields, files=photo, name="4 review (photo)", catch_response=True) as review:
            if review.status_code != 200 or "review-form" not in review.text:
                review.failure(f"no review page ({review.status_code})")
                return
            if 'name="photo_token" value=""' in review.text or 'name="photo_token"' not in review.text:
                review.failure("photo not kept")
                return
        send_fields = hidden_inputs(review.text)
        send_fields["action"] = "send"
        key = send_fields["submission_key"]
        taps = 2 if random.random() < DOUBLE_TAP_SHARE else 1
        _record(key, None, taps)  # before sending: the run may end while the send is on its way
        sends = [gevent.spawn(self._send, url, send_fields) for _ in range(taps)]
        gevent.joinall(sends)
        if not all(s.value for s in sends):
            return
        with self.client.get("/melding/ontvangen", name="6 receipt", catch_response=True) as receipt:
            found = re.search(r'id="reference">([^<]+)<', receipt.text)
            if not found:
                receipt.failure("no reference on the receipt")
                return
        tracking = re.search(r'id="tracking-link">([^<]+)<', receipt.text)
        _record(key, found.group(1).strip(), taps)
        if tracking:
            path = re.sub(r"^https?://[^/]+", "", unescape(tracking.group(1)))
            self.client.get(path, name="7 tracking page")

    def _send(self, url, fields) -> bool:
        with self.client.post(url, data=fields, files={"photo": ("", b"", "application/octet-stream")},
                              allow_redirects=False, name="5 send", catch_response=True) as sent:  # fmt: skip
            if sent.status_code != 303:
                sent.failure(f"not stored ({sent.status_code})")
                return False
            return True


def _record(key: str, reference: str | None, taps: int) -> None:
    _receipts.write(json.dumps({"key": key, "reference": reference, "taps": taps}) + "\n")


class _StaffUser(HttpUser):
    abstract = True
    username = ""

    def on_start(self):
        self.client.headers["X-Forwarded-For"] = new_address()
        page = self.client.get("/medewerkers/inloggen", name="sign-in page (staff)")
        token = hidden_inputs(page.text).get("csrf_token", "")
        with self.client.post("/medewerkers/inloggen", data={"csrf_token": token, "username": self.username,
                              "password": STAFF_PASSWORD}, allow_redirects=False, name="sign in (staff)",
                              catch_response=True) as signed_in:  # fmt: skip
            if signed_in.status_code not in (302, 303):
                signed_in.failure(f"sign-in refused ({signed_in.status_code})")


class Boa(_StaffUser):
    fixed_count = 10
    username = "demo-boa"
    wait_time = constant(FIELD_REFRESH_SECONDS)

    def on_start(self):
        super().on_start()
        self.client.get("/veld/", name="field page (boa)")

    @task
    def poll_field_list(self):
        lat, lon = near_emmen()
        headers = {"X-Position": f"{lat:.6f},{lon:.6f}", "Accept": "text/html"}  # as static/js/field.js sends
        with self.client.get("/veld/lijst", headers=headers, name="field list (boa)", catch_response=True) as listed:
            if listed.status_code != 200:
                listed.failure(f"field list {listed.status_code}")


class Coordinator(_StaffUser):
    fixed_count = 5
    wait_time = between(2, 6)
    next_query = None  # the link to the page after the one shown last

    def on_start(self):
        # Three TNH coordinators and two OOV staff, each on their own queue.
        self.username, self.queue = random.choice((("demo-tnh", "TNH"), ("demo-tnh", "TNH"), ("demo-oov", "OOV")))
        super().on_start()

    @task
    def page_queue(self):
        # A desk opens its queue (sometimes one state of it) and follows the page's own "next" link a few times:
        # the links carry the last row's place (keyset pagination), not a page number.
        query = self.next_query if self.next_query and random.random() < 0.8 else None
        if query is None:
            query = "?state=" + random.choice(("nieuw", "in_behandeling")) if random.random() < 0.3 else ""
        with self.client.get(f"/medewerkers/wachtrij/{self.queue}{query}", name="queue page (coordinator)",
                             catch_response=True) as page:  # fmt: skip
            if page.status_code != 200:
                page.failure(f"queue page {page.status_code}")
                return
            following = NEXT_PAGE.search(page.text)
            self.next_query = unescape(following.group(1)) if following else None
