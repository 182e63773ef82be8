"""Giant bodies (issue 12), in a real Chromium: with JavaScript on, a photo too large for the server is refused in the
browser before anything is sent, and what the person typed stays on the form."""

import pytest
from playwright.sync_api import expect

from tests.e2e.test_report_flow import (
    NAROEPEN,
    STRAATINTIMIDATIE,
    WHAT_HAPPENED,
    assert_private_and_csp_clean,
    check_and_send,
    open_form,
    stored_reports,
    use_my_location,
)

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]


def test_a_photo_too_large_is_refused_before_sending_and_the_text_stays(live_server, phone, tmp_path):
    app, base_url = live_server
    big = tmp_path / "IMG_9000.jpg"
    big.write_bytes(b"\xff\xd8\xff\xe0" + b"\0" * (app.config["PHOTO_MAX_BYTES"] + 1024))
    uploads = []
    phone.on("request", lambda req: req.method == "POST" and uploads.append(len(req.post_data_buffer or b"")))
    open_form(phone, base_url, STRAATINTIMIDATIE, NAROEPEN)
    use_my_location(phone)
    description = "Iemand fietste achter mij aan en bleef roepen."
    phone.get_by_label(WHAT_HAPPENED).fill(description)

    phone.set_input_files("#photo", big)

    expect(phone.locator("#photo-size-warning")).to_be_visible()
    expect(phone.locator("#photo-size-warning")).to_contain_text("te groot")
    assert phone.locator("#photo").evaluate("input => input.files.length") == 0
    expect(phone.get_by_label(WHAT_HAPPENED)).to_have_value(description)
    reference = check_and_send(phone, description)
    [report] = stored_reports(app)
    assert report["reference"] == reference and report["photos"] == 0
    assert uploads and max(uploads) < 1024 * 1024  # the large file never left the phone
    assert_private_and_csp_clean(phone)
