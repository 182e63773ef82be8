"""The load test (issue 12): gunicorn on a scratch PostGIS database with Redis rate limits, driven by locust.

    python -m tests.benchmarks.load_run --seconds 120      (make load; LOAD_SECONDS=20 make load for a short run)

50 phones send reports with photos, 10 boa's poll the field list, 5 coordinators page their queue
(tests/benchmarks/locustfile.py). Prints per request type: count, failures, throughput, p50, p95; then checks
the database: every submission that got a receipt is stored exactly once, and no send without a receipt made a
report twice. The scratch database, the uploads and the Redis database are removed afterwards.

The rate limits are the production ones: the app trusts one proxy hop (MELDPUNT_TRUSTED_PROXIES=1) and every
simulated resident sends from their own X-Forwarded-For address, as residents behind the real proxy do."""

import argparse
import csv
import hashlib
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
LOCUSTFILE = Path(__file__).with_name("locustfile.py")
WORKERS = 4
USERS = {"phones": 50, "boas": 10, "coordinators": 5}
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/7")
STAFF_PASSWORD = "samen-alert-demo"


@dataclass
class LoadResult:
    rows: list[dict] = field(default_factory=list)  # per request type, then "Aggregated"
    receipts: int = 0
    double_taps: int = 0
    sends_without_receipt: int = 0
    lost: list[str] = field(default_factory=list)  # a receipt, but no such report (or another key's)
    doubled: list[str] = field(default_factory=list)  # a reference or a key stored more than once
    unexplained: int = 0  # reports made during the run that no phone sent
    without_photo: list[str] = field(default_factory=list)
    server_errors: int = 0  # exceptions in gunicorn's log
    error_excerpts: list[str] = field(default_factory=list)

    @property
    def failures(self) -> int:
        return sum(r["failures"] for r in self.rows if r["name"] != "Aggregated")

    @property
    def sound(self) -> bool:
        return not (self.lost or self.doubled or self.unexplained or self.without_photo)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _admin_url() -> str:
    url = os.environ.get("MELDPUNT_TEST_POSTGIS_URL") or "postgresql://postgres@127.0.0.1:5432/postgres"
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _database_url(admin: str, name: str) -> str:
    return make_url(admin).set(database=name).render_as_string(hide_password=False)


def _flush_redis() -> None:
    """The run's own Redis database (LOAD_REDIS_URL, default /7): empty before and after, so limits start fresh."""
    import redis

    try:
        redis.Redis.from_url(REDIS_URL).flushdb()
    except redis.ConnectionError as error:
        raise SystemExit(f"Redis is needed for the rate limits under load ({REDIS_URL}): {error}") from error


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError("gunicorn stopped while starting")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer {url} within {seconds} s")


def _flask(env: dict, *args: str) -> None:
    subprocess.run([str(BIN / "flask"), *args], env=env, cwd=ROOT, check=True, capture_output=True)


def _table_rows(stats_csv: Path) -> list[dict]:
    rows = []
    with stats_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append(
                {
                    "name": row["Name"],
                    "count": int(row["Request Count"]),
                    "failures": int(row["Failure Count"]),
                    "rps": float(row["Requests/s"]),
                    "p50": row["50%"],
                    "p95": row["95%"],
                }
            )
    return sorted(rows, key=lambda r: (r["name"] == "Aggregated", r["name"]))


def _check_database(database_url: str, receipts_file: Path, started_at, result: LoadResult) -> None:
    """Every receipt's reference exists exactly once, with the key that was sent; every key at most once."""
    records: dict[str, dict] = {}  # by key: the send, then its receipt when one came
    for line in receipts_file.read_text().splitlines():
        record = json.loads(line)
        if record["reference"] or record["key"] not in records:
            records[record["key"]] = record
    with psycopg.connect(database_url) as conn:
        stored = conn.execute(
            "SELECT r.reference, r.submission_key_hash, count(p.id) FROM report r "
            "LEFT JOIN report_photo p ON p.report_id = r.id WHERE r.created_at >= %s "
            "GROUP BY r.id, r.reference, r.submission_key_hash",
            (started_at,),
        ).fetchall()
    by_reference: dict[str, list[tuple]] = {}
    by_key: dict[str, list[tuple]] = {}
    for row in stored:
        by_reference.setdefault(row[0], []).append(row)
        by_key.setdefault(row[1], []).append(row)
    sent_keys = set()
    for record in records.values():
        key_hash = hashlib.sha256(record["key"].encode()).hexdigest()
        sent_keys.add(key_hash)
        result.double_taps += record["taps"] > 1
        if len(by_key.get(key_hash, [])) > 1:
            result.doubled.append(record["reference"] or record["key"][:8])
        if record["reference"] is None:
            result.sends_without_receipt += 1
            continue
        result.receipts += 1
        matches = by_reference.get(record["reference"], [])
        if len(matches) > 1:
            result.doubled.append(record["reference"])
        elif not matches or matches[0][1] != key_hash:
            result.lost.append(record["reference"])
        elif matches[0][2] != 1:
            result.without_photo.append(record["reference"])
    result.unexplained = sum(1 for row in stored if row[1] not in sent_keys)


