"""Runs every test of e-Mowaten and prints one closing line ``N passed, N failed``.

1. Odoo on an empty database: a fresh throw-away database, all our addons installed
   with ``--test-enable`` (at_install and post_install tests). Counts come from Odoo's
   own result lines.
2. The demo database, built exactly as ``make run`` builds it (``emw_build_demo_db`` in
   scripts/lib.sh, through scripts/build-demo-db): its log must be clean. Then the tests
   tagged ``emowaten_demo`` (journeys on the demo data, HttpCase post_install tests,
   ``-standard`` so they do not run in 1.) run on that database.
3. Every Odoo log is checked: any ERROR or CRITICAL line fails the run, and so does any
   WARNING line, except the few core warnings listed in ``HARMLESS_CORE_WARNINGS`` that
   are emitted whatever addons are installed. Odoo 19 only *warns* about several
   obsolete APIs (``_sql_constraints`` is ignored with a warning), so a warning is a
   failure here.
4. pytest runs ``tests/`` (integration tests outside Odoo's runner).

Called by scripts/test.sh, which has prepared PostgreSQL, the venv and Odoo's location
and exported them in the environment (EMW_ODOO, EMW_ADDONS_PATH, EMW_ROOT...).
"""

import argparse
import configparser
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# where the logs go; EMOWATEN_RUN_DIR lets two runs in one checkout keep theirs apart
RUN_DIR = Path(os.environ.get("EMOWATEN_RUN_DIR") or ROOT / ".run")
LOG_LINE = re.compile(
    r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) (?P<db>\S+) "
    r"(?P<logger>[\w.]+): (?P<msg>.*)$"
)
RESULT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests")
# the logger of a test file (not its children: a tour's browser logs "Starting ..." too)
STARTING = re.compile(r"^odoo\.addons\.(?P<module>\w+)\.tests\.\w+$")
STARTING_MSG = re.compile(r"^Starting \w+\.\w+ ")
SKIPPED = re.compile(r"^skipped (?P<test>\S+)")
# the addon of cross-addon demo data and journeys: its tests are all tagged
# ``emowaten_demo`` and ``-standard``, they run on the demo database only
DEMO_ADDON = "emowaten_demo"
DEMO_TAG = "emowaten_demo"
# the browsers Odoo's HttpCase looks for (odoo/tests/common.py, _find_executable)
BROWSERS = ("google-chrome", "chromium", "chromium-browser", "google-chrome-stable")

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


def odoo_base(db):
    return shlex.split(os.environ["EMW_ODOO"]) + [
        "-c",
        str(ROOT / "config" / "odoo.conf"),
        "--addons-path",
        os.environ["EMW_ADDONS_PATH"],
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
    ]


def test_options():
    return [
        "--stop-after-init",
        "--http-port",
        str(free_port()),
        "--log-level",
        "info",
        "--max-cron-threads",
        "0",
    ]


def run_logged(cmd, log_path, echo_all_problems=True):
    """Run ``cmd``, write its output to ``log_path``, echo what matters (failures,
    problems, results and per-module statistics). Returns (exit code, seconds)."""
    print("[e-mowaten] " + " ".join(shlex.quote(c) for c in cmd), flush=True)
    started = time.monotonic()
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=dict(os.environ),
            errors="replace",
        )
        for line in proc.stdout:
            log.write(line)
            m = LOG_LINE.match(line)
            if (
                (
                    m
                    and echo_all_problems
                    and m["level"] in ("WARNING", "ERROR", "CRITICAL")
                )
                or (m and m["logger"] in ("odoo.tests.result", "odoo.tests.stats"))
                or " FAIL:" in line
                or " ERROR:" in line
            ):
                sys.stdout.write(line)
                sys.stdout.flush()
        code = proc.wait()
    return code, time.monotonic() - started


def run_odoo_tests(db, addons, log_path):
    cmd = odoo_base(db) + [
        "-i",
        ",".join(addons),
        "--test-enable",
        "--test-tags",
        ",".join(f"/{a}" for a in addons),
        *test_options(),
    ]
    return run_logged(cmd, log_path)


def build_demo_db(db, log_path):
    """The demo database, built by the same step as `make run` (scripts/lib.sh)."""
    cmd = ["bash", str(ROOT / "scripts" / "build-demo-db"), db]
    return run_logged(cmd, log_path)


def run_demo_tests(db, log_path):
    """The post_install tests tagged emowaten_demo of the modules installed on ``db``:
    with neither -i nor -u, Odoo runs the post_install tests of every installed module
    that match --test-tags (odoo/service/server.py, preload_registries)."""
    cmd = odoo_base(db) + ["--test-tags", DEMO_TAG, *test_options()]
    return run_logged(cmd, log_path)


def db_exists(db):
    proc = subprocess.run(
        ["psql", "-d", db, "-tAc", "select 1"],
        capture_output=True,
        text=True,
        check=False,
    )
    return proc.returncode == 0


