#!/usr/bin/env bash
# Makes sure a PostgreSQL server with PostGIS answers, and prints the admin URL the tests should use.
set -euo pipefail
url=${MELDPUNT_TEST_POSTGIS_URL:-postgresql://postgres@127.0.0.1:5432/postgres}

can_connect() { psql "$1" -qAtc "select 1" >/dev/null 2>&1; }

if ! can_connect "$url"; then
  if command -v pg_lsclusters >/dev/null; then
    read -r version cluster _ < <(pg_lsclusters -h | head -1) || true
    if [ -n "${version:-}" ] && [ "$(id -u)" -eq 0 ]; then
      pg_ctlcluster --skip-systemctl-redirect "$version" "$cluster" start >/dev/null 2>&1 || true
      for _ in $(seq 1 20); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
    fi
  fi
fi
if ! can_connect "$url" && [ "$(id -u)" -eq 0 ]; then
  # A fresh Debian install asks for a password on TCP; root may use the socket with a role of its own.
  su postgres -c "createuser --superuser root" >/dev/null 2>&1 || true
  url="postgresql://root@/postgres?host=/var/run/postgresql"
fi
if ! can_connect "$url"; then
  echo "PostgreSQL is not reachable at $url." >&2
  echo "Start it (e.g. pg_ctlcluster --skip-systemctl-redirect 15 main start) or set MELDPUNT_TEST_POSTGIS_URL." >&2
  exit 1
fi
echo "$url"
