#!/usr/bin/env bash
# The run command (`make run`): set-up, the `emowaten` database with demo data and every
# addon (created once, reused afterwards), then the server on http://localhost:8069.
set -eu
source "$(dirname "$0")/lib.sh"
emw_setup
cd "$EMW_ROOT"
DB="${EMOWATEN_DB:-emowaten}"
PORT="${EMOWATEN_PORT:-8069}"
ADDONS="$(emw_our_addons)"
# shellcheck disable=SC2086
odoo() { $EMW_ODOO -c "$EMW_ROOT/config/odoo.conf" --addons-path="$EMW_ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" "$@"; }

missing=""
if psql -d "$DB" -tAc "select 1" >/dev/null 2>&1; then
    installed="$(psql -d "$DB" -tAc "select name from ir_module_module where state='installed'" 2>/dev/null || true)"
    for a in ${ADDONS//,/ }; do
        grep -qx "$a" <<<"$installed" || missing="$missing,$a"
    done
    missing="${missing#,}"
    [ -z "$missing" ] || { emw_say "installing the addons missing from $DB: $missing"; odoo -i "$missing" --stop-after-init; }
else
    emw_say "creating the database $DB with demo data and the addons $ADDONS (a few minutes, once)"
    emw_build_demo_db "$DB"
fi

cat >&2 <<MSG

  e-Mowaten is starting on http://localhost:$PORT
  Log in at http://localhost:$PORT/web/login as admin / admin, or as a demo user (README, "Demo users").
  Stop with Ctrl-C.

MSG
exec $EMW_ODOO -c "$EMW_ROOT/config/odoo.conf" --addons-path="$EMW_ADDONS_PATH" -d "$DB" --db-filter="^$DB\$" --http-port "$PORT"
