#!/usr/bin/env bash
# Install Debian's PostgreSQL (+ PostGIS) and start a throwaway server on 127.0.0.1 for the catalog-api tests.
# Idempotent: reuses an installed package, an initialised data folder and a running server.
# Source it (`. .ci/postgres.sh`) to get REFS_TEST_PG_URL exported; executed directly it prints the URL.
# Settings: REFS_PG_PORT (default 54329), REFS_PG_DATA (default /tmp/refs-pg-data).
set -eu
refs_pg_port="${REFS_PG_PORT:-54329}"
refs_pg_data="${REFS_PG_DATA:-/tmp/refs-pg-data}"
refs_pg_bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1 || true)"

if [ -z "$refs_pg_bin" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  echo "== installing postgresql + postgis (Debian packages)" >&2
  export DEBIAN_FRONTEND=noninteractive
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq >&2
  $sudo_cmd apt-get install -y -qq postgresql postgresql-15-postgis-3 >&2
  refs_pg_bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n1)"
fi

# The server refuses to run as root: run it as the `postgres` system user when we are root.
as_pg() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if ! as_pg "$refs_pg_bin/pg_isready" -q -h 127.0.0.1 -p "$refs_pg_port"; then
  if [ ! -f "$refs_pg_data/PG_VERSION" ]; then
    mkdir -p "$refs_pg_data"
    [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$refs_pg_data"
    as_pg "$refs_pg_bin/initdb" -D "$refs_pg_data" -U postgres --auth=trust >/dev/null
  fi
  as_pg "$refs_pg_bin/pg_ctl" -D "$refs_pg_data" -l "$refs_pg_data/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $refs_pg_port -k /tmp -c fsync=off -c max_connections=200" start >&2
fi
as_pg "$refs_pg_bin/psql" -q -h 127.0.0.1 -p "$refs_pg_port" -U postgres -tc \
  "SELECT 1 FROM pg_database WHERE datname='refs_test'" | grep -q 1 ||
  as_pg "$refs_pg_bin/createdb" -h 127.0.0.1 -p "$refs_pg_port" -U postgres refs_test
as_pg "$refs_pg_bin/psql" -q -h 127.0.0.1 -p "$refs_pg_port" -U postgres -d refs_test \
  -c "CREATE EXTENSION IF NOT EXISTS postgis" >&2

export REFS_TEST_PG_URL="postgres://postgres@127.0.0.1:$refs_pg_port/refs_test"
echo "REFS_TEST_PG_URL=$REFS_TEST_PG_URL"