def drop_db(db):
    """Drop the database and its filestore (Odoo keeps attachments on disk)."""
    subprocess.run(["dropdb", "--if-exists", db], check=False)
    conf = configparser.ConfigParser()
    conf.read(ROOT / "config" / "odoo.conf")
    data_dir = conf.get("options", "data_dir", fallback=None)
    if data_dir:
        shutil.rmtree(Path(data_dir) / "filestore" / db, ignore_errors=True)


def find_browser():
    wanted = os.environ.get("ODOO_BROWSER_BIN")
    if wanted and os.path.exists(wanted):
        return wanted
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


def analyse_log(log_path):
    passed = failed = 0
    per_module = {}
    problems = []
    skipped = []
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
                    # failed subtests count one each: never below zero
                    passed += max(0, n - f - e)
            elif STARTING_MSG.match(msg) and (s := STARTING.match(logger)):
                # One "Starting Class.test_method ..." line per test that ran.
                per_module[s["module"]] = per_module.get(s["module"], 0) + 1
            elif logger.startswith("odoo.addons.") and SKIPPED.match(msg):
                skipped.append(line.rstrip())
            if level in ("ERROR", "CRITICAL"):
                problems.append(line.rstrip())
            elif level == "WARNING":
                if not any(
                    logger == lg and re.search(rx, msg)
                    for lg, rx in HARMLESS_CORE_WARNINGS
                ):
                    problems.append(line.rstrip())
    return passed, failed, per_module, problems, result_seen, skipped


def report_problems(summary, problems, log_path):
    """Append the WARNING/ERROR lines of a log to the summary; 1 if any, else 0."""
    if not problems:
        return 0
    summary.append(
        f"    FAILED: {len(problems)} WARNING/ERROR log line(s) (see {log_path}):"
    )
    summary.extend("      " + p[:400] for p in problems[:40])
    return 1


def run_pytest(extra_env):
    tests_dir = ROOT / "tests"
    if not any(tests_dir.rglob("test_*.py")):
        print("[e-mowaten] pytest: no test files under tests/", flush=True)
        return 0, 1
    junit = RUN_DIR / "pytest-junit.xml"
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


def empty_db_phase(args, addons, summary, demo_counts):
    """Phase 1: every addon installed with its tests on an empty database."""
    db = f"emowaten_test_{os.getpid()}"
    log_path = RUN_DIR / "odoo-tests.log"
    drop_db(db)
    code, seconds = run_odoo_tests(db, addons, log_path)
    passed, failed, per_module, problems, result_seen, _skipped = analyse_log(log_path)
    if args.keep_db:
        summary.append(f"  (kept the empty-database test database {db})")
    else:
        drop_db(db)
    summary.append(f"  phase empty database ({seconds:.0f} s, log {log_path}):")
    for addon in addons:
        count = per_module.get(addon, 0)
        summary.append(f"    Odoo tests of {addon}: {count}")
        if count == 0 and addon == DEMO_ADDON:
            # its tests are all -standard: they run in the demo phase, counted there
            if demo_counts is None:
                summary.append(
                    f"      {addon}: its tests run in the demo phase (not run here)"
                )
            elif demo_counts.get(addon, 0):
                summary.append(
                    f"      {addon}: {demo_counts[addon]} tests, run in the demo phase"
                )
            else:
                summary.append(
                    f"      {addon}: no test ran in the demo phase either"
                    " (counted as a failure there)"
                )
        elif count == 0:
            summary.append(f"      FAILED: no Odoo test ran for {addon}")
            failed += 1
    if code != 0 or not result_seen:
        summary.append(
            f"    FAILED: Odoo exited with {code}; no result line: {not result_seen}"
        )
        failed += 1
    failed += report_problems(summary, problems, log_path)
    summary.append(f"    {passed} passed, {failed} failed")
    return passed, failed


