#!/usr/bin/env bash
# Prints a PostgreSQL URL for the app's database, making sure the server is up and the database
# exists. Order: $DATABASE_URL if reachable; the local server at 127.0.0.1:5432; otherwise a
# private cluster (initdb + pg_ctl) in a data folder outside the repo, started on port 54329.
# Idempotent: a second call finds the running cluster at once.
#   scripts/db.sh [dbname]      (default dbname: penggerak)
set -euo pipefail
dbname="${1:-penggerak}"
log() { echo "db.sh: $*" >&2; }

reachable() { psql "$1" -Atqc 'select 1' >/dev/null 2>&1; }

with_db() { # replace the database name in a URL
  python3 - "$1" "$2" <<'PY' 2>/dev/null || echo "$1"
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1]); q = dict(u.parse_qsl(p.query)); q.setdefault("sslmode", "disable")
print(u.urlunsplit((p.scheme, p.netloc, "/" + sys.argv[2], u.urlencode(q), "")))
PY
}

ensure_db() { # $1 server url (any db), prints url of $dbname
  local admin; admin=$(with_db "$1" postgres)
  if ! psql "$admin" -Atqc "select 1 from pg_database where datname='$dbname'" | grep -q 1; then
    psql "$admin" -qc "create database \"$dbname\"" >/dev/null
    log "created database $dbname"
  fi
  with_db "$1" "$dbname"
}

command -v psql >/dev/null || { log "psql not found: install PostgreSQL (apt-get install -y postgresql)"; exit 1; }

if [ -n "${DATABASE_URL:-}" ] && reachable "$(with_db "$DATABASE_URL" postgres)"; then
  ensure_db "$DATABASE_URL"; exit 0
fi
local_url="${PENGGERAK_LOCAL_URL:-postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable}"
if reachable "$local_url"; then
  ensure_db "$local_url"; exit 0
fi

# A private cluster.
port="${PENGGERAK_PGPORT:-54329}"
if [ "$(id -u)" = 0 ]; then
  # root's home is closed to the postgres user, who must own the cluster.
  data="${PENGGERAK_PGDATA:-/var/lib/penggerak/pgdata}"
else
  data="${PENGGERAK_PGDATA:-${XDG_DATA_HOME:-$HOME/.local/share}/penggerak/pgdata}"
fi
private_url="postgres://postgres@127.0.0.1:$port/postgres?sslmode=disable"
if reachable "$private_url"; then
  ensure_db "$private_url"; exit 0
fi
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -n "$bindir" ] && [ -x "$bindir/initdb" ] || { log "no PostgreSQL server binaries (initdb) found: apt-get install -y postgresql"; exit 1; }
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi
mkdir -p "$(dirname "$data")"
if [ ! -s "$data/PG_VERSION" ]; then
  log "initialising a private cluster in $data"
  mkdir -p "$data"
  if [ "$(id -u)" = 0 ]; then chown -R postgres:postgres "$data" && chmod 700 "$data"; fi
  "${as_pg[@]}" "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
log "starting the private cluster on port $port"
"${as_pg[@]}" "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -k /tmp -c listen_addresses=127.0.0.1" start >/dev/null
ensure_db "$private_url"
