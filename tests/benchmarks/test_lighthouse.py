"""Lighthouse scores, printed (run with `make benchmark`): the start page, a report form and a tracking page of the
app with demo data, in Lighthouse's mobile mode (a mid-range phone on a slow 4G connection, simulated), in
Debian's Chromium. Targets: performance >= 95, accessibility 100, best practices 100, SEO >= 95.

Lighthouse comes from the npm registry, pinned (`npx lighthouse@12.2.3`; later versions need Node 22). Below each
page's scores the audits that cost points are listed, so a low figure says where to look."""

import json
import os
import shutil
import subprocess

import pytest

from meldpunt.extensions import db
from meldpunt.profiles import PROFILES
from meldpunt.reports.demo import make_demo_reports
from tests.e2e.test_field_flow import _file
from tests.fixtures.browser import CHROMIUM, CHROMIUM_ARGS

pytestmark = [
    pytest.mark.only_backends("spatialite"),  # what Lighthouse measures is the browser's side
    pytest.mark.filterwarnings(r"ignore:unclosed file <_io\.\w+ name='[^']*/static/:ResourceWarning"),
]
LIGHTHOUSE = "lighthouse@12.2.3"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100, "seo": 95}


def lighthouse(url: str) -> dict:
    """One Lighthouse run in mobile mode (its default); the JSON report."""
    npx = shutil.which("npx")
    assert npx, "Lighthouse needs Node.js and npm (apt-get install npm)"
    flags = " ".join(a for a in CHROMIUM_ARGS if a != "--headless") + " --headless=new"
    result = subprocess.run(
        [npx, "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", "--output-path=stdout",
         f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={flags}"],
        env={**os.environ, "CHROME_PATH": CHROMIUM},
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def summary(report: dict) -> list[str]:
    lines = []
    for code in CATEGORIES:
        category = report["categories"][code]
        score = round((category["score"] or 0) * 100)
        mark = "ok" if score >= TARGETS[code] else f"below the target of {TARGETS[code]}"
        lines.append(f"    {category['title']:16} {score:3}  ({mark})")
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                shown = audit.get("displayValue", "")
                lines.append(f"        - {audit['title']} {shown}".rstrip())
    return lines


@pytest.fixture
def demo_site(live_server):
    """The live app with demo reports, and one report's tracking link."""
    app, base_url = live_server
    with app.app_context():
        make_demo_reports(PROFILES["emmen"], 60, seed=11)
        db.session.commit()
        db.session.remove()
    receipt = _file(app, 52.7843, 6.8955, "Bushokje ingetrapt bij de bibliotheek")
    return base_url, f"{base_url}/volg/{receipt.tracking_token}"


def test_lighthouse_scores(demo_site):
    base_url, tracking = demo_site
    pages = {"start page": base_url + "/", "report form": base_url + "/melden/overlast/vernieling",
             "tracking page": tracking}  # fmt: skip
    for name, url in pages.items():
        report = lighthouse(url)
        print(f"\n[benchmark] Lighthouse {report['lighthouseVersion']}, mobile: {name}")
        print("\n".join(summary(report)))
