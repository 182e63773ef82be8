"""The weight of a first visit, printed (run with `make benchmark`): the bytes that cross the network when a phone
with an empty cache opens the start page and a report form (HTML, CSS, JS, images, fonts; map tiles excluded),
as Chromium counts them (compressed where the server compressed). The target for the report form, 200 KB, is
asserted in tests/e2e/test_page_weight.py."""

import pytest

from tests.fixtures.page_weight import TARGET_KB, first_load

pytestmark = [
    pytest.mark.only_backends("spatialite"),  # the bytes of a page do not depend on the database
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]
PAGES = {"start page": "/", "report form": "/melden/overlast/vernieling"}


@pytest.mark.parametrize("name", list(PAGES))
def test_first_load_weight(live_server, chromium, name):
    _app, base_url = live_server
    total, tiles, lines = first_load(chromium, base_url + PAGES[name])
    print(f"\n[benchmark] first load of the {name}: {total / 1024:.1f} KB (target {TARGET_KB} KB; tiles excluded,"
          f" {tiles / 1024:.1f} KB of tiles)")  # fmt: skip
    print("\n".join(lines))
