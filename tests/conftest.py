"""Shared fixtures of the integration tests under tests/.

These tests run outside Odoo's test runner: they drive the project's own commands
and a real Odoo server on a free local port, against a real PostgreSQL.
scripts/test.sh exports where Odoo and the venv are (EMW_ODOO, EMW_ADDONS_PATH).
"""

import json
import os
import shlex
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def odoo_cmd(db, *args):
    if "EMW_ODOO" not in os.environ:
        pytest.fail("EMW_ODOO is not set: run these tests through `make test`")
    return [
        *shlex.split(os.environ["EMW_ODOO"]),
        "-c",
        str(ROOT / "config" / "odoo.conf"),
        "--addons-path",
        os.environ["EMW_ADDONS_PATH"],
        "-d",
        db,
        "--db-filter",
        f"^{db}$",
        *args,
    ]


def our_addons():
    return sorted(p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py"))


class OdooServer:
    def __init__(self, db, port, proc):
        self.db, self.port, self.proc = db, port, proc
        self.url = f"http://127.0.0.1:{port}"

    def get(self, path, timeout=30):
        with urllib.request.urlopen(self.url + path, timeout=timeout) as resp:
            return resp.status, resp.read()

    def jsonrpc(self, path, params, opener=None):
        data = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params}
        ).encode()
        req = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with (opener or urllib.request.build_opener()).open(req, timeout=60) as resp:
            return json.loads(resp.read())


@pytest.fixture(scope="session")
def demo_server(tmp_path_factory):
    """A database with demo data and every addon — what `make run` builds, by the same
    step (scripts/build-demo-db) — served on a free port. The test command passes the
    demo database it has just built and checked in EMOWATEN_DEMO_DB: it is reused
    (and dropped by the test command); otherwise one is built here and dropped at the
    end of the session."""
    given = os.environ.get("EMOWATEN_DEMO_DB")
    db = given or f"emowaten_pytest_{os.getpid()}"
    log = tmp_path_factory.mktemp("odoo") / "server.log"
    if not given:
        subprocess.run(["dropdb", "--if-exists", db], check=False)
        install = subprocess.run(
            ["bash", str(ROOT / "scripts" / "build-demo-db"), db],
            capture_output=True,
            text=True,
            check=False,
        )
        assert install.returncode == 0, install.stdout[-5000:] + install.stderr[-5000:]
    port = free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen(
            odoo_cmd(db, "--http-port", str(port), "--max-cron-threads", "0"),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = OdooServer(db, port, proc)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                if server.get("/web/login", timeout=5)[0] == 200:
                    break
            except OSError:
                pass
            assert proc.poll() is None, log.read_text()[-5000:]
            assert time.monotonic() < deadline, "server did not answer in 120 s"
            time.sleep(1)
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
        if not given:
            subprocess.run(["dropdb", "--if-exists", db], check=False)
