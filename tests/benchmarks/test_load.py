"""The load test under `make benchmark` (also `make load` on its own): prints the table of load_run.py and fails when
a receipt's report is lost or doubled, a request failed, or the server logged an error."""

import os

from tests.benchmarks.load_run import run_load


def test_phones_boas_and_coordinators_at_once():
    result = run_load(int(os.environ.get("LOAD_SECONDS", 120)))
    assert result.sound, (result.lost, result.doubled, result.unexplained, result.without_photo)
    assert result.receipts > 0, "no phone got as far as its receipt: a longer run (LOAD_SECONDS), a quieter machine"
    assert result.failures == 0
    assert result.server_errors == 0
