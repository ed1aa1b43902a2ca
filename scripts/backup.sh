#!/usr/bin/env bash
# Backs up one e-Mowaten database: a PostgreSQL custom-format dump plus its filestore,
# and a manifest of every stored attachment with its SHA-1 (Odoo's ir_attachment.checksum).
# Usage: scripts/backup.sh DB DEST_DIR      -> DEST_DIR/<DB>-<UTC timestamp>.tar
# Consistency: the dump is one transaction; the filestore is copied afterwards and files are
# never rewritten in place by Odoo (content-addressed), so every file the dump refers to is
# present unless the garbage collector removed it in between (it only removes unreferenced
# files, and only after a grace period).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
[ $# -eq 2 ] || emw_die "usage: scripts/backup.sh DB DEST_DIR"
DB="$1"; DEST="$2"
DATA_DIR="${EMOWATEN_DATA_DIR:-$(sed -n 's/^data_dir *= *//p' "$EMW_ROOT/config/odoo.conf")}"
psql -d "$DB" -tAc "select 1" >/dev/null 2>&1 || emw_die "database $DB does not exist"
mkdir -p "$DEST"
stamp="$(date -u +%Y%m%dT%H%M%SZ)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
pg_dump --format=custom --no-owner --file "$work/db.dump" "$DB"
psql -d "$DB" -tA -F ' ' -c \
    "select checksum, store_fname from ir_attachment where store_fname is not null order by id" \
    > "$work/attachments.sha1"
if [ -d "$DATA_DIR/filestore/$DB" ]; then
    tar -C "$DATA_DIR/filestore/$DB" -cf "$work/filestore.tar" .
else
    tar -cf "$work/filestore.tar" -T /dev/null
fi
printf 'database=%s\ncreated=%s\nattachments=%s\n' "$DB" "$stamp" "$(wc -l < "$work/attachments.sha1")" > "$work/MANIFEST"
out="$DEST/$DB-$stamp.tar"
tar -C "$work" -cf "$out" MANIFEST db.dump attachments.sha1 filestore.tar
emw_say "backup written: $out"
echo "$out"
