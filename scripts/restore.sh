#!/usr/bin/env bash
# Restores a folder written by backup.sh: checks every SHA-256 sum, restores the database into
# the database named TARGET on the server of DATABASE_URL (or TARGET itself when it is a
# postgres:// URL), and the uploaded files into UPLOAD_DIR.
# Usage: DATABASE_URL=... scripts/restore.sh [--force] BACKUP_FOLDER TARGET UPLOAD_DIR
# A target database that already holds tables, or an upload folder that already holds files,
# is refused unless --force: then the database is dropped and created again, and the old
# upload folder is moved aside to UPLOAD_DIR.before-restore-<time> (nothing is deleted).
set -euo pipefail
umask 077
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pgbin.sh"
die() { echo "restore.sh: $*" >&2; exit 1; }

force=0
if [ "${1:-}" = "--force" ]; then force=1; shift; fi
[ $# -eq 3 ] || die "usage: restore.sh [--force] BACKUP_FOLDER TARGET_DATABASE UPLOAD_DIR"
folder="$1" target="$2" upload_dir="$3"
[ -z "${DATABASE_URL:-}" ] || DATABASE_URL=$(libpq_url "$DATABASE_URL")
case "$target" in postgres://*|postgresql://*) target=$(libpq_url "$target") ;; esac

[ -f "$folder/SHA256SUMS" ] || die "$folder has no SHA256SUMS: not a backup folder"
for f in database.dump uploads.tar.gz MANIFEST; do
  grep -q " $f\$" "$folder/SHA256SUMS" || die "SHA256SUMS does not cover $f"
done
(cd "$folder" && sha256sum --quiet --strict -c SHA256SUMS) || die "checksum mismatch: the backup is damaged, nothing was restored"

case "$target" in
  postgres://*|postgresql://*) url="$target"; name=$(printf '%s\n' "$url" | sed -E 's#^[a-z]+://[^/?]*/([^?]*).*#\1#') ;;
  *) : "${DATABASE_URL:?DATABASE_URL must be set (the server to restore to)}"; name="$target"; url=$(with_db "$DATABASE_URL" "$name") ;;
esac
[[ "$name" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "database name $name: use lower-case letters, digits and _"
admin=$(with_db "$url" postgres)
bindir=$(pg_bin "$admin")

exists=$(psql "$admin" -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = 1 ]; then
  tables=$(psql "$url" -XAtqc "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")
  if [ "$tables" != 0 ]; then
    [ $force = 1 ] || die "database $name already holds $tables tables; refusing to overwrite it (use --force)"
    echo "restore.sh: --force: dropping database $name" >&2
    psql "$admin" -XAtqc "DROP DATABASE \"$name\" WITH (FORCE)" >/dev/null
    exists=""
  fi
fi
if [ -d "$upload_dir" ] && [ -n "$(ls -A "$upload_dir")" ]; then
  [ $force = 1 ] || die "$upload_dir is not empty; refusing to overwrite it (use --force)"
  aside="$upload_dir.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
  mv "$upload_dir" "$aside"
  echo "restore.sh: --force: moved the old uploads to $aside" >&2
fi
[ "$exists" = 1 ] || psql "$admin" -XAtqc "CREATE DATABASE \"$name\"" >/dev/null

start=$(date +%s.%N)
"$bindir/pg_restore" --no-owner --no-acl --exit-on-error --single-transaction --dbname="$url" "$folder/database.dump"
mkdir -p "$upload_dir"
tar -C "$upload_dir" -xzf "$folder/uploads.tar.gz"
end=$(date +%s.%N)

want=$(sed -n 's/^upload_files: //p' "$folder/MANIFEST")
got=$(find "$upload_dir" -type f | wc -l)
[ "$want" = "$got" ] || die "restored $got upload files, the manifest lists $want"
echo "restore.sh: restored $(sed -n 's/^created_at: //p' "$folder/MANIFEST") into database $name and $upload_dir ($got files) in $(awk "BEGIN{printf \"%.2f\", $end - $start}") s" >&2
