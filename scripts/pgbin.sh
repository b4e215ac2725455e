# Sourced by backup.sh and restore.sh: pg_bin URL prints the folder of the PostgreSQL client
# binaries whose major version matches the server at URL (PG_BINDIR overrides). pg_dump refuses
# a newer server and an older pg_restore cannot read a newer dump, so a mismatch is an error.
pg_bin() {
  local url="$1" num major dir
  command -v psql >/dev/null || { echo "psql not found: apt-get install -y postgresql-client" >&2; return 1; }
  num=$(psql "$url" -XAtqc 'SHOW server_version_num') || { echo "cannot reach the database server" >&2; return 1; }
  major=$((num / 10000))
  dir="${PG_BINDIR:-/usr/lib/postgresql/$major/bin}"
  for b in pg_dump pg_restore; do
    if [ ! -x "$dir/$b" ]; then
      echo "$dir/$b not found: the server is PostgreSQL $major; install postgresql-client-$major or set PG_BINDIR" >&2
      return 1
    fi
  done
  echo "$dir"
}

# with_db URL NAME prints URL pointing at database NAME (same server, user and options).
with_db() {
  local url="$1" name="$2"
  case "$url" in
    postgres://*|postgresql://*) ;;
    *) echo "DATABASE_URL must be a postgres:// URL" >&2; return 1 ;;
  esac
  printf '%s\n' "$url" | sed -E "s#^(postgres(ql)?://[^/?]*)(/[^?]*)?#\\1/$name#"
}

# redact URL hides a password.
redact() { printf '%s\n' "$1" | sed -E 's#://([^:@/]*):[^@/]*@#://\1:***@#'; }

# libpq_url URL drops the query parameters only pgx understands (statement_timeout, pool_*),
# which libpq tools (psql, pg_dump, pg_restore) would reject.
libpq_url() {
  local u="$1" prev=""
  while [ "$u" != "$prev" ]; do
    prev="$u"
    u=$(printf '%s\n' "$u" | sed -E 's/([?&])(statement_timeout|pool_[a-z_]+)=[^&]*(&|$)/\1/; s/[?&]$//')
  done
  printf '%s\n' "$u"
}
