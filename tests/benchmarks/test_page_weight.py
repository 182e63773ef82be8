"""The weight of a first visit, printed (run with `make benchmark`): the bytes that cross the network when a phone
with an empty cache opens the start page and a report form (HTML, CSS, JS, images, fonts; map tiles excluded),
as Chromium counts them (compressed where the server compressed). The target for the report form is 200 KB."""

import pytest

from tests.fixtures.browser import PHONE

pytestmark = [
    pytest.mark.only_backends("spatialite"),  # the bytes of a page do not depend on the database
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]
TARGET_KB = 200
PAGES = {"start page": "/", "report form": "/melden/overlast/vernieling"}


def _first_load(chromium, url: str) -> tuple[int, int, list[str]]:
    """(bytes on the wire without tiles, bytes of tiles, one line per response)."""
    context = chromium.new_context(viewport=PHONE, is_mobile=True, has_touch=True, locale="nl-NL")
    page = context.new_page()
    responses = []
    page.on("requestfinished", lambda request: responses.append(request))
    page.goto(url, wait_until="networkidle")
    total = tiles = 0
    lines = []
    for request in responses:
        sizes = request.sizes()
        size = sizes["responseBodySize"] + sizes["responseHeadersSize"]
        response = request.response()
        encoding = response.headers.get("content-encoding", "-") if response else "-"
        if "/static/img/tile.png" in request.url:
            tiles += size
            continue
        total += size
        lines.append(f"{size / 1024:8.1f} KB  {encoding:5}  {request.url.split('/', 3)[-1]}")
    context.close()
    return total, tiles, lines


@pytest.mark.parametrize("name", list(PAGES))
def test_first_load_weight(live_server, chromium, name):
    _app, base_url = live_server
    total, tiles, lines = _first_load(chromium, base_url + PAGES[name])
    print(f"\n[benchmark] first load of the {name}: {total / 1024:.1f} KB (target {TARGET_KB} KB; tiles excluded,"
          f" {tiles / 1024:.1f} KB of tiles)")  # fmt: skip
    print("\n".join(lines))
