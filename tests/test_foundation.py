"""The foundation's promises: Odoo is found or the user is told how to provide it, the
pins live together, and the demo database serves the login page to every demo user."""

import http.cookiejar
import os
import re
import subprocess
import time
import urllib.request

import pytest

from .conftest import ROOT


@pytest.fixture
def bare_checkout(tmp_path):
    """A copy of the checkout's scripts and requirements, without config/odoo-path."""
    work = tmp_path / "checkout"
    (work / "scripts").mkdir(parents=True)
    (work / "config").mkdir()
    for name in ("lib.sh", "test.sh", "run_tests.py", "lint"):
        (work / "scripts" / name).write_bytes((ROOT / "scripts" / name).read_bytes())
    for name in (
        "requirements.txt",
        "requirements-odoo-addons.txt",
        "requirements-lint.txt",
    ):
        (work / name).write_bytes((ROOT / name).read_bytes())
    return work


def _run(checkout, tmp_path, **extra):
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("EMOWATEN_", "EMW_"))
    }
    env.update(
        EMOWATEN_ETC=str(tmp_path / "etc"),
        EMOWATEN_VENV=str(tmp_path / "no-venv"),
        **extra,
    )
    start = time.monotonic()
    proc = subprocess.run(
        ["bash", str(checkout / "scripts" / "test.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    return proc, time.monotonic() - start


def test_without_odoo_the_test_command_fails_fast_and_explains(bare_checkout, tmp_path):
    proc, seconds = _run(bare_checkout, tmp_path)
    assert proc.returncode != 0
    assert seconds < 60
    assert "Odoo 19.0 was not found" in proc.stderr
    assert "EMOWATEN_ODOO=/path/to/odoo-19.0 make test" in proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout


def test_a_wrong_odoo_path_is_refused_with_the_same_help(bare_checkout, tmp_path):
    proc, _seconds = _run(bare_checkout, tmp_path, EMOWATEN_ODOO=str(tmp_path))
    assert proc.returncode != 0
    assert "is not an Odoo 19.0 source tree" in proc.stderr
    assert "Odoo 19.0 was not found" in proc.stderr


def test_a_stale_machine_wide_path_is_reported(bare_checkout, tmp_path):
    (tmp_path / "etc").mkdir()
    (tmp_path / "etc" / "odoo-path").write_text("/nonexistent/odoo\n")
    proc, _seconds = _run(bare_checkout, tmp_path)
    assert proc.returncode != 0
    assert "ignoring" in proc.stderr and "/nonexistent/odoo" in proc.stderr


def test_every_requirement_is_pinned():
    for name in (
        "requirements.txt",
        "requirements-odoo-addons.txt",
        "requirements-lint.txt",
    ):
        for raw in (ROOT / name).read_text().splitlines():
            line = raw.split("#", 1)[0].strip()
            if line:
                assert re.match(r"^[A-Za-z0-9_.\-\[\],]+==[\w.]+$", line), (
                    f"{name}: {raw}"
                )


def test_pyhanko_and_odoo_share_one_environment():
    """The overridden pins (cryptography, pyOpenSSL, urllib3, requests) must let Odoo's
    HTTP stack and pyhanko import side by side."""
    code = (
        "import odoo, odoo.http, urllib3.contrib.pyopenssl, requests, OpenSSL;"
        "from pyhanko.sign import signers; import cryptography;"
        "assert int(cryptography.__version__.split('.')[0]) >= 48"
    )
    py = os.environ.get("EMW_PY") or os.path.join(
        os.environ["EMW_VENV"], "bin", "python"
    )
    env = dict(os.environ)
    tree = os.environ.get("EMW_ODOO_TREE")
    if tree:
        env["PYTHONPATH"] = tree
    proc = subprocess.run(
        [py, "-c", code], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0, proc.stderr


def test_websocket_process_dependencies_resolve():
    """A multi-worker server starts its websocket process (gevent) as a second
    odoo-bin; setuptools' pkg_resources must resolve gevent and its zope packages,
    or that process crash-loops."""
    py = os.environ.get("EMW_PY") or os.path.join(
        os.environ["EMW_VENV"], "bin", "python"
    )
    code = "import pkg_resources, gevent; pkg_resources.require('gevent')"
    proc = subprocess.run([py, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def _demo_users():
    """The demo users table of the README: | login | password | role |."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Demo users", 1)[1].split("\n## ", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        if (
            len(cells) >= 3
            and cells[0]
            and cells[0] not in ("login",)
            and "---" not in cells[0]
        ):
            rows.append((cells[0], cells[1], cells[2]))
    return rows


def test_readme_lists_demo_users_of_every_role():
    roles = " ".join(r for _l, _p, r in _demo_users()).lower()
    for role in (
        "agent",
        "manager",
        "correspondent",
        "signatory",
        "supervisor",
        "admin",
    ):
        assert role in roles, f"no demo user for the role {role} in README"


def test_login_page_is_served(demo_server):
    status, body = demo_server.get("/web/login")
    assert status == 200
    assert b"login" in body


@pytest.mark.parametrize("login,password,role", _demo_users())
def test_demo_user_can_log_in(demo_server, login, password, role):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    reply = demo_server.jsonrpc(
        "/web/session/authenticate",
        {"db": demo_server.db, "login": login, "password": password},
        opener=opener,
    )
    assert "error" not in reply, reply
    assert reply["result"]["uid"], f"{login} ({role}) could not log in"


def _scripts_odoo(*args, stdin=None):
    """scripts/odoo as a developer types it (the test command did the set-up)."""
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "odoo"), *args],
        input=stdin,
        env={**os.environ, "EMOWATEN_SKIP_SETUP": "1"},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.parametrize(
    "subcommand",
    [("shell",), ("i18n",), ("i18n", "export"), ("db",), ("neutralize",), ("module",)],
)
def test_odoo_wrapper_passes_subcommands(subcommand):
    """odoo-bin takes its subcommand first: the wrapper must not put -c before it."""
    proc = _scripts_odoo(*subcommand, "--help")
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "unrecognized" not in proc.stdout + proc.stderr
    # the subcommand's own usage line, not odoo-bin's list of commands
    usage = "[--addons-path=PATH,...] " + " ".join(subcommand)
    assert usage in proc.stdout, proc.stdout[-2000:]


def test_odoo_wrapper_shell_runs_a_script(demo_server):
    """`scripts/odoo shell -d DB` opens the database with our addons path."""
    proc = _scripts_odoo(
        "shell",
        "-d",
        demo_server.db,
        "--no-http",
        "--log-level",
        "warn",
        stdin='print("EMW-SHELL", env["emowaten.office"].search_count([]) > 0)\n',
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert "EMW-SHELL True" in proc.stdout, proc.stdout[-2000:] + proc.stderr[-2000:]


def _run_tests_module():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "emowaten_run_tests", ROOT / "scripts" / "run_tests.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_log_analysis_counts_tests_not_browser_lines_nor_subtests(tmp_path):
    """A tour's browser logs "Starting ..." under the test's logger, and each failed
    subtest counts as one failure in Odoo's result line: neither may inflate the test
    count nor make the passed count negative."""
    head = "2026-12-04 01:03:26,966 28688"
    log = tmp_path / "odoo.log"
    log.write_text(
        f"{head} INFO db odoo.addons.emowaten_demo.tests.test_clickbot: "
        "Starting TestClickEverywhere.test_admin_ar ... \n"
        f"{head} INFO db odoo.addons.emowaten_demo.tests.test_clickbot."
        "TestClickEverywhere.test_admin_ar.browser: Starting clickbot\n"
        f"{head} INFO db odoo.addons.emowaten_demo.tests.test_journey: "
        "skipped TestJourney.test_citizen : Chrome executable not found\n"
        f"{head} ERROR db odoo.tests.result: 3 failed, 0 error(s) of 1 tests "
        "when loading database 'db'\n"
    )
    passed, failed, per_module, problems, result_seen, skipped = (
        _run_tests_module().analyse_log(log)
    )
    assert (passed, failed, result_seen) == (0, 3, True)
    assert per_module == {"emowaten_demo": 1}
    assert len(problems) == 1 and "odoo.tests.result" in problems[0]
    assert len(skipped) == 1 and "Chrome executable not found" in skipped[0]


def test_make_run_and_the_test_command_build_the_demo_database_alike():
    """One definition of the demo database (scripts/lib.sh), used by both commands."""
    lib = (ROOT / "scripts" / "lib.sh").read_text()
    assert "emw_build_demo_db()" in lib
    assert "--with-demo" in lib and "--load-language" in lib
    assert "emw_build_demo_db" in (ROOT / "scripts" / "run.sh").read_text()
    assert "emw_build_demo_db" in (ROOT / "scripts" / "build-demo-db").read_text()
    assert "build-demo-db" in (ROOT / "scripts" / "run_tests.py").read_text()
    assert "--with-demo" not in (ROOT / "scripts" / "run.sh").read_text()


def test_demo_build_refuses_an_existing_database():
    """scripts/build-demo-db never installs over a database (e.g. make run's)."""
    proc = subprocess.run(
        ["bash", str(ROOT / "scripts" / "build-demo-db"), "postgres"],
        env={**os.environ, "EMOWATEN_SKIP_SETUP": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert proc.returncode != 0
    assert "exists already" in proc.stderr
