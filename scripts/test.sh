#!/usr/bin/env bash
# The test command (`make test`): set-up, lint, every Odoo test of every addon on a fresh
# database, then pytest on tests/. Closing line: "N passed, N failed". Non-zero exit on any
# failure, lint finding, or ERROR/WARNING log line.
# Options are passed to scripts/run_tests.py (--keep-db, --odoo-only, --pytest-only, --addons).
set -u
source "$(dirname "$0")/lib.sh"
emw_setup
export EMW_ROOT EMW_PY EMW_VENV
cd "$EMW_ROOT"

lint_failed=0
if [ "${EMOWATEN_SKIP_LINT:-0}" != 1 ]; then
    scripts/lint || lint_failed=1
fi

"$EMW_PY" scripts/run_tests.py "$@" | tee .run-tests.out
status=${PIPESTATUS[0]}
line="$(tail -n1 .run-tests.out)"
rm -f .run-tests.out
if [ "$lint_failed" = 1 ]; then
    # Lint counts as one more failed check in the closing line.
    p="${line%% passed*}"; f="${line#*passed, }"; f="${f%% failed*}"
    echo "lint: FAILED (see above)"
    echo "$p passed, $((f + 1)) failed"
    exit 1
fi
exit "$status"
