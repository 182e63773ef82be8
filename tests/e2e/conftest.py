"""The e2e tests' live server serves a real browser, which drops requests mid-response (a tile it no longer needs, a
page it leaves for the next one). Werkzeug's threaded test server then leaves a static file or a database connection to
the garbage collector, and the warning lands on whichever test is running when the collector runs. That is the test
server's leak, not the app's (gunicorn closes both, and the app's own tests keep every warning an error), so only the
browser tests let these two pass."""

import pytest

E2E = "/tests/e2e/"


def pytest_collection_modifyitems(items):
    for item in items:
        if E2E in str(item.path):
            item.add_marker(pytest.mark.filterwarnings("ignore::ResourceWarning"))
            item.add_marker(pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"))
