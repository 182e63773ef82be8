"""Hypothesis strategies and checks shared by the fuzz tests (test_fuzz_*.py): what a careless browser, a bot or an
attacker may send, and the two things that must always hold: no server error, nothing sent comes back as markup."""

import os

from hypothesis import HealthCheck, assume, settings
from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
PAYLOADS = (SCRIPT, IMG, "</script><script>alert(1)</script>", "javascript:alert(1)", "{{7*7}}", "%(x)s", "=1+1")

# Each fuzz test: examples enough to find the edge cases below, few enough that make test stays quick
# (the tests run on both backends); MELDPUNT_FUZZ_EXAMPLES=1000 for a deep run. The example database is off:
# every failure found is kept as an explicit @example or a plain test.
FUZZ = settings(
    max_examples=int(os.environ.get("MELDPUNT_FUZZ_EXAMPLES", 40)),
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)

_characters = st.characters(blacklist_categories=("Cs",))  # lone surrogates cannot travel in UTF-8 forms
huge_text = st.builds(lambda char, n: char * n, _characters, st.integers(min_value=1_000, max_value=60_000))
any_text = st.one_of(
    st.text(_characters, max_size=40),
    st.sampled_from(PAYLOADS),
    st.text(st.characters(max_codepoint=0x9F), max_size=20),  # ASCII and control characters
    huge_text,
)
numbers = st.one_of(
    st.floats().map(repr),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(["", "nan", "inf", "-inf", "1e309", "52,78", " 52.78 ", "0x1A", "٥٢"]),
    st.floats(min_value=52.70, max_value=52.85).map(str),
)
lats = st.one_of(numbers, st.floats(min_value=52.76, max_value=52.80).map(str))
lons = st.one_of(numbers, st.floats(min_value=6.86, max_value=6.93).map(str))
dates = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["0001-01-01", "9999-12-31", "2026-02-30", "31-12-2026", "", "2026-1-1"]),
    st.text(max_size=12),
)
times = st.one_of(
    st.times().map(lambda t: t.strftime("%H:%M")),
    st.sampled_from(["24:00", "23:59", "00:00", "9:5", "", "12:00:00"]),
    st.text(max_size=8),
)
query_ints = st.one_of(st.integers(min_value=-(10**20), max_value=10**20).map(str), numbers, any_text)


def under_test_client_limit(data: dict) -> None:
    """Werkzeug's test client leaks a temporary file for bodies over 500 KB (a ResourceWarning, an error here), so
    the fuzz tests stay below; bodies over the app's limit are tested on their own (test_giant_bodies.py)."""
    size = sum(len(str(value).encode()) for value in data.values() if not isinstance(value, tuple))
    assume(size < 400_000)


def assert_no_markup_from(body: str) -> None:
    """A payload sent in any field never comes back as live markup."""
    for payload in (SCRIPT, "<img src=x onerror", "</script><script>"):
        assert payload not in body, f"unescaped {payload!r} in the response"
