#!/usr/bin/env bash
# Installs (as root) or names (otherwise) the Debian/Ubuntu packages `make run` / `make test` need.
set -euo pipefail
mode=${1:-run}

need=()
have() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"; }

python3 -c "import ensurepip, venv" 2>/dev/null || need+=(python3-venv)
have libsqlite3-mod-spatialite || need+=(libsqlite3-mod-spatialite)

if [ "$mode" = test ]; then
  if ! command -v pg_ctlcluster >/dev/null && ! have postgresql; then
    need+=(postgresql)
  fi
  have chromium || need+=(chromium)
  # The rate-limit tests start and stop their own redis-server (Redis going away must not stop reporting).
  command -v redis-server >/dev/null || need+=(redis-server)
fi

if [ "$mode" = lighthouse ]; then
  command -v npx >/dev/null || need+=(npm)  # Lighthouse itself comes from the npm registry (npx)
  have chromium || need+=(chromium)
fi

install() {
  if [ "$(id -u)" -eq 0 ]; then
    echo "Installing OS packages: $*"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "$@" >/dev/null
  else
    echo "Missing OS packages: $*"
    echo "Install them with:  sudo apt-get install $*"
    exit 1
  fi
}

[ ${#need[@]} -eq 0 ] || install "${need[@]}"

if [ "$mode" = test ]; then
  # PostGIS must match the installed PostgreSQL major version (Debian 12: 15).
  major=$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1)
  if [ -n "$major" ] && ! have "postgresql-$major-postgis-3"; then
    install "postgresql-$major-postgis-3"
  fi
fi
exit 0