def demo_phase(args, db, summary):
    """Phase 2: the demo database built as `make run` builds it, its log checked,
    then the tests tagged emowaten_demo on it.
    Returns (passed, failed, tests per module, whether the database was built)."""
    passed = failed = 0
    per_module = {}
    reuse = bool(args.demo_db) and db_exists(args.demo_db)
    build_log = RUN_DIR / "odoo-demo-build.log"
    tests_log = RUN_DIR / "odoo-demo-tests.log"
    has_demo_addon = (ROOT / "addons" / DEMO_ADDON / "__manifest__.py").exists()
    if reuse:
        summary.append(f"  phase demo build: skipped, reusing the database {db}")
    else:
        drop_db(db)
        code, seconds = build_demo_db(db, build_log)
        _p, _f, _m, problems, _r, _s = analyse_log(build_log)
        summary.append(f"  phase demo build ({seconds:.0f} s, log {build_log}):")
        if code != 0:
            summary.append(f"    FAILED: the demo build exited with {code}")
            failed += 1
        failed += report_problems(summary, problems, build_log)
        summary.append(f"    the demo database: {'FAILED' if failed else 'ok'}")
        if code != 0:
            return passed, failed, per_module, False
    if not has_demo_addon:
        summary.append(f"  phase demo tests: skipped, no addon {DEMO_ADDON} yet")
        return passed, failed, per_module, True
    if not find_browser():
        summary.append(
            "  phase demo tests: FAILED: no Chromium found (tried "
            + ", ".join(BROWSERS)
            + "): the tours would be skipped. Install the Debian package chromium."
        )
        return passed, failed + 1, per_module, True
    code, seconds = run_demo_tests(db, tests_log)
    p, f, per_module, problems, result_seen, skipped = analyse_log(tests_log)
    passed += p
    summary.append(f"  phase demo tests ({seconds:.0f} s, log {tests_log}):")
    for module, count in sorted(per_module.items()):
        summary.append(f"    Odoo tests tagged {DEMO_TAG} of {module}: {count}")
    if not per_module.get(DEMO_ADDON):
        summary.append(f"    FAILED: no test tagged {DEMO_TAG} ran in {DEMO_ADDON}")
        f += 1
    if skipped:
        # a journey that skips (no browser, no devtools) has tested nothing
        summary.append(f"    FAILED: {len(skipped)} test(s) skipped:")
        summary.extend("      " + line[:400] for line in skipped[:20])
        f += 1
    if code != 0 or not result_seen:
        summary.append(
            f"    FAILED: Odoo exited with {code}; no result line: {not result_seen}"
        )
        f += 1
    f += report_problems(summary, problems, tests_log)
    summary.append(f"    {p} passed, {f} failed")
    failed += f
    return passed, failed, per_module, True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--keep-db", action="store_true", help="keep the test databases"
    )
    parser.add_argument("--odoo-only", action="store_true", help="no pytest")
    parser.add_argument("--pytest-only", action="store_true", help="pytest only")
    parser.add_argument(
        "--addons",
        help="comma-separated subset of our addons for the empty-database phase "
        "(the demo phase is then skipped unless --demo is given)",
    )
    parser.add_argument(
        "--demo", action="store_true", help="run the demo phase even with --addons"
    )
    parser.add_argument("--no-demo", action="store_true", help="skip the demo phase")
    parser.add_argument(
        "--demo-only",
        action="store_true",
        help="only the demo phase: build the demo database, run its tests",
    )
    parser.add_argument(
        "--demo-db",
        metavar="NAME",
        help="demo phase on the database NAME: reused as it is if it exists (no "
        "build), else built under that name; kept in both cases",
    )
    args = parser.parse_args()

    addons = args.addons.split(",") if args.addons else our_addons()
    total_passed = total_failed = 0
    summary = []
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()

    run_empty = not (args.pytest_only or args.demo_only or args.demo_db)
    run_demo = not args.pytest_only and (
        args.demo_only
        or args.demo_db
        or args.demo
        or (not args.no_demo and not args.addons)
    )
    run_pytest_phase = not (args.odoo_only or args.demo_only or args.demo_db)

    demo_counts = None
    demo_summary = []
    demo_db = args.demo_db or f"emowaten_demo_test_{os.getpid()}"
    demo_built = False
    try:
        if run_demo:
            # first, so the empty-database phase can count emowaten_demo's tests
            passed, failed, demo_counts, demo_built = demo_phase(
                args, demo_db, demo_summary
            )
            total_passed += passed
            total_failed += failed
        elif not args.pytest_only:
            demo_summary.append(
                "  phase demo: skipped"
                + (" (--addons given; add --demo to run it)" if args.addons else "")
            )
        if run_empty:
            passed, failed = empty_db_phase(args, addons, summary, demo_counts)
            total_passed += passed
            total_failed += failed
        summary.extend(demo_summary)

        if run_pytest_phase:
            t0 = time.monotonic()
            # pytest's demo server serves the demo database just built and checked,
            # instead of building another one
            passed, failed = run_pytest(
                {"EMOWATEN_DEMO_DB": demo_db} if demo_built else {}
            )
            summary.append(
                f"  phase pytest (tests/, {time.monotonic() - t0:.0f} s):"
                f" {passed} passed, {failed} failed"
            )
            total_passed += passed
            total_failed += failed
    finally:
        # the throw-away demo database goes, even after a failure or Ctrl-C
        if run_demo and not (args.keep_db or args.demo_db):
            drop_db(demo_db)
    if run_demo and (args.keep_db or args.demo_db):
        summary.append(f"  (kept the demo database {demo_db})")

    print("\n[e-mowaten] summary")
    print("\n".join(summary))
    print(f"  total {time.monotonic() - started:.0f} s")
    print(f"{total_passed} passed, {total_failed} failed", flush=True)
    return 1 if total_failed else 0


if __name__ == "__main__":
    sys.exit(main())
