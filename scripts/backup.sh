#!/usr/bin/env bash
# Backs up the database and the uploaded files into one timestamped folder:
#   database.dump   pg_dump custom format of DATABASE_URL (schema, data, River's tables)
#   uploads.tar.gz  the files under UPLOAD_DIR
#   MANIFEST        what, when, from where (no password), versions, sizes, file count
#   SHA256SUMS      checksums of the three files above, checked by restore.sh
# Usage: DATABASE_URL=... UPLOAD_DIR=... scripts/backup.sh [BACKUP_DIR]
#   BACKUP_DIR defaults to $BACKUP_DIR, then ./var/backups. Prints the folder's path last.
#   Backup folders there older than BACKUP_KEEP_DAYS (default 35) are deleted after a
#   successful backup (the retention rule in docs/OPERATIONS.md).
# The folder holds personal data: it is created readable by its owner only. Copy it off the
# machine (docs/OPERATIONS.md).
set -euo pipefail
umask 077
here=$(cd "$(dirname "$0")" && pwd)
. "$here/pgbin.sh"

: "${DATABASE_URL:?DATABASE_URL must be set}"
DATABASE_URL=$(libpq_url "$DATABASE_URL")
upload_dir="${UPLOAD_DIR:-./var/uploads}"
dest_root="${1:-${BACKUP_DIR:-./var/backups}}"
bindir=$(pg_bin "$DATABASE_URL")

stamp=$(date -u +%Y%m%dT%H%M%SZ)
mkdir -p "$dest_root"
final="$dest_root/penggerak-$stamp"
[ ! -e "$final" ] || { echo "backup.sh: $final already exists" >&2; exit 1; }
work="$final.partial"
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

start=$(date +%s.%N)
"$bindir/pg_dump" --format=custom --compress=6 --no-owner --no-acl --file="$work/database.dump" "$DATABASE_URL"
if [ -d "$upload_dir" ]; then
  files=$(find "$upload_dir" -type f | wc -l)
  tar -C "$upload_dir" -czf "$work/uploads.tar.gz" .
else
  echo "backup.sh: UPLOAD_DIR $upload_dir does not exist; the uploads archive is empty" >&2
  files=0
  tar -czf "$work/uploads.tar.gz" -T /dev/null
fi
end=$(date +%s.%N)

{
  echo "format: penggerak-backup 1"
  echo "created_at: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "database_url: $(redact "$DATABASE_URL")"
  echo "server_version: $(psql "$DATABASE_URL" -XAtqc 'SHOW server_version')"
  echo "pg_dump: $("$bindir/pg_dump" --version)"
  echo "schema_version: $(psql "$DATABASE_URL" -XAtqc 'SELECT version FROM schema_migrations' 2>/dev/null || echo unknown)"
  echo "upload_dir: $upload_dir"
  echo "upload_files: $files"
  echo "database_bytes: $(stat -c %s "$work/database.dump")"
  echo "uploads_bytes: $(stat -c %s "$work/uploads.tar.gz")"
  echo "seconds: $(awk "BEGIN{printf \"%.2f\", $end - $start}")"
} >"$work/MANIFEST"
(cd "$work" && sha256sum database.dump uploads.tar.gz MANIFEST >SHA256SUMS)
mv "$work" "$final"
trap - EXIT
keep="${BACKUP_KEEP_DAYS:-35}"
[[ "$keep" =~ ^[0-9]+$ ]] || { echo "backup.sh: BACKUP_KEEP_DAYS must be a number of days" >&2; exit 1; }
find "$dest_root" -mindepth 1 -maxdepth 1 -type d -name 'penggerak-*' -mtime "+$keep" -print0 |
  while IFS= read -r -d '' old; do rm -rf -- "$old"; echo "backup.sh: deleted $old (older than $keep days)" >&2; done
echo "backup.sh: wrote $final" >&2
echo "$final"
