"""deploy/ starts what it says: the web unit's gunicorn serves the site in production mode (PostGIS, Redis), the
access log holds no tracking token, the worker keeps running and the sweep completes. The units' own ExecStart
lines are run, with the install path replaced by this checkout."""

import configparser
import os
import shlex
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
UNITS = ROOT / "deploy" / "systemd"
VENV_BIN = Path(sys.executable).parent

pytestmark = pytest.mark.only_backends("postgis")


def _exec_start(unit: str) -> list[str]:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(UNITS / unit)
    command = shlex.split(parser["Service"]["ExecStart"])
    # /opt/samen-alert/.venv/bin/<tool> is this checkout's interpreter's directory.
    return [str(VENV_BIN / Path(command[0]).name), *command[1:]]


def _environment(database_url: str, tmp_path: Path, port: int) -> dict[str, str]:
    env = dict(os.environ)
    for line in (ROOT / "deploy" / "env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, value = line.split("=", 1)
            env[key] = value
    env |= {
        "DATABASE_URL": database_url,
        "MELDPUNT_SECRET_KEY": "0123456789abcdef0123456789abcdef0123456789abcdef",
        "MELDPUNT_UPLOAD_FOLDER": str(tmp_path / "uploads"),
        "MELDPUNT_BIND": f"127.0.0.1:{port}",
        "MELDPUNT_WORKERS": "2",
        "MELDPUNT_MAIL_SERVER": "127.0.0.1",
        "MELDPUNT_MAIL_PORT": "1",
        "MELDPUNT_MAIL_USE_TLS": "false",
    }
    env.pop("FLASK_DEBUG", None)
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str):
    try:
        with urllib.request.urlopen(url, timeout=20) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as refused:
        return refused.code, dict(refused.headers), refused.read()


def test_the_web_unit_serves_the_site_in_production_mode(database_url, tmp_path):
    port = _free_port()
    log = tmp_path / "gunicorn.log"
    with open(log, "wb") as out:
        server = subprocess.Popen(
            _exec_start("samen-alert-web.service"), cwd=ROOT, env=_environment(database_url, tmp_path, port),
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            for _ in range(150):
                try:
                    status, _, body = _get(f"http://127.0.0.1:{port}/healthz")
                    break
                except (ConnectionError, TimeoutError, urllib.error.URLError):
                    assert server.poll() is None, log.read_text()
                    time.sleep(0.2)
            assert status == 200 and b'"database":"ok"' in body.replace(b" ", b"")
            status, headers, page = _get(f"http://127.0.0.1:{port}/")
            assert status == 200 and "Content-Security-Policy" in headers
            token = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
            assert _get(f"http://127.0.0.1:{port}/volg/{token}")[0] == 404
            key = "sa_secretpartnerkey0123456789"
            assert _get(f"http://127.0.0.1:{port}/open311/v2/requests.json?api_key={key}")[0] == 403
        finally:
            server.terminate()
            server.wait(timeout=30)
    output = log.read_text()
    assert "GET /healthz" in output  # the access log is on
    assert "GET /volg/[token]" in output and token not in output
    assert "api_key=[token]" in output and key not in output


def test_a_unit_refuses_to_start_with_an_unsafe_setting(database_url, tmp_path):
    env = _environment(database_url, tmp_path, _free_port()) | {"MELDPUNT_RATELIMIT_STORAGE_URI": "memory://"}
    command = _exec_start("samen-alert-privacy-sweep.service")
    refused = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert refused.returncode != 0
    assert "MELDPUNT_RATELIMIT_STORAGE_URI=redis://" in refused.stderr


def test_the_sweep_completes_and_the_worker_keeps_running(database_url, tmp_path):
    env = _environment(database_url, tmp_path, _free_port())
    sweep = subprocess.run(
        _exec_start("samen-alert-privacy-sweep.service"), cwd=ROOT, env=env, capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert sweep.returncode == 0, sweep.stderr
    worker = subprocess.Popen(
        _exec_start("samen-alert-outbox.service"), cwd=ROOT, env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        time.sleep(4)
        assert worker.poll() is None, worker.communicate()[0]
    finally:
        worker.terminate()
        worker.communicate(timeout=30)


def test_the_timer_runs_the_sweep_nightly():
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(UNITS / "samen-alert-privacy-sweep.timer")
    assert parser["Timer"]["OnCalendar"].startswith("*-*-*")
    assert parser["Timer"]["Persistent"] == "true"


def test_the_area_summaries_run_monthly_and_complete(database_url, tmp_path):
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(UNITS / "samen-alert-area-summaries.timer")
    assert parser["Timer"]["OnCalendar"].startswith("*-*-01 ")
    assert parser["Timer"]["Persistent"] == "true"
    env = _environment(database_url, tmp_path, _free_port())
    run = subprocess.run(_exec_start("samen-alert-area-summaries.service"), cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120)  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert "area(s) queued" in run.stdout
