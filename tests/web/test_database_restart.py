"""PostgreSQL restarted while residents send reports (issue 12, faults). The app reaches the test database through a
TCP forwarder (tests/fixtures/database_proxy.py) that is stopped and started again: every connection is cut and new
ones are refused, as when the server restarts; the shared test server itself keeps running. Whoever was sending
gets a "try again" page (503) that holds everything typed; trying again stores the report once; the first report
after the database is back is stored at the first attempt."""

import io
import re
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url

from tests.fixtures.database_proxy import DatabaseProxy
from tests.fixtures.reports import EMMEN_CENTRE, form_fields, jpeg_with_gps
from tests.web.test_report_form import FORM, text

pytestmark = pytest.mark.only_backends("postgis")

URL = FORM.format(kind="straatintimidatie", category="naroepen")
TRY_AGAIN = "Uw melding is nog niet verstuurd"


@pytest.fixture
def proxy(database_url):
    target = make_url(database_url)
    proxy = DatabaseProxy(target.host or "127.0.0.1", target.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture
def app(make_app, database_url, proxy):
    app = make_app(SQLALCHEMY_DATABASE_URI=proxy.url_for(database_url))
    with app.app_context():
        yield app


def _direct(database_url):
    """A connection that does not pass the proxy: what is really in the database."""
    return psycopg.connect(make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False))


class Phone:
    """A resident sending reports, who presses "Try again" when asked to."""

    def __init__(self, app, name):
        self.client = app.test_client()
        self.name = name
        self.receipts: dict[str, str] = {}  # reference -> description
        self.photos: set[str] = set()  # references of reports sent with a photo
        self.try_again_pages = 0
        self.problems: list[str] = []

    def _until_served(self, request, deadline):
        """A page that needs the database (the form, the receipt) is asked again until it is served."""
        while True:
            response = request()
            if response.status_code != 503 or time.monotonic() > deadline:
                return response
            time.sleep(0.1)

    def report(self, number: int, *, with_photo: bool, patience_s: float = 30) -> str | None:
        deadline = time.monotonic() + patience_s
        form = self._until_served(lambda: self.client.get(URL), deadline)
        if form.status_code != 200:
            self.problems.append(f"form page: {form.status_code}")
            return None
        description = f"{self.name}, melding {number}: een man riep mij na bij het station."
        data = {**form_fields(form.get_data(as_text=True)), "lat": str(EMMEN_CENTRE[0]), "lon": str(EMMEN_CENTRE[1]),
                "location_method": "map", "when": "nu", "description": description, "people_involved": "een",
                "action": "send"}  # fmt: skip
        if with_photo:
            data["photo"] = (io.BytesIO(jpeg_with_gps()), "straat.jpg")
        while True:
            sent = self.client.post(URL, data=data, content_type="multipart/form-data")
            if sent.status_code == 303:
                break
            page = text(sent)
            if sent.status_code != 503 or TRY_AGAIN not in page:
                self.problems.append(f"send: {sent.status_code} {page[:200]!r}")
                return None
            self.try_again_pages += 1
            if description not in page or sent.headers.get("Retry-After") is None:
                self.problems.append("the try-again page lost the description or the Retry-After")
            if time.monotonic() > deadline:
                self.problems.append("still no receipt when the person gave up")
                return None
            time.sleep(0.1)
            # "Try again": exactly what the page holds (the photo is kept by its token, not sent again).
            data = {**form_fields(sent.get_data(as_text=True)), "action": "send"}
            if with_photo and not data.get("photo_token"):
                self.problems.append("the try-again page lost the photo")
        receipt = self._until_served(lambda: self.client.get("/melding/ontvangen"), deadline)
        reference = re.search(r'id="reference">([^<]+)<', text(receipt))
        if receipt.status_code != 200 or reference is None:
            self.problems.append(f"receipt page: {receipt.status_code}")
            return None
        self.receipts[reference.group(1)] = description
        if with_photo:
            self.photos.add(reference.group(1))
        return reference.group(1)


def _stored(database_url) -> dict[str, dict]:
    with _direct(database_url) as conn:
        rows = conn.execute(
            """SELECT r.reference, r.description,
                      (SELECT count(*) FROM state_change s WHERE s.report_id = r.id AND s.event = 'created'),
                      (SELECT array_agg(p.storage_key) FROM report_photo p WHERE p.report_id = r.id),
                      (SELECT count(*) FROM outbox_message o WHERE o.report_id = r.id)
               FROM report r"""
        ).fetchall()
    stored = {}
    for reference, description, created, photo_keys, mails in rows:
        assert reference not in stored, f"{reference} stored twice"
        stored[reference] = {"description": description, "created": created, "photos": photo_keys or [],
                             "mails": mails}  # fmt: skip
    return stored


