"""The disk of the photos is full (issue 12, faults). The reporter is told so, loses nothing typed, and is asked
whether to send the report without the photo; it is stored without the photo only when they agree.

Each test runs twice. "tmpfs": UPLOAD_FOLDER and DRAFT_FOLDER on a real, full 64 KB tmpfs, as in production where
both live in the instance folder on one disk (mounting needs root; skipped otherwise). "write_fails": the one fake
the project allows for this fault: the photo's write (Path.write_bytes in PhotoStore.save_pending) raises
OSError(ENOSPC) for files under the upload folder, so that it runs everywhere."""

import errno
import os
import subprocess
from pathlib import Path

import pytest

from meldpunt.reports.photos import CleanPhoto, PhotoNotStored, PhotoStore
from tests.fixtures.reports import form_fields, jpeg_with_gps
from tests.web.test_report_form import Reporter, reports, text

DESCRIPTION = "Iemand heeft de lantaarnpaal bij de speeltuin vernield."
NOT_STORED = "We kunnen op dit moment geen foto's aannemen."
AGREE = "without_photo"


def _fill(folder: Path) -> None:
    descriptor = os.open(folder / "vol", os.O_WRONLY | os.O_CREAT)
    try:
        while True:
            os.write(descriptor, b"\0" * 4096)
    except OSError as error:
        assert error.errno == errno.ENOSPC
    finally:
        os.close(descriptor)


@pytest.fixture(params=["tmpfs", "write_fails"])
def full_disk(request, tmp_path, monkeypatch):
    folder = tmp_path / "disk"
    folder.mkdir()
    if request.param == "tmpfs":
        if os.geteuid() != 0:
            pytest.skip("mounting a tmpfs needs root")
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
                                 capture_output=True)  # fmt: skip
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
        try:
            _fill(folder)
            yield folder
        finally:
            subprocess.run(["umount", "-l", str(folder)], check=True)
        return
    real_write = Path.write_bytes

    def write_on_full_disk(path, data):
        if folder in path.parents:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))
        return real_write(path, data)

    monkeypatch.setattr(Path, "write_bytes", write_on_full_disk)
    yield folder


@pytest.fixture
def app_settings(full_disk):
    return {"UPLOAD_FOLDER": str(full_disk / "uploads"), "DRAFT_FOLDER": str(full_disk / "drafts")}


def _photos_on(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file() and path.name != "vol"]


def test_a_full_disk_refuses_the_photo_and_leaves_nothing_half_written(full_disk):
    store = PhotoStore(full_disk / "uploads", "secret", pending_max_bytes=10**9)
    with pytest.raises(PhotoNotStored):
        store.save_pending(CleanPhoto(b"\xff\xd8" + b"x" * 200_000, 1, 1))
    assert _photos_on(full_disk) == []


def test_the_report_goes_without_its_photo_only_when_the_reporter_agrees(app, client, full_disk):
    reporter = Reporter(client, "overlast", "vernieling")
    answers = {"when": "nu", "description": DESCRIPTION, "frequency": "wekelijks"}

    refused = reporter.post(photo=("lantaarn.jpg", jpeg_with_gps()), **answers)
    page = text(refused)
    assert refused.status_code == 422
    assert NOT_STORED in page and DESCRIPTION in page and 'value="wekelijks"' in page  # told, nothing typed lost
    assert f'name="{AGREE}"' in page and "Mijn melding zonder de foto versturen" in page  # and asked
    kept = form_fields(page)
    assert kept["photo_not_stored"] == "1" and kept["photo_token"] == ""

    # Not agreed: neither checking nor sending goes on, with or without the photo chosen again.
    again = reporter.post(photo=("lantaarn.jpg", jpeg_with_gps()), photo_not_stored="1", **answers)
    assert again.status_code == 422 and NOT_STORED in text(again)
    for action in ("review", "send"):
        response = reporter.post(action=action, photo_not_stored="1", **answers)
        assert response.status_code == 422 and NOT_STORED in text(response)
    assert reports() == []

    # Agreed: the review says "no photo", and the report is stored without one.
    review = reporter.post(photo=("lantaarn.jpg", jpeg_with_gps()), photo_not_stored="1", **{AGREE: "y"}, **answers)
    assert review.status_code == 200
    review_page = text(review)
    assert "Controleer uw melding" in review_page and "Geen foto" in review_page and DESCRIPTION in review_page
    sent = client.post(reporter.url, data={**form_fields(review.get_data(as_text=True)), "action": "send"},
                       content_type="multipart/form-data")  # fmt: skip
    assert sent.status_code == 303
    [report] = reports()
    assert report.description == DESCRIPTION and report.photos == []
    assert _photos_on(full_disk) == []
