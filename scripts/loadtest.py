#!/usr/bin/env python3
"""Load test: concurrent office agents over JSON-RPC against a multi-worker Odoo.

    scripts/loadtest.py [--quick] [--duration S] [--agents 20] [--db NAME] [--port P]

Creates a throw-away database with every addon of addons/, starts
``scripts/odoo --workers=<agents + 1> --max-cron-threads=1`` on 127.0.0.1, and lets
``--agents`` simulated agents log in (``/web/session/authenticate``) and work through
``/web/dataset/call_kw``: register requests (create + action_register), route them to a
body (route wizard), answer them (answer + action_submit, which renders the letter and
sends it, or puts a favourable answer in the signatory's queue) and list their office's
files. The first agent of each office is also its signatory: a key pair generated on a
SoftHSM2 token private to the run, a certificate of a test CA stored next to it and
registered in Odoo with the server PKCS#11 flow, and a signing authority for the
office's body. Signatories sign what awaits their signature, one answer or the whole
batch, through the Sign dialog's own method with the token's PIN. After the measured
window they sign whatever is left, then the server stops and the database is checked:

* no HTTP 5xx and no server-side exception returned to an agent (business errors such as
  a ValidationError are counted apart), no refused signature;
* every request whose registration an agent saw acknowledged is in the database, with
  the reference the agent was given;
* references are unique and gapless per office and year, and no registered request lacks
  one;
* every answer that needed a signature is signed; every signed answer has its signed PDF
  (in the filestore) and exactly one audit entry (``emowaten.signature.log``), and every
  audit entry its signed PDF.

Prints throughput and p50/p99 latency per operation and exits non-zero when a check
fails. ``--quick`` is a 30-second run for CI. Only 127.0.0.1 is contacted. The harness
needs only the standard library, except signing: the token, the test CA and the CRL
distribution point come from emowaten_signature's tools (python-pkcs11, cryptography,
pyhanko: the project's venv, which the script switches to by itself when it is run
with another Python); ``--no-sign`` runs without them.
"""

import argparse
import configparser
import datetime
import html
import http.cookiejar
import importlib.util
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODOO = ROOT / "scripts" / "odoo"
SUPERVISE = ROOT / "scripts" / "supervise"
SIGNATURE_TOOLS = ROOT / "addons" / "emowaten_signature" / "tools"
BUSINESS_ERRORS = (
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
)
REFERENCE_RE = re.compile(r"^(?P<prefix>.+)-(?P<year>\d{4})-(?P<number>\d+)$")


