#!/usr/bin/env bash
# The test command (`make test`): set-up, lint, every Odoo test of every addon on a fresh
# database, the demo database built as `make run` builds it (its log checked, then the
# journey tests tagged emowaten_demo on it), then pytest on tests/. Closing line:
# "N passed, N failed". Non-zero exit on any failure, lint finding, or ERROR/WARNING log line.
# Options are passed to scripts/run_tests.py (--keep-db, --odoo-only, --pytest-only,
# --addons, --demo, --no-demo, --demo-only, --demo-db NAME; see README, "Running one test").
set -u
source "$(dirname "$0")/lib.sh"
emw_setup
export EMW_ROOT EMW_PY EMW_VENV
cd "$EMW_ROOT"

lint_failed=0
if [ "${EMOWATEN_SKIP_LINT:-0}" != 1 ]; then
    lint_start=$SECONDS
    scripts/lint || lint_failed=1
    emw_say "phase lint: $((SECONDS - lint_start)) s"
fi

out="$(mktemp)"
"$EMW_PY" scripts/run_tests.py "$@" | tee "$out"
status=${PIPESTATUS[0]}
line="$(tail -n1 "$out")"
rm -f "$out"
if [ "$lint_failed" = 1 ]; then
    # Lint counts as one more failed check in the closing line.
    p="${line%% passed*}"; f="${line#*passed, }"; f="${f%% failed*}"
    echo "lint: FAILED (see above)"
    echo "$p passed, $((f + 1)) failed"
    exit 1
fi
exit "$status"
