"""Issue 11, Must-have 3: the first load of a report form is at most 200 KB compressed (map tiles excluded), for
every kind, on a phone with an empty cache. Chromium's count of the page's requests and the server's count of
everything it sent that browser (the service worker's app shell included) must both stay under the target.
`make benchmark` prints the same figures per request (tests/benchmarks/test_page_weight.py)."""

import pytest

from meldpunt.reports.catalogue import CATEGORIES
from meldpunt.reports.kinds import KINDS
from tests.fixtures.page_weight import TARGET_KB, ServedBytes, first_load

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.only_backends("spatialite"),  # the bytes of a page do not depend on the database
]


@pytest.fixture
def counted_site(live_server):
    app, base_url = live_server
    served = ServedBytes(app.wsgi_app)
    app.wsgi_app = served
    return served, base_url


@pytest.mark.parametrize("kind", list(KINDS))
def test_the_first_load_of_a_report_form_is_at_most_200_kb(counted_site, chromium, kind):
    served, base_url = counted_site
    category = next(c.code for c in CATEGORIES if c.kind == kind)
    served.reset()
    in_chromium, _tiles, lines = first_load(chromium, f"{base_url}/melden/{kind}/{category}")
    assert len(lines) >= 5, lines  # the page, its stylesheet and scripts were counted, not a redirect alone
    assert in_chromium <= TARGET_KB * 1024, f"{in_chromium / 1024:.1f} KB in Chromium:\n" + "\n".join(lines)
    by_server = served.total_without_tiles()
    assert in_chromium <= by_server + 1024  # the server saw at least what the page fetched (headers differ a little)
    assert by_server <= TARGET_KB * 1024, f"{by_server / 1024:.1f} KB sent: {sorted(served.responses)}"