def _check_every_receipt_stored_once(app, database_url, phones):
    receipts = {ref: desc for phone in phones for ref, desc in phone.receipts.items()}
    with_photo = set().union(*(phone.photos for phone in phones))
    stored = _stored(database_url)
    # Every receipt's report is there, and nothing else: no report stored twice, none half.
    assert set(stored) == set(receipts)
    assert sorted(r["description"] for r in stored.values()) == sorted(receipts.values())
    uploads = app.config["UPLOAD_FOLDER"]
    for reference, row in stored.items():
        assert row["created"] == 1, f"{reference} has no history"
        if reference in with_photo:
            [key] = row["photos"]
            assert (Path(uploads) / key).is_file(), f"{reference}'s photo file is missing"
        else:
            assert row["photos"] == []


def _served_alone(phone: Phone, *args, **kwargs):
    """One report, sent from a thread of its own: each request then has its own app context and database session,
    as under gunicorn (the test's own thread keeps one app context, and with it a connection, across requests)."""
    result = []
    thread = threading.Thread(target=lambda: result.append(phone.report(*args, **kwargs)))
    thread.start()
    thread.join()
    return result[0]


def _wait_until(condition, timeout_s=60):
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)


def test_a_restart_during_submissions_loses_nothing_and_stores_nothing_twice(app, database_url, proxy):
    phones = [Phone(app, f"telefoon {n}") for n in range(6)]
    sending = threading.Event()
    sending.set()

    def keep_sending(phone: Phone, n: int):
        number = 0
        while sending.is_set() and not phone.problems:
            phone.report(number, with_photo=(number + n) % 2 == 0)
            number += 1

    threads = [threading.Thread(target=keep_sending, args=(phone, n)) for n, phone in enumerate(phones)]
    for thread in threads:
        thread.start()
    try:
        _wait_until(lambda: sum(len(phone.receipts) for phone in phones) >= len(phones))
        before = sum(len(phone.receipts) for phone in phones)
        # The server goes away while a report is being stored: every open connection is cut, in the middle of
        # whatever it did, and new ones are refused.
        proxy.go_away_on(b"INSERT INTO report ")
        assert proxy.gone.wait(10)
        time.sleep(1.5)
        proxy.start()  # and comes back
        _wait_until(lambda: sum(len(phone.receipts) for phone in phones) >= before + len(phones))
    finally:
        sending.clear()
        for thread in threads:
            thread.join(timeout=60)

    assert [p for phone in phones for p in phone.problems] == []
    after = sum(len(phone.receipts) for phone in phones)
    # The run proves something only when reports were sent before the outage, during it and after it.
    assert before > 0 and after > before
    assert sum(phone.try_again_pages for phone in phones) > 0
    _check_every_receipt_stored_once(app, database_url, phones)


def test_a_report_whose_commit_reply_was_lost_is_stored_once_with_its_photo(app, database_url, proxy):
    # The hardest moment: the server committed the report, then the connection dropped before the app heard so.
    # The person sees "try again"; trying again finds the stored report by its submission key.
    phone = Phone(app, "telefoon")
    proxy.lose_next_commit_reply()
    reference = _served_alone(phone, 1, with_photo=True)
    assert phone.problems == []
    assert proxy.commit_replies_lost == 1 and phone.try_again_pages == 1
    assert reference is not None
    _check_every_receipt_stored_once(app, database_url, [phone])


def test_the_first_report_after_a_restart_is_stored_at_the_first_attempt(app, database_url, proxy):
    phone = Phone(app, "telefoon")
    assert _served_alone(phone, 1, with_photo=False) is not None  # the pool now holds a connection
    proxy.stop()
    proxy.start()  # restarted while nobody was sending: the pooled connection is dead
    assert _served_alone(phone, 2, with_photo=True, patience_s=0) is not None
    assert phone.problems == [] and phone.try_again_pages == 0
    _check_every_receipt_stored_once(app, database_url, [phone])


def test_the_try_again_page_is_translated(app, proxy):
    phone = Phone(app, "phone")
    form = phone.client.get(URL + "?lang=en")
    data = {**form_fields(form.get_data(as_text=True)), "description": "Someone followed me.", "action": "send",
            "lat": str(EMMEN_CENTRE[0]), "lon": str(EMMEN_CENTRE[1]), "when": "nu"}  # fmt: skip
    proxy.stop()
    sent = phone.client.post(URL, data=data, content_type="multipart/form-data")
    proxy.start()
    page = text(sent)
    assert sent.status_code == 503
    assert "Your report has not been sent yet" in page and "Someone followed me." in page
    assert 'value="send"' in page and "Try again" in page


def test_while_the_database_is_away_pages_and_the_api_say_try_again(app, proxy):
    client = app.test_client()
    proxy.stop()
    try:
        page = client.get("/melden/straatintimidatie?lang=en")
        api = client.get("/open311/v2/services.json")
    finally:
        proxy.start()
    assert page.status_code == 503 and page.headers["Retry-After"] == "30"
    assert "Try again in a minute" in text(page)
    assert api.status_code == 503 and api.headers["Retry-After"] == "30"
    assert api.get_json()[0]["code"] == 503