def _read_server_log(log: str, result: LoadResult) -> None:
    """Count the app's logged exceptions (route only, never a path) and keep the end of each traceback."""
    blocks = log.split("Exception on ")[1:]
    result.server_errors = len(blocks)
    for block in blocks[:3]:
        lines = block.splitlines()
        result.error_excerpts.append("\n".join([lines[0], *lines[-6:]]))


def run_load(seconds: int = 120, *, out=sys.stdout) -> LoadResult:
    admin = _admin_url()
    name = f"meldpunt_load_{os.getpid()}"
    port = _free_port()
    work = Path(tempfile.mkdtemp(prefix="meldpunt-load-"))
    database_url = _database_url(admin, name)
    env = {
        **os.environ,
        "FLASK_APP": "wsgi",
        "MELDPUNT_CONFIG": "config.Config",
        "DATABASE_URL": database_url,
        "MELDPUNT_SECRET_KEY": secrets.token_hex(32),
        "MELDPUNT_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "MELDPUNT_SESSION_COOKIE_SECURE": "false",
        "MELDPUNT_RATELIMIT_STORAGE_URI": REDIS_URL,
        "MELDPUNT_TRUSTED_PROXIES": "1",
        "MELDPUNT_UPLOAD_FOLDER": str(work / "uploads"),
        "LOAD_RECEIPTS": str(work / "receipts.jsonl"),
        "LOAD_STAFF_PASSWORD": STAFF_PASSWORD,
    }
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    server = None
    result = LoadResult()
    try:
        _flask(env, "db", "upgrade")
        _flask(env, "seed")
        _flask(env, "demo-data", "--reports", "300", "--seed", "12", "--staff-password", STAFF_PASSWORD)
        _flush_redis()
        with (work / "gunicorn.log").open("w") as log:  # the server keeps its own copy of the descriptor
            server = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", str(WORKERS), "-b", f"127.0.0.1:{port}", "--timeout", "60", "wsgi:app"],
                env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
            )  # fmt: skip
        _wait_for(f"http://127.0.0.1:{port}/healthz", server)
        with psycopg.connect(database_url) as conn:
            started_at = conn.execute("SELECT now()").fetchone()[0]
        subprocess.run(
            [str(BIN / "locust"), "-f", str(LOCUSTFILE), "--headless", "--only-summary", "--host",
             f"http://127.0.0.1:{port}", "-u", str(sum(USERS.values())), "-r", "20", "-t", f"{seconds}s",
             "--csv", str(work / "load"), "--loglevel", "WARNING"],
            env=env, cwd=ROOT, check=False, capture_output=True,
        )  # fmt: skip
        result.rows = _table_rows(work / "load_stats.csv")
        _check_database(database_url, work / "receipts.jsonl", started_at, result)
        _read_server_log((work / "gunicorn.log").read_text(), result)
        _print(result, seconds, out)
        return result
    finally:
        if server is not None:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _flush_redis()
        shutil.rmtree(work, ignore_errors=True)


def _print(result: LoadResult, seconds: int, out) -> None:
    users = ", ".join(f"{n} {who}" for who, n in USERS.items())
    print(f"\nLoad test: gunicorn -w {WORKERS} (sync) on PostGIS, rate limits in Redis as in production (each "
          f"resident their own address); {users}; {seconds} s; {os.cpu_count()} cores", file=out)  # fmt: skip
    print(f"{'request type':<28} {'count':>7} {'failures':>8} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7}", file=out)
    for r in result.rows:
        print(f"{r['name']:<28} {r['count']:>7} {r['failures']:>8} {r['rps']:>7.2f} {r['p50']:>7} {r['p95']:>7}",
              file=out)  # fmt: skip
    print(
        "(requests still on their way when the time is up are not in the table; the check below covers every send)",
        file=out,
    )
    print(f"receipts {result.receipts} (double taps {result.double_taps}); sends without a receipt "
          f"{result.sends_without_receipt}; lost {len(result.lost)}; doubled {len(result.doubled)}; "
          f"stored but never sent {result.unexplained}; receipts without their photo {len(result.without_photo)}; "
          f"server errors {result.server_errors}", file=out)  # fmt: skip
    print("database check: " + ("every receipt stored exactly once" if result.sound else "FAILED"), file=out)
    for excerpt in result.error_excerpts:
        print(f"server error: {excerpt}", file=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("LOAD_SECONDS", 120)))
    result = run_load(parser.parse_args().seconds)
    return 0 if result.sound and not result.failures and not result.server_errors else 1


if __name__ == "__main__":
    sys.exit(main())
