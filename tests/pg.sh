#!/usr/bin/env bash
# Run a command with KIOSK_TEST_DATABASE_URL set to a throwaway PostgreSQL, so the storage tests run on
# PostgreSQL as well as SQLite. `make test` wraps pytest in it. Without PostgreSQL installed, or with
# KIOSK_TEST_DATABASE_URL already set, it just runs the command.
set -euo pipefail

if [ -n "${KIOSK_TEST_DATABASE_URL:-}" ]; then
  exec "$@"
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bindir" ] && command -v initdb >/dev/null; then
  bindir=$(dirname "$(command -v initdb)")
fi
if [ -z "$bindir" ]; then
  echo "tests/pg.sh: PostgreSQL is not installed; the storage tests run on SQLite only." >&2
  exec "$@"
fi

dir=$(mktemp -d /tmp/kiosk-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  if ! id postgres >/dev/null 2>&1; then
    echo "tests/pg.sh: no postgres user to run PostgreSQL as; the storage tests run on SQLite only." >&2
    rm -rf "$dir"
    exec "$@"
  fi
  # initdb refuses to run as root; the Debian package's postgres user owns the throwaway cluster.
  chown postgres: "$dir"
  as_owner=(runuser -u postgres --)
fi
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

stop() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$bindir/initdb" -D "$dir/data" -U kiosk -A trust -E UTF8 --no-sync >"$dir/initdb.log"
# Loopback and a private socket directory only; fsync off because the cluster is thrown away.
"${as_owner[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-h 127.0.0.1 -p $port -k $dir -F -c max_connections=200" start >/dev/null
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U kiosk kiosk_test
echo "tests/pg.sh: PostgreSQL on 127.0.0.1:$port for the storage tests." >&2

export KIOSK_TEST_DATABASE_URL="postgresql+psycopg://kiosk@127.0.0.1:$port/kiosk_test"
"$@"
