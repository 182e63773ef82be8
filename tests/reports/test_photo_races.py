"""Photos under load (found by the load test, issue 12): several workers keep, count, move and remove pending photos
at the same moment. None of that may end in a server error for the person adding a photo or sending."""

import threading
import time

from meldpunt.extensions import db
from meldpunt.reports.photos import CleanPhoto, PhotoStore, photo_store

PHOTO = CleanPhoto(b"\xff\xd8" + b"x" * 200, 1, 1)


def test_counting_pending_photos_survives_forms_sent_at_the_same_moment(tmp_path):
    store = PhotoStore(tmp_path, "secret", pending_max_bytes=10**9)
    stop, errors = threading.Event(), []

    def other_forms():
        # What other workers do: keep a photo for a form, then send the form (the photo moves, its folder goes).
        try:
            while not stop.is_set():
                token = store.save_pending(PHOTO)
                PhotoStore._move(store.pending_path(token), tmp_path / "2026" / f"{token}.jpg")
        except Exception as error:  # any error here is the finding
            errors.append(error)

    workers = [threading.Thread(target=other_forms) for _ in range(3)]
    for worker in workers:
        worker.start()
    try:
        deadline = time.monotonic() + 2
        while time.monotonic() < deadline and not errors:
            store.pending_bytes()  # what every new photo checks first (the space for pending photos)
    finally:
        stop.set()
        for worker in workers:
            worker.join()
    assert errors == []


def test_a_photo_taken_by_the_same_form_sent_twice_at_once_is_not_an_error(app):
    # A double tap: both requests found the pending photo; the first stored the report and moved the photo away
    # before the second took it. The second then finds the report by its submission key.
    store = photo_store()
    token = store.save_pending(PHOTO)
    PhotoStore._move(store.pending_path(token), store.root / "2026" / "elders.jpg")
    assert store.adopt_pending(token, db.session()) is None
