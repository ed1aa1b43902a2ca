#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into a NEW database and checks it: every
# attachment listed in the backup's manifest must be present in the restored filestore with
# the same SHA-1. Exit non-zero on any missing or altered file.
# Usage: scripts/restore.sh BACKUP.tar NEW_DB
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || emw_die "usage: scripts/restore.sh BACKUP.tar NEW_DB"
ARCHIVE="$1"; DB="$2"
DATA_DIR="${EMOWATEN_DATA_DIR:-$(sed -n 's/^data_dir *= *//p' "$EMW_ROOT/config/odoo.conf")}"
[ -f "$ARCHIVE" ] || emw_die "no such backup: $ARCHIVE"
if psql -d "$DB" -tAc "select 1" >/dev/null 2>&1; then
    emw_die "database $DB already exists: restore into a new database"
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tar -C "$work" -xf "$ARCHIVE"
createdb "$DB"
pg_restore --no-owner --exit-on-error -d "$DB" "$work/db.dump"
mkdir -p "$DATA_DIR/filestore/$DB"
tar -C "$DATA_DIR/filestore/$DB" -xf "$work/filestore.tar"
# Check every attachment's content against the checksum recorded at backup time, and
# against the one in the restored database.
bad=0; n=0
while read -r sum fname; do
    n=$((n + 1))
    f="$DATA_DIR/filestore/$DB/$fname"
    if [ ! -f "$f" ]; then
        emw_say "missing: $fname"; bad=$((bad + 1)); continue
    fi
    actual="$(sha1sum "$f" | cut -d' ' -f1)"
    if [ "$actual" != "$sum" ]; then
        emw_say "checksum mismatch: $fname"; bad=$((bad + 1))
    fi
done < "$work/attachments.sha1"
restored="$(psql -d "$DB" -tAc "select count(*) from ir_attachment where store_fname is not null")"
[ "$restored" = "$n" ] || { emw_say "attachment rows: $restored restored, $n in backup"; bad=$((bad + 1)); }
if [ "$bad" -gt 0 ]; then
    emw_die "restore of $DB: $bad problem(s) among $n attachments"
fi
emw_say "restored $DB: $n attachments, every checksum matches"
