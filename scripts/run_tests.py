"""Runs every test of e-Mowaten and prints one closing line ``N passed, N failed``.

1. Odoo: a fresh throw-away database, all our addons installed with
   ``--test-enable`` (at_install and post_install tests). Counts come from Odoo's
   own result lines.
2. The log of that run is checked: any ERROR or CRITICAL line fails the run, and so
   does any WARNING line, except the few core warnings listed in
   ``HARMLESS_CORE_WARNINGS`` that are emitted whatever addons are installed. Odoo 19
   only *warns* about several obsolete APIs (``_sql_constraints`` is ignored with a
   warning), so a warning is a failure here.
3. pytest runs ``tests/`` (integration tests outside Odoo's runner).

Called by scripts/test.sh, which has prepared PostgreSQL, the venv and Odoo's location
and exported them in the environment (EMW_ODOO, EMW_ADDONS_PATH, EMW_ROOT...).
"""

import argparse
import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
STARTING = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\.")

# Warnings Odoo core prints on any database, with or without our addons. Each entry
# is (logger, regex on the message). Keep this list short and explain every line.
HARMLESS_CORE_WARNINGS = [
    # Odoo 19 tells that wkhtmltopdf from Debian is not the patched-Qt build; reports
    # still render (our templates print headers/footers, not wkhtmltopdf options).
    ("odoo.addons.base.models.ir_actions_report", r"wkhtmltopdf.*patched qt"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def our_addons():
    return sorted(p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py"))


def run_odoo_tests(db, addons, log_path):
    odoo = shlex.split(os.environ["EMW_ODOO"])
    cmd = odoo + [
        "-c",
        str(ROOT / "config" / "odoo.conf"),
        "--addons-path",
        os.environ["EMW_ADDONS_PATH"],
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        "-i",
        ",".join(addons),
        "--test-enable",
        "--test-tags",
        ",".join(f"/{a}" for a in addons),
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--log-level",
        "info",
        "--max-cron-threads",
        "0",
    ]
    print("[e-mowaten] " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    env = dict(os.environ)
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=env,
            errors="replace",
        )
        for line in proc.stdout:
            log.write(line)
            m = LOG_LINE.match(line)
            # Echo what matters: failures, problems, results and per-module statistics.
            if (m and m["level"] in ("WARNING", "ERROR", "CRITICAL")) or (
                m
                and m["logger"] in ("odoo.tests.result", "odoo.tests.stats")
                or " FAIL:" in line
                or " ERROR:" in line
            ):
                sys.stdout.write(line)
                sys.stdout.flush()
        code = proc.wait()
    return code, time.monotonic() - started


def analyse_log(log_path):
    passed = failed = 0
    per_module = {}
    problems = []
    result_seen = False
    with open(log_path, encoding="utf-8", errors="replace") as log:
        for line in log:
            m = LOG_LINE.match(line.rstrip("\n"))
            if not m:
                continue
            level, logger, msg = m["level"], m["logger"], m["msg"]
            if logger == "odoo.tests.result":
                r = RESULT.search(msg)
                if r:
                    result_seen = True
                    f, e, n = (int(x) for x in r.groups())
                    failed += f + e
                    passed += n - f - e
            elif msg.startswith("Starting ") and (s := STARTING.match(logger)):
                # One "Starting Class.test_method ..." line per test that ran.
                per_module[s["module"]] = per_module.get(s["module"], 0) + 1
            if level in ("ERROR", "CRITICAL"):
                problems.append(line.rstrip())
            elif level == "WARNING":
                if not any(
                    logger == lg and re.search(rx, msg)
                    for lg, rx in HARMLESS_CORE_WARNINGS
                ):
                    problems.append(line.rstrip())
    return passed, failed, per_module, problems, result_seen


def run_pytest(extra_env):
    tests_dir = ROOT / "tests"
    if not any(tests_dir.rglob("test_*.py")):
        print("[e-mowaten] pytest: no test files under tests/", flush=True)
        return 0, 1
    junit = ROOT / ".run" / "pytest-junit.xml"
    junit.parent.mkdir(exist_ok=True)
    cmd = [
        sys.executable,
        "-m",
        "pytest",
        str(tests_dir),
        "-q",
        "-p",
        "no:cacheprovider",
        f"--junitxml={junit}",
    ]
    print("[e-mowaten] " + " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, env={**os.environ, **extra_env}, cwd=ROOT, check=False)
    passed = failed = 0
    if junit.exists():
        import xml.etree.ElementTree as ET

        for suite in ET.parse(junit).getroot().iter("testsuite"):
            total = int(suite.get("tests", 0))
            bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
            skipped = int(suite.get("skipped", 0))
            passed += total - bad - skipped
            failed += bad
    if proc.returncode not in (0, 5) and failed == 0:
        failed = 1  # pytest itself broke (collection error, crash)
    if proc.returncode == 5:  # no test collected: a silent suite is a failure here
        failed += 1
    return passed, failed


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--keep-db", action="store_true", help="keep the test database")
    parser.add_argument("--odoo-only", action="store_true")
    parser.add_argument("--pytest-only", action="store_true")
    parser.add_argument("--addons", help="comma-separated subset of our addons")
    args = parser.parse_args()

    addons = args.addons.split(",") if args.addons else our_addons()
    total_passed = total_failed = 0
    summary = []

    if not args.pytest_only:
        db = f"emowaten_test_{os.getpid()}"
        log_path = ROOT / ".run" / "odoo-tests.log"
        log_path.parent.mkdir(exist_ok=True)
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        code, seconds = run_odoo_tests(db, addons, log_path)
        passed, failed, per_module, problems, result_seen = analyse_log(log_path)
        if not args.keep_db:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
        for addon in addons:
            count = per_module.get(addon, 0)
            summary.append(f"  Odoo tests of {addon}: {count}")
            if count == 0:
                summary.append(f"    FAILED: no Odoo test ran for {addon}")
                failed += 1
        if code != 0 or not result_seen:
            summary.append(
                f"  FAILED: Odoo exited with {code}; no result line: {not result_seen}"
            )
            failed += 1
        if problems:
            summary.append(
                f"  FAILED: {len(problems)} WARNING/ERROR log line(s) (see {log_path}):"
            )
            summary.extend("    " + p[:400] for p in problems[:40])
            failed += 1
        summary.append(
            f"  Odoo: {passed} passed, {failed} failed"
            f" ({seconds:.0f} s, log {log_path})"
        )
        total_passed += passed
        total_failed += failed

    if not args.odoo_only:
        passed, failed = run_pytest({})
        summary.append(f"  pytest (tests/): {passed} passed, {failed} failed")
        total_passed += passed
        total_failed += failed

    print("\n[e-mowaten] summary")
    print("\n".join(summary))
    print(f"{total_passed} passed, {total_failed} failed", flush=True)
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
