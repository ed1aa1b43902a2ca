"""CI-sized runs of scripts/loadtest.py (agents registering, routing, answering and
signing with a SoftHSM2 token) and of the safe scenarios of scripts/faults.py (kill -9
an HTTP worker under load, kill -9 the worker in the middle of a batch signing), against
the session's demo database served by a second, prefork server. Opt-in:
EMOWATEN_LOAD_TESTS=1. The PostgreSQL restart is never run here: it would interrupt
every database of the cluster (run it by hand: scripts/faults.py
--with-postgres-restart)."""

import os
import subprocess
import sys

import pytest

from ..conftest import ROOT, free_port


def _run(script, *args, timeout=900):
    return subprocess.run(
        [sys.executable, str(ROOT / "scripts" / script), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@pytest.fixture(scope="module")
def database(request):
    # Opt-in: each test starts a second, prefork server and hashes 20 passwords; on a
    # machine shared by other heavy jobs its setup calls can exceed Odoo's 300 s
    # request limit, which says nothing about e-Mowaten. Enable it where the CI runs
    # alone: EMOWATEN_LOAD_TESTS=1 make test.
    if os.environ.get("EMOWATEN_LOAD_TESTS") != "1":
        pytest.skip("set EMOWATEN_LOAD_TESTS=1 to run the load and fault tests")
    return request.getfixturevalue("demo_server").db


def test_quick_load_run_loses_nothing(database, tmp_path):
    result = _run(
        "loadtest.py",
        "--quick",
        # a call the client gives up on after 120 s says the machine is overloaded,
        # not that data was lost; every other failure counts: a refused registration
        # or signature, a 5xx, an ERROR in the server log, any integrity check
        "--tolerate-timeouts",
        "--no-install",
        "--db",
        database,
        "--port",
        str(free_port()),
        "--logdir",
        str(tmp_path),
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "RESULT: PASS" in result.stdout
    assert "signatures refused: 0" in result.stdout


def test_killed_worker_is_respawned_and_nothing_is_half_written(database, tmp_path):
    report = tmp_path / "faults.json"
    result = _run(
        "faults.py",
        "--no-install",
        "--db",
        database,
        "--scenarios",
        "worker,sign",
        "--duration",
        "30",
        "--agents",
        "6",
        "--port",
        str(free_port()),
        "--report",
        str(report),
        "--logdir",
        str(tmp_path),
    )
    print(result.stdout)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    assert "PASS  worker" in result.stdout