def log(message):
    print(f"[loadtest] {message}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- server
def our_addons():
    return sorted(p.parent.name for p in (ROOT / "addons").glob("*/__manifest__.py"))


def odoo_env():
    env = dict(os.environ)
    env["EMOWATEN_SKIP_SETUP"] = "1"
    return env


def free_port(start, end):
    for port in range(start, end):
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port in {start}-{end}")


def psql(db, sql):
    out = subprocess.run(
        ["psql", "-X", "-d", db, "-tA", "-F", "\t", "-c", sql],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.split("\t") for line in out.stdout.splitlines() if line]


def drop_database(db):
    """Drop a throw-away database, and its filestore (dropdb leaves it behind)."""
    store = filestore(db)
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    if store:
        shutil.rmtree(store, ignore_errors=True)


def create_database(db, logfile):
    drop_database(db)
    log(f"installing {', '.join(our_addons())} into {db} (a few minutes)")
    os.makedirs(os.path.dirname(logfile) or ".", exist_ok=True)
    with open(logfile, "w") as out:
        result = subprocess.run(
            [
                str(ODOO),
                "-d",
                db,
                "--db-filter",
                f"^{db}$",
                "-i",
                ",".join(our_addons()),
                "--stop-after-init",
                "--max-cron-threads",
                "0",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=odoo_env(),
            check=False,
        )
    if result.returncode:
        raise SystemExit(f"install failed, see {logfile}")


class Server:
    """``scripts/odoo`` in prefork mode, in its own process group; with
    ``supervised``, under ``scripts/supervise``, which restarts it when it exits."""

    def __init__(self, db, port, logfile, workers=2, cron_threads=1, supervised=False):
        self.db, self.port, self.logfile = db, port, logfile
        self.workers, self.cron_threads = workers, cron_threads
        self.supervised = supervised
        self.proc = None
        self.url = f"http://127.0.0.1:{port}"

    def command(self):
        odoo = [
            str(ODOO),
            "-d",
            self.db,
            "--db-filter",
            f"^{self.db}$",
            f"--workers={self.workers}",
            f"--max-cron-threads={self.cron_threads}",
            "--http-interface",
            "127.0.0.1",
            "--http-port",
            str(self.port),
            "--gevent-port",
            str(self.port + 1),
            "--limit-time-real",
            "300",
        ]
        if self.supervised:
            return [str(SUPERVISE), "--backoff", "1", "--grace", "30", "--", *odoo]
        return odoo

    def start(self, timeout=180):
        # only this run's lines count when the log file is reused
        self.log_offset = (
            os.path.getsize(self.logfile) if os.path.exists(self.logfile) else 0
        )
        out = open(self.logfile, "a")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            self.command(),
            stdout=out,
            stderr=subprocess.STDOUT,
            env=odoo_env(),
            start_new_session=True,
        )
        if not self.wait_ready(timeout):
            self.stop()
            raise SystemExit(
                f"server did not answer in {timeout} s, see {self.logfile}"
            )

    def wait_ready(self, timeout):
        """True once /web/login answers 200 (False after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited, see {self.logfile}")
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return True
            except OSError:
                pass
            time.sleep(1)
        return False

    def children(self, pid):
        """[(pid, stat, args)] of the live (not zombie) children of ``pid``."""
        out = subprocess.run(
            ["ps", "-o", "pid=,stat=,args=", "--ppid", str(pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        rows = []
        for line in out.splitlines():
            parts = line.split(None, 2)
            if len(parts) == 3 and not parts[1].startswith("Z"):
                rows.append((int(parts[0]), parts[1], parts[2]))
        return rows

    def master_pid(self):
        """The Odoo prefork master: our child, or the supervisor's (None while the
        supervisor waits to restart it)."""
        if not self.supervised:
            return self.proc.pid
        masters = self.children(self.proc.pid)
        return masters[0][0] if masters else None

    def worker_pids(self):
        """PIDs of the workers (HTTP and cron): the prefork master's children but the
        websocket (gevent) process."""
        master = self.master_pid()
        if master is None:
            return []
        return [pid for pid, _s, args in self.children(master) if " gevent" not in args]

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        master = self.master_pid() if self.supervised else None
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)
        if master is not None:
            # the supervised server has its own process group: never leave it behind
            try:
                os.killpg(master, signal.SIGKILL)
            except ProcessLookupError:
                pass

    def log_errors(self):
        """(ERROR/CRITICAL lines of this run, conflicts Odoo retried by itself).

        When a statement meets a concurrent update (serialization failure, deadlock,
        a NOWAIT lock refused), psycopg logs it as ERROR 'bad query' and Odoo's RPC
        layer rolls back and retries the whole call ("SERIALIZATION_FAILURE, 4 tries
        left"): those are counted apart. A call refused after the last retry reaches
        the agent as a server error, and fails the run there."""
        with open(self.logfile, "rb") as handle:
            handle.seek(getattr(self, "log_offset", 0))
            lines = handle.read().decode(errors="replace").splitlines()
        errors, retried = [], 0
        for index, line in enumerate(lines):
            match = LOG_ERROR_RE.search(line)
            if not match:
                continue
            if "bad query" in line and _retried_next(lines[index + 1 :], match["pid"]):
                retried += 1
                continue
            errors.append(line)
        return errors, retried


LOG_ERROR_RE = re.compile(r"^\S+ \S+ (?P<pid>\d+) (ERROR|CRITICAL) ")
LOG_LINE_RE = re.compile(r"^\d{4}-\d\d-\d\d \S+ (?P<pid>\d+) ")


def _retried_next(lines, pid, horizon=400):
    """True when the next log line of process ``pid`` says Odoo retries the call."""
    for line in lines[:horizon]:
        match = LOG_LINE_RE.match(line)
        if match and match["pid"] == pid:
            return "tries left, try again" in line
    return False


# --------------------------------------------------------------------------- token
def signature_tool(name):
    """A module of emowaten_signature/tools (plain Python, no Odoo import), loaded from
    its file: the same SoftHSM2 token, test CA and CRL server the addon's tests use."""
    spec = importlib.util.spec_from_file_location(
        f"emowaten_signature_tools_{name}", SIGNATURE_TOOLS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class SigningKit:
    """What a signatory needs from outside Odoo: a SoftHSM2 token initialised in a
    directory private to the run, whose configuration is exported as SOFTHSM2_CONF
    (create the kit before starting the server: it inherits the variable and sees the
    same token), a test CA whose certificates name a CRL distribution point served
    from this process, and the token's PIN."""

    TOKEN_LABEL = "emowaten-load"

    def __init__(self):
        softhsm = signature_tool("softhsm")
        testpki = signature_tool("testpki")
        localservices = signature_tool("localservices")
        self.root = tempfile.mkdtemp(prefix="lt_softhsm_")
        self.pin = f"{secrets.randbelow(10**8):08d}"
        self.module = softhsm.SOFTHSM_LIB
        self.token = softhsm.SoftHSMToken(
            label=self.TOKEN_LABEL,
            user_pin=self.pin,
            so_pin=secrets.token_hex(8),
            root=self.root,
        )
        self.services = localservices.LocalServices().start()
        self.pki = testpki.TestPKI(crl_url=self.services.crl_url)
        self.services.crl_provider = self.pki.crl
        self.keys = 0
        self.anchor_registered = False

    def issue(self, common_name):
        """An RSA key pair generated on the token and its certificate, stored on the
        token under the same label; returns the label."""
        self.keys += 1
        label = f"load-signer-{self.keys}"
        key_id = self.keys.to_bytes(2, "big")
        public_key = self.token.generate_key(label, key_id)
        issued = self.pki.issue(common_name, public_key=public_key)
        self.token.store_certificate(label, key_id, issued.cert_der)
        return label

    def close(self):
        self.services.stop()
        shutil.rmtree(self.root, ignore_errors=True)


# --------------------------------------------------------------------------- client
class RpcError(Exception):
    def __init__(self, name, message):
        super().__init__(f"{name}: {message}")
        self.name = name
        self.business = name in BUSINESS_ERRORS


class HttpError(Exception):
    def __init__(self, status):
        super().__init__(f"HTTP {status}")
        self.status = status


class Client:
    """One browser session: cookie jar + JSON-RPC."""

    def __init__(self, url, db, timeout=120):
        self.url, self.db, self.timeout = url, db, timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.cookies)
        )
        self.uid = None

    @staticmethod
    def payload(params):
        return json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        ).encode()

    @staticmethod
    def result(body):
        """The result of a JSON-RPC answer, or its error raised as RpcError."""
        if body.get("error"):
            error = body["error"]
            data = error.get("data") or {}
            raise RpcError(data.get("name", error.get("message")), data.get("message"))
        return body.get("result")

    def jsonrpc(self, path, params):
        req = urllib.request.Request(
            self.url + path,
            data=self.payload(params),
            headers={"Content-Type": "application/json"},
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                body = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise HttpError(exc.code) from exc
        return self.result(body)

    def login(self, login, password):
        result = self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        return result

    @staticmethod
    def call_params(model, method, *args, **kwargs):
        return (
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(*self.call_params(model, method, *args, **kwargs))


# --------------------------------------------------------------------------- setup
def xmlid(client, full):
    module, name = full.split(".")
    rows = client.call(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        ["res_id"],
    )
    return rows[0]["res_id"]


def prepare(url, db, agents, citizens=100, emails=True, kit=None):
    """Offices (each with a body of its own), agent users and citizens, created as
    admin; with a SigningKit, the first agent of each office is also its signatory.
    Returns the fixture."""
    # setting up (hashing 20 passwords) is slow on a loaded machine: be patient here
    admin = Client(url, db, timeout=900)
    admin.login("admin", "admin")
    # wkhtmltopdf fetches the report assets over HTTP: from this server, not from
    # whatever web.base.url says (often http://localhost:8069, another server or none);
    # put back as it was at the end (restore_params), the database may outlive the run
    saved = {"report.url": admin.call("ir.config_parameter", "get_param", "report.url")}
    admin.call("ir.config_parameter", "set_param", "report.url", url)
    run = f"{int(time.time()) % 100000:05d}"
    bodies = admin.call("emowaten.body", "search", [], limit=6, order="id")
    offices, office_bodies = [], []
    for letter in "AB":
        # a body of its own: no answer of another office awaits its signatories
        body = admin.call(
            "emowaten.body",
            "create",
            {
                "name": f"Load body {letter} {run}",
                "code": f"LOAD-BODY-{letter}-{run}",
                "body_type": "governorate",
            },
        )
        office_bodies.append(body)
        offices.append(
            admin.call(
                "emowaten.office",
                "create",
                {
                    "name": f"Load office {letter} {run}",
                    "code": f"LOAD-{letter}-{run}",
                    "reference_prefix": f"L{letter}{run}",
                    "kind": "governorate",
                    "body_id": body,
                },
            )
        )
    agent_group = xmlid(admin, "emowaten_base.group_emowaten_agent")
    signatory_group = xmlid(admin, "emowaten_base.group_emowaten_signatory")
    users, signatories = [], {}
    for index in range(agents):
        login = f"load_agent_{run}_{index}"
        office_index = index % len(offices)
        signs = kit is not None and index < len(offices)
        uid = admin.call(
            "res.users",
            "create",
            {
                "name": f"Load agent {index}",
                "login": login,
                "password": login,
                "group_ids": [
                    (6, 0, [agent_group] + ([signatory_group] if signs else []))
                ],
            },
        )
        admin.call(
            "emowaten.office.member",
            "create",
            {"office_id": offices[office_index], "user_id": uid, "role": "agent"},
        )
        users.append((login, offices[office_index]))
        if signs:
            provision_signatory(admin, kit, uid, office_bodies[office_index], run)
            signatories[login] = offices[office_index]
    partner_ids = admin.call(
        "res.partner",
        "create",
        [
            {
                "name": f"Citizen {run} {index}",
                "emowaten_is_citizen": True,
                "emowaten_cin": f"1{random.randint(0, 9999999):07d}",
                # one citizen in ten has an e-mail address, and so gets a PDF receipt
                "email": f"citizen{run}.{index}@example.com"
                if emails and index % 10 == 0
                else False,
            }
            for index in range(citizens)
        ],
    )
    # petitions: a favourable answer needs an authorised signature
    type_ids = admin.call(
        "emowaten.request.type",
        "search",
        [("code", "=", "petition")],
        limit=1,
    ) or admin.call("emowaten.request.type", "search", [], limit=1)
    [rtype] = admin.call(
        "emowaten.request.type", "read", type_ids, ["signature_required"]
    )
    return {
        "offices": offices,
        "users": users,
        "signatories": signatories,
        "pin": kit.pin if kit else None,
        "partners": partner_ids,
        "type_id": type_ids[0],
        "signature_required": rtype["signature_required"],
        "bodies": bodies,
        "saved_params": saved,
    }


def provision_signatory(admin, kit, user_id, body_id, run):
    """A key and certificate on the token, the certificate registered in Odoo (server
    PKCS#11 flow, read back from the token by the server) and a titular signing
    authority for ``body_id`` in force since yesterday."""
    if not kit.anchor_registered:
        # the run's test CA, trusted by this database from now on (marked as a test)
        admin.call(
            "emowaten.signature.trust.anchor",
            "create",
            {
                "name": f"e-Mowaten TEST Root CA (load run {run})",
                "pem": kit.pki.root.cert_pem.decode(),
                "is_test": True,
            },
        )
        kit.anchor_registered = True
    name = f"Load signatory {user_id}"
    certificate = admin.call(
        "emowaten.signature.certificate",
        "create",
        {
            "user_id": user_id,
            "flow": "server_pkcs11",
            "pkcs11_module": kit.module,
            "token_label": kit.TOKEN_LABEL,
            "key_label": kit.issue(name),
            "signer_name_fr": name,
            "signer_name_ar": "موقع اختبار",
        },
    )
    admin.call(
        "emowaten.signature.certificate", "action_read_from_token", [certificate]
    )
    [cert] = admin.call(
        "emowaten.signature.certificate",
        "read",
        [certificate],
        ["state", "revocation_state"],
    )
    if cert["state"] not in ("valid", "expiring"):
        raise SystemExit(f"the load signatory's certificate is {cert}, not valid")
    admin.call(
        "emowaten.signature.authority",
        "create",
        {
            "user_id": user_id,
            "body_id": body_id,
            "kind": "titular",
            "date_from": str(datetime.date.today() - datetime.timedelta(days=1)),
            "function_fr": "Signataire de charge",
            "function_ar": "ممضي الاختبار",
        },
    )


def restore_params(url, db, fixture):
    """Put back the system parameters prepare() changed."""
    admin = Client(url, db, timeout=300)
    admin.login("admin", "admin")
    for key, value in fixture["saved_params"].items():
        admin.call("ir.config_parameter", "set_param", key, value or False)


# --------------------------------------------------------------------------- agents
class Stats:
    def __init__(self):
        self.lock = threading.Lock()
        self.latency = defaultdict(list)
        self.ops = defaultdict(int)
        self.business = defaultdict(int)
        self.server_errors = []
        # HTTP 5xx and broken connections: failures of a load run, expected while a
        # fault is injected (scripts/faults.py)
        self.transport = []
        self.acknowledged = {}
        self.acknowledged_at = {}  # time.monotonic() of each acknowledgement
        # answers an agent saw awaiting a signature, and those a signatory saw signed
        self.awaiting = set()
        self.signed = {}
        self.batches = []
        self.batch_runs = []  # action_sign calls (runs) each batch needed
        self.sign_refusals = []

    def record(self, name, seconds):
        with self.lock:
            self.latency[name].append(seconds)

    def fail(self, name, exc):
        with self.lock:
            if isinstance(exc, RpcError) and exc.business:
                self.business[name] += 1
            elif isinstance(exc, RpcError):
                self.server_errors.append(f"{name}: {exc}")
            else:
                self.transport.append(f"{name}: {exc!r}")


class Clock:
    """Every agent logs in first; the measured window starts when all have."""

    def __init__(self):
        self.logged_in = threading.Semaphore(0)
        self.go = threading.Event()
        self.stop_at = None

    def start(self, agents, duration, timeout=900):
        for _ in range(agents):
            self.logged_in.acquire(timeout=timeout)
        started = time.monotonic()
        self.stop_at = started + duration
        self.go.set()
        return started


def _timer(stats):
    def timed(name, func, *args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            stats.record(name, time.perf_counter() - start)

    return timed


def sign_in_dialog(client, action, pin, stats, name="sign"):
    """What the Sign dialog does once its button is pressed: the PIN saved into the
    wizard the answer's (or the batch's) Sign button opened, then ``action_sign``;
    again, PIN included, while the dialog says answers remain (a run of signatures
    stops after ``emowaten_signature.run_seconds``). Records what got signed in
    ``stats``; returns the ids of the signed answers."""
    timed = _timer(stats)
    model, wizard = action["res_model"], action["res_id"]
    left = None
    runs = 0
    while True:
        timed("sign_dialog", client.call, model, "write", [wizard], {"pin": pin})
        timed(name, client.call, model, "action_sign", [wizard])
        runs += 1
        [row] = timed(
            "sign_dialog",
            client.call,
            model,
            "read",
            [wizard],
            ["answer_ids", "result_html", "done", "remaining_ids"],
        )
        if row["done"] or left == row["remaining_ids"]:
            break  # finished, or a run that moved nothing (refused: reported below)
        left = row["remaining_ids"]
    answers = client.call(
        "emowaten.answer",
        "read",
        row["answer_ids"],
        ["state", "signed_attachment_id"],
    )
    signed = [
        a["id"]
        for a in answers
        if a["state"] in ("signed", "sent") and a["signed_attachment_id"]
    ]
    with stats.lock:
        for answer_id in signed:
            stats.signed[answer_id] = name
        if name == "sign_batch":
            stats.batches.append(len(signed))
            stats.batch_runs.append(runs)
        if len(signed) < len(answers):
            text = re.sub(r"<[^>]+>", " ", row["result_html"] or "")
            stats.sign_refusals.append(
                f"{len(answers) - len(signed)} of {len(answers)} not signed: "
                + " ".join(html.unescape(text).split())[:300]
            )
    return signed


class Agent(threading.Thread):
    # operation weights; scripts/loadtest.py --no-pdf sets "answer" to 0
    weights = {"register": 50, "route": 15, "answer": 10, "list": 25}
    # the office's signatory signs what its agents' answers put in its queue
    signatory_weights = {"sign": 45, "register": 20, "answer": 10, "list": 25}
    # share of answers that are favourable (on a petition: to be signed); 0 when no
    # signatory was provisioned (they would wait forever)
    favourable = 0.5

    def __init__(self, url, db, login, office, fixture, stats, clock, rng):
        super().__init__(daemon=True)
        self.client = Client(url, db)
        self.login_name, self.office = login, office
        self.fixture, self.stats, self.clock, self.rng = fixture, stats, clock, rng
        self.registered, self.routed = [], []
        self.signatory = login in fixture.get("signatories", {})
        self.timed = _timer(stats)

    def op_register(self):
        client = self.client
        vals = {
            "office_id": self.office,
            "partner_id": self.rng.choice(self.fixture["partners"]),
            "type_id": self.fixture["type_id"],
            "channel": self.rng.choice(["counter", "phone", "post"]),
            "subject": f"Load request {self.rng.randint(0, 10**9)}",
            "description": "Generated by scripts/loadtest.py",
        }
        request_id = self.timed(
            "create", client.call, "emowaten.request", "create", vals
        )
        self.timed(
            "register", client.call, "emowaten.request", "action_register", [request_id]
        )
        [row] = self.timed(
            "read",
            client.call,
            "emowaten.request",
            "read",
            [request_id],
            ["name", "state"],
        )
        with self.stats.lock:
            self.stats.acknowledged[request_id] = (row["name"], self.office)
            self.stats.acknowledged_at[request_id] = time.monotonic()
        self.registered.append(request_id)
        return "register"

    def op_route(self):
        if not self.registered:
            return self.op_register()
        request_id = self.registered.pop(0)
        body = self.rng.choice(self.fixture["bodies"])
        wizard = self.timed(
            "route",
            self.client.call,
            "emowaten.request.route",
            "create",
            {"request_id": request_id, "body_ids": [(6, 0, [body])]},
        )
        self.timed(
            "route",
            self.client.call,
            "emowaten.request.route",
            "action_route",
            [wizard],
        )
        self.routed.append(request_id)
        return "route"

    def op_answer(self):
        pool = self.routed or self.registered
        if not pool:
            return self.op_register()
        request_id = pool.pop(0)
        favourable = self.rng.random() < self.favourable
        answer = self.timed(
            "answer",
            self.client.call,
            "emowaten.answer",
            "create",
            {
                "request_id": request_id,
                "kind": "favourable" if favourable else "information",
                "body_html": "<p>Your request was studied; here is the answer.</p>",
            },
        )
        self.timed(
            "answer", self.client.call, "emowaten.answer", "action_submit", [answer]
        )
        if favourable and self.fixture.get("signature_required"):
            with self.stats.lock:
                self.stats.awaiting.add(answer)
        return "answer"

    def op_list(self):
        self.timed(
            "list",
            self.client.call,
            "emowaten.request",
            "search_read",
            [("office_id", "=", self.office)],
            ["name", "subject", "state", "date_deadline"],
            limit=40,
        )
        return "list"

    def op_sign(self):
        """The signatory's queue: sign the oldest answer (the answer's Sign button),
        or every answer awaiting the signatory (the batch button), with the PIN."""
        pending = self.timed(
            "sign_dialog",
            self.client.call,
            "emowaten.answer",
            "search",
            [("state", "=", "to_sign"), ("office_id", "=", self.office)],
            order="id",
        )
        if not pending:
            return self.op_list()
        if len(pending) > 1 and self.rng.random() < 0.5:
            name = "sign_batch"
            action = self.timed(
                "sign_dialog",
                self.client.call,
                "emowaten.signature.sign.wizard",
                "action_open_pending",
            )
        else:
            name = "sign"
            action = self.timed(
                "sign_dialog",
                self.client.call,
                "emowaten.answer",
                "action_emowaten_sign",
                [pending[0]],
            )
        sign_in_dialog(self.client, action, self.fixture["pin"], self.stats, name)
        return name

    def run(self):
        try:
            self.timed("login", self.client.login, self.login_name, self.login_name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            self.stats.fail("login", exc)
            return
        finally:
            self.clock.logged_in.release()
        self.clock.go.wait()
        weights = self.signatory_weights if self.signatory else self.weights
        weights = [
            (getattr(self, f"op_{name}"), weight)
            for name, weight in weights.items()
            if weight
        ]
        operations, cumulative = zip(*weights, strict=True)
        while time.monotonic() < self.clock.stop_at:
            operation = self.rng.choices(operations, weights=cumulative)[0]
            name = operation.__name__[3:]
            try:
                name = operation()
                with self.stats.lock:
                    self.stats.ops[name] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                self.stats.fail(name, exc)
                if isinstance(exc, HttpError | OSError) and not isinstance(
                    exc, RpcError
                ):
                    time.sleep(0.5)


def make_agents(url, db, fixture, agents, stats, clock, seed=0):
    """The agent threads (not started) of the first ``agents`` users of the fixture."""
    return [
        Agent(url, db, login, office, fixture, stats, clock, random.Random(seed + i))
        for i, (login, office) in enumerate(fixture["users"][:agents])
    ]


def run_agents(url, db, fixture, agents, duration, seed=0):
    """Log every agent in, then let them work for ``duration`` seconds.
    Returns (stats, elapsed seconds of the measured window)."""
    stats = Stats()
    clock = Clock()
    threads = make_agents(url, db, fixture, agents, stats, clock, seed)
    for thread in threads:
        thread.start()
    started = clock.start(len(threads), duration)
    for thread in threads:
        thread.join(duration + 300)
    return stats, time.monotonic() - started


def sign_pending(url, db, fixture, timeout=900):
    """Each signatory signs, in batches, whatever still awaits a signature (the agents'
    last answers, or a batch a fault interrupted). Returns the Stats of that work."""
    stats = Stats()
    for login in fixture["signatories"]:
        client = Client(url, db, timeout=timeout)
        client.login(login, login)
        while True:
            try:
                action = client.call(
                    "emowaten.signature.sign.wizard", "action_open_pending"
                )
            except RpcError as exc:
                if exc.business:  # "No answer is awaiting your signature."
                    break
                raise
            if not sign_in_dialog(client, action, fixture["pin"], stats, "sign_rest"):
                break
    return stats


# --------------------------------------------------------------------------- checks
def check_database(db, acknowledged, offices):
    """Problems found in the database, as sentences (empty list: all good)."""
    problems = []
    if acknowledged:
        ids = ",".join(str(i) for i in acknowledged)
        found = dict(
            (int(i), name)
            for i, name in psql(
                db, f"SELECT id, name FROM emowaten_request WHERE id IN ({ids})"
            )
        )
        for request_id, (name, _office) in acknowledged.items():
            if request_id not in found:
                problems.append(
                    f"acknowledged request {request_id} ({name}) is missing"
                )
            elif found[request_id] != name:
                problems.append(
                    f"request {request_id} acknowledged as {name}, "
                    f"now {found[request_id]}"
                )
    for office_id, name, count in psql(
        db,
        "SELECT office_id, name, count(*) FROM emowaten_request "
        "WHERE parent_id IS NULL AND state != 'draft' "
        "GROUP BY 1, 2 HAVING count(*) > 1",
    ):
        problems.append(f"reference {name} used {count} times in office {office_id}")
    [[unnamed]] = psql(
        db,
        "SELECT count(*) FROM emowaten_request WHERE state != 'draft' "
        "AND (name IS NULL OR name = '' OR name = 'New' OR registration_date IS NULL)",
    )
    if int(unnamed):
        problems.append(f"{unnamed} registered requests without a reference")
    office_list = ",".join(str(o) for o in offices)
    numbers = defaultdict(list)
    for office_id, name in psql(
        db,
        "SELECT office_id, name FROM emowaten_request WHERE parent_id IS NULL "
        f"AND state != 'draft' AND office_id IN ({office_list})",
    ):
        match = REFERENCE_RE.match(name)
        if not match:
            problems.append(f"reference {name!r} does not look like PREFIX-YYYY-NNNNNN")
            continue
        numbers[(office_id, match["year"])].append(int(match["number"]))
    for (office_id, year), values in sorted(numbers.items()):
        values.sort()
        if values != list(range(1, len(values) + 1)):
            missing = sorted(set(range(1, values[-1] + 1)) - set(values))[:10]
            problems.append(
                f"office {office_id} year {year}: {len(values)} references, "
                f"highest {values[-1]}, gaps at {missing}"
            )
    return problems, sum(len(v) for v in numbers.values())


def filestore(db):
    """The database's filestore directory (data_dir of config/odoo.conf), or None."""
    config = configparser.ConfigParser(interpolation=None)
    config.read(ROOT / "config" / "odoo.conf")
    data_dir = config.get("options", "data_dir", fallback=None)
    path = Path(data_dir) / "filestore" / db if data_dir else None
    return path if path and path.is_dir() else None


def check_signatures(db, offices=None, awaiting=(), signed=()):
    """Signature invariants, in the database, over the answers of ``offices`` (every
    answer when None). Returns (problems as sentences, counts).

    * an answer that needs a signature (favourable, on a type that requires one) is
      never sent, nor marked signed, without a signed PDF;
    * every signed PDF exists (row and file) and has exactly one audit entry 'signed',
      which names it; an answer without a signed PDF has no such entry, and no entry
      has lost its PDF or its answer;
    * ``awaiting``: answers the agents put in a signatory's queue, all signed by now;
      ``signed``: answers a signatory saw signed, all still signed."""
    office_list = ",".join(map(str, offices or ()))
    rows = psql(
        db,
        "SELECT a.id, a.state, a.kind = 'favourable' AND t.signature_required,"
        " a.signed_attachment_id, att.id IS NOT NULL, att.store_fname,"
        " (SELECT count(*) FROM emowaten_signature_log l"
        "   WHERE l.answer_id = a.id AND l.event = 'signed'),"
        " (SELECT count(*) FROM emowaten_signature_log l"
        "   WHERE l.answer_id = a.id AND l.event = 'signed'"
        "   AND l.signed_attachment_id = a.signed_attachment_id)"
        " FROM emowaten_answer a"
        " JOIN emowaten_request r ON r.id = a.request_id"
        " JOIN emowaten_request_type t ON t.id = r.type_id"
        " LEFT JOIN ir_attachment att ON att.id = a.signed_attachment_id"
        + (f" WHERE a.office_id IN ({office_list})" if offices else ""),
    )
    store = filestore(db)
    problems, counts, states = [], defaultdict(int), {}
    for answer, state, needs, pdf, row, fname, logs, matching in rows:
        answer, logs, matching = int(answer), int(logs), int(matching)
        states[answer] = (state, bool(pdf))
        counts["answers"] += 1
        counts["to_sign"] += state == "to_sign"
        counts["audit entries"] += logs
        counts["signed"] += bool(pdf)
        if pdf and row != "t":
            problems.append(f"answer {answer}: its signed PDF {pdf} is gone")
        elif pdf and store and fname and not (store / fname).is_file():
            problems.append(f"answer {answer}: signed PDF file {fname} missing")
        if not pdf and needs == "t" and state in ("signed", "sent"):
            problems.append(f"answer {answer} is {state} without a signed PDF")
        if logs != (1 if pdf else 0) or (pdf and matching != 1):
            problems.append(
                f"answer {answer}: {'a' if pdf else 'no'} signed PDF, {logs} audit "
                f"entries 'signed' ({matching} naming that PDF)"
            )
    [[orphans]] = psql(
        db,
        "SELECT count(*) FROM emowaten_signature_log l"
        " LEFT JOIN ir_attachment att ON att.id = l.signed_attachment_id"
        " WHERE l.event = 'signed' AND (att.id IS NULL OR l.answer_id IS NULL)"
        + (
            " AND l.body_id IN (SELECT body_id FROM emowaten_office"
            f" WHERE id IN ({office_list}))"
            if offices
            else ""
        ),
    )
    if int(orphans):
        problems.append(f"{orphans} audit entries 'signed' whose PDF or answer is gone")
    for answer in awaiting:
        state, pdf = states.get(answer, (None, False))
        if not pdf:
            problems.append(f"answer {answer} awaited a signature, now {state}")
    for answer in signed:
        state, pdf = states.get(answer, (None, False))
        if not pdf or state not in ("signed", "sent"):
            problems.append(f"answer {answer} was signed, now {state} (PDF: {pdf})")
    counts["files checked"] = bool(store)
    return problems, counts


def percentile(values, fraction):
    if not values:
        return 0.0
    values = sorted(values)
    index = min(len(values) - 1, max(0, round(fraction * (len(values) - 1))))
    return values[index]


def report(stats, elapsed):
    all_latency = [
        v for name, values in stats.latency.items() if name != "login" for v in values
    ]
    total_ops = sum(stats.ops.values())
    lines = [
        f"duration {elapsed:.1f} s, {total_ops} operations, "
        f"{total_ops / elapsed:.1f} ops/s, {len(all_latency)} RPC calls "
        f"({len(all_latency) / elapsed:.1f}/s), "
        f"{len(stats.acknowledged)} requests registered "
        f"({len(stats.acknowledged) / elapsed * 60:.0f}/min)",
        f"latency of every call but login: "
        f"p50 {percentile(all_latency, 0.5) * 1000:.0f} ms, "
        f"p99 {percentile(all_latency, 0.99) * 1000:.0f} ms",
    ]
    for name in sorted(stats.latency):
        values = stats.latency[name]
        p50, p99 = percentile(values, 0.5) * 1000, percentile(values, 0.99) * 1000
        mean = statistics.fmean(values) * 1000
        lines.append(
            f"  {name:<9} n={len(values):<6} p50 {p50:7.0f} ms  p99 {p99:7.0f} ms"
            f"  mean {mean:7.0f} ms"
        )
    lines.append(
        "operations: " + ", ".join(f"{k}={v}" for k, v in sorted(stats.ops.items()))
    )
    if stats.business:
        lines.append(
            "business errors (refused by a rule, not failures): "
            + ", ".join(f"{k}={v}" for k, v in sorted(stats.business.items()))
        )
    return lines


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30-second run for CI")
    parser.add_argument("--duration", type=float, help="seconds of load (default 300)")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--db", default=f"lt_load_{os.getpid()}")
    parser.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    parser.add_argument(
        "--no-install", action="store_true", help="use the existing --db as it is"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database"
    )
    parser.add_argument(
        "--workers",
        type=int,
        help="HTTP workers (default: one per agent, plus one). wkhtmltopdf fetches "
        "a letter's assets from the same server: when every worker is held by an "
        "agent (rendering, or waiting on a row lock a render holds), the render waits "
        "for its own timeout; measured in docs/RELIABILITY.md",
    )
    parser.add_argument(
        "--no-pdf",
        action="store_true",
        help="no answers and no citizen e-mail (so no receipt): nothing renders a PDF "
        "(and nothing is signed)",
    )
    parser.add_argument(
        "--no-sign",
        action="store_true",
        help="no signatory: answers are never favourable (no SoftHSM2 token needed)",
    )
    parser.add_argument(
        "--tolerate-timeouts",
        action="store_true",
        help="report, without failing, calls the client gave up on after 120 s "
        "(a slow machine); HTTP 5xx and the integrity checks still fail the run",
    )
    parser.add_argument("--logdir", default="/tmp")
    return parser.parse_args(argv)


def load_run(args, server, kit):
    """Prepare, run the agents, let the signatories finish. Returns (fixture, stats
    of the measured window, its length, stats of the signing after it)."""
    fixture, rest = None, Stats()
    try:
        server.start()
        log(f"server up on {server.url} ({args.workers} workers); preparing agents")
        fixture = prepare(
            server.url, args.db, args.agents, emails=not args.no_pdf, kit=kit
        )
        duration = args.duration or (30 if args.quick else 300)
        log(
            f"{args.agents} agents ({len(fixture['signatories'])} signatories) "
            f"for {duration:.0f} s"
        )
        stats, elapsed = run_agents(server.url, args.db, fixture, args.agents, duration)
        if kit:
            log("signatories sign what is left")
            try:
                rest = sign_pending(server.url, args.db, fixture)
            except Exception as exc:  # noqa: BLE001 - reported with the others
                rest.fail("sign_rest", exc)
    finally:
        try:
            if fixture:
                restore_params(server.url, args.db, fixture)
        finally:
            server.stop()
            if kit:
                kit.close()
    return fixture, stats, elapsed, rest


def signature_lines(stats, rest, counts):
    by_kind = defaultdict(int)
    for kind in stats.signed.values():
        by_kind[kind] += 1
    lines = [
        f"signatures: {len(stats.awaiting)} answers put in a signatory's queue; "
        f"signed during the run {by_kind['sign']} one by one and "
        f"{by_kind['sign_batch']} in {len(stats.batches)} batches "
        f"(largest {max(stats.batches, default=0)}, in "
        f"{sum(stats.batch_runs)} runs, at most {max(stats.batch_runs, default=0)} "
        f"for one batch), {len(rest.signed)} after it; "
        f"in the database {counts['signed']} signed answers, "
        f"{counts['audit entries']} audit entries 'signed', "
        f"{counts['to_sign']} still awaiting a signature "
        f"(PDF files {'checked' if counts['files checked'] else 'NOT checked'})",
        f"signatures refused: {len(stats.sign_refusals)}",
    ]
    return lines + [f"  {line}" for line in stats.sign_refusals[:10]]


def use_project_python(needed):
    """Signing needs the project's venv (python-pkcs11, pyhanko): when this Python
    lacks it and the venv exists, run this same command again with the venv's Python
    instead of failing on an import deep in the run."""
    if not needed:
        return
    try:
        import pkcs11  # noqa: F401, PLC0415 - only a probe
    except ImportError:
        home = os.environ.get("EMOWATEN_HOME", "/var/lib/emowaten")
        venv_python = os.path.join(
            os.environ.get("EMOWATEN_VENV", os.path.join(home, "venv")), "bin", "python"
        )
        if os.path.exists(venv_python) and os.path.realpath(
            sys.executable
        ) != os.path.realpath(venv_python):
            os.execv(venv_python, [venv_python, *sys.argv])
        sys.exit(
            "signing needs the project's Python packages (python-pkcs11, pyhanko): "
            "run `make run` or `make test` once to build the venv, or pass --no-sign"
        )


def main(argv=None):
    args = parse_args(argv)
    use_project_python(not (args.no_sign or args.no_pdf))
    # a SIGTERM must still stop the server (the finally clauses below)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    port = args.port or free_port(8170, 8180)
    logfile = f"{args.logdir}/{args.db}.log"
    if not args.no_install:
        create_database(args.db, logfile)
    if args.no_pdf:
        Agent.weights = dict(Agent.weights, answer=0)
    # the token first: the server must inherit SOFTHSM2_CONF to see it
    kit = None if (args.no_sign or args.no_pdf) else SigningKit()
    if kit is None:
        Agent.favourable = 0
    args.workers = args.workers or args.agents + 1
    server = Server(args.db, port, logfile, workers=args.workers)
    fixture, stats, elapsed, rest = load_run(args, server, kit)
    log("server stopped; checking the database")
    stats.server_errors += rest.server_errors
    stats.transport += rest.transport
    stats.sign_refusals += rest.sign_refusals
    problems, references = check_database(
        args.db, stats.acknowledged, fixture["offices"]
    )
    sign_problems, counts = check_signatures(
        args.db,
        fixture["offices"],
        awaiting=stats.awaiting,
        signed=list(stats.signed) + list(rest.signed),
    )
    log_errors, retried = server.log_errors()
    lines = report(stats, elapsed)
    lines.append(
        f"references checked: {references} (unique and gapless per office and year)"
    )
    if kit:
        lines += signature_lines(stats, rest, counts)
    refused = [e for e in stats.server_errors if e.startswith("register: ")]
    lines.append(
        f"registrations refused (after Odoo's retries, e.g. LockNotAvailable on the "
        f"reference sequence): {len(refused)}"
    )
    lines.append(f"server errors returned to agents: {len(stats.server_errors)}")
    lines += [f"  {line}" for line in stats.server_errors[:20]]
    lines.append(f"HTTP 5xx or broken connections: {len(stats.transport)}")
    lines += [f"  {line}" for line in stats.transport[:20]]
    lines.append(
        "concurrent-update conflicts retried by Odoo (ERROR 'bad query' followed by "
        f"a retry): {retried}"
    )
    lines.append(f"other ERROR lines in the server log: {len(log_errors)}")
    lines += [f"  {line[:300]}" for line in log_errors[:10]]
    lines += [f"DATABASE: {problem}" for problem in problems + sign_problems]
    transport = stats.transport
    if args.tolerate_timeouts:
        transport = [e for e in transport if "TimeoutError" not in e]
    ok = not (
        problems
        or sign_problems
        or stats.sign_refusals
        or stats.server_errors
        or transport
        or log_errors
    )
    lines.append("RESULT: " + ("PASS" if ok else "FAIL"))
    print("\n".join(lines))
    if not args.keep_db and not args.no_install:
        drop_database(args.db)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
