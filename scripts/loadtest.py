#!/usr/bin/env python3
"""Load test: concurrent office agents over JSON-RPC against a multi-worker Odoo.

    scripts/loadtest.py [--quick] [--duration S] [--agents 20] [--db NAME] [--port P]

Creates a throw-away database with every addon of addons/, starts
``scripts/odoo --workers=2 --max-cron-threads=1`` on 127.0.0.1, and lets ``--agents``
simulated agents log in (``/web/session/authenticate``) and work through
``/web/dataset/call_kw``: register requests (create + action_register), route them to a
body (route wizard), answer them (answer + action_submit, which renders and sends the
letter) and list their office's files. Then it stops the server and checks, in
PostgreSQL:

* no HTTP 5xx and no server-side exception returned to an agent (business errors such as
  a ValidationError are counted apart);
* every request whose registration an agent saw acknowledged is in the database, with
  the reference the agent was given;
* references are unique and gapless per office and year, and no registered request lacks
  one.

Prints throughput and p50/p99 latency per operation and exits non-zero when a check
fails. ``--quick`` is a 30-second run for CI. Only 127.0.0.1 is contacted.
Standard library only, so any Python 3.10+ runs it.
"""

import argparse
import http.cookiejar
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ODOO = ROOT / "scripts" / "odoo"
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


def create_database(db, logfile):
    subprocess.run(["dropdb", "--if-exists", db], check=False, capture_output=True)
    log(f"installing {', '.join(our_addons())} into {db} (a few minutes)")
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
    """``scripts/odoo`` in prefork mode, in its own process group."""

    def __init__(self, db, port, logfile, workers=2, cron_threads=1):
        self.db, self.port, self.logfile = db, port, logfile
        self.workers, self.cron_threads = workers, cron_threads
        self.proc = None
        self.url = f"http://127.0.0.1:{port}"

    def start(self, timeout=180):
        # only this run's lines count when the log file is reused
        self.log_offset = (
            os.path.getsize(self.logfile) if os.path.exists(self.logfile) else 0
        )
        out = open(self.logfile, "a")  # noqa: SIM115 - closed with the process
        self.proc = subprocess.Popen(
            [
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
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=odoo_env(),
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"server exited, see {self.logfile}")
            try:
                with urllib.request.urlopen(self.url + "/web/login", timeout=5) as resp:
                    if resp.status == 200:
                        return
            except OSError:
                pass
            time.sleep(1)
        self.stop()
        raise SystemExit(f"server did not answer in {timeout} s, see {self.logfile}")

    def worker_pids(self):
        """PIDs of the workers (HTTP and cron): the prefork master's children but the
        websocket (gevent) process."""
        out = subprocess.run(
            ["ps", "-o", "pid=,stat=,args=", "--ppid", str(self.proc.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        pids = []
        for line in out.splitlines():
            parts = line.split(None, 2)
            # skip zombies (killed, not reaped yet) and the websocket process
            if (
                len(parts) == 3
                and not parts[1].startswith("Z")
                and " gevent" not in line
            ):
                pids.append(int(parts[0]))
        return pids

    def stop(self):
        if not self.proc or self.proc.poll() is not None:
            return
        os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(30)

    def log_errors(self):
        """(ERROR/CRITICAL lines, lock conflicts that Odoo retried by itself).

        A registration draws its reference under ``FOR UPDATE NOWAIT``: a concurrent
        one fails fast with LOCK_NOT_AVAILABLE, which psycopg logs as a "bad query"
        ERROR and Odoo's RPC layer retries. Those are counted apart."""
        with open(self.logfile, "rb") as handle:
            handle.seek(getattr(self, "log_offset", 0))
            lines = handle.read().decode(errors="replace").splitlines()
        errors, retried = [], 0
        for index, line in enumerate(lines):
            if not re.search(r"\d \d+ (ERROR|CRITICAL) ", line):
                continue
            if "bad query" in line and "NOWAIT" in line:
                retried += 1
                continue
            following = "\n".join(lines[index + 1 : index + 80])
            if "Exception during request handling" in line and (
                "LockNotAvailable" in following.split(" INFO ", 1)[0]
            ):
                # the same refusal the agent got, after Odoo's last retry
                errors.append("LOCK " + line)
                continue
            errors.append(line)
        return errors, retried


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
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.uid = None

    def jsonrpc(self, path, params):
        data = json.dumps(
            {"jsonrpc": "2.0", "method": "call", "params": params, "id": 1}
        ).encode()
        req = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                body = json.loads(resp.read())
        except urllib.error.HTTPError as exc:
            raise HttpError(exc.code) from exc
        if body.get("error"):
            error = body["error"]
            data = error.get("data") or {}
            raise RpcError(data.get("name", error.get("message")), data.get("message"))
        return body.get("result")

    def login(self, login, password):
        result = self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )
        self.uid = result["uid"]
        return result

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


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


def prepare(url, db, agents, citizens=100, emails=True):
    """Offices, agent users and citizens, created as admin. Returns the fixture."""
    # setting up (hashing 20 passwords) is slow on a loaded machine: be patient here
    admin = Client(url, db, timeout=900)
    admin.login("admin", "admin")
    # wkhtmltopdf fetches the report assets over HTTP: from this server, not from
    # whatever web.base.url says (often http://localhost:8069, another server or none)
    admin.call("ir.config_parameter", "set_param", "report.url", url)
    run = f"{int(time.time()) % 100000:05d}"
    bodies = admin.call("emowaten.body", "search", [], limit=6, order="id")
    offices = []
    for index, letter in enumerate("AB"):
        offices.append(
            admin.call(
                "emowaten.office",
                "create",
                {
                    "name": f"Load office {letter} {run}",
                    "code": f"LOAD-{letter}-{run}",
                    "reference_prefix": f"L{letter}{run}",
                    "kind": "governorate",
                    "body_id": bodies[index],
                },
            )
        )
    agent_group = xmlid(admin, "emowaten_base.group_emowaten_agent")
    users = []
    for index in range(agents):
        login = f"load_agent_{run}_{index}"
        uid = admin.call(
            "res.users",
            "create",
            {
                "name": f"Load agent {index}",
                "login": login,
                "password": login,
                "group_ids": [(6, 0, [agent_group])],
            },
        )
        office = offices[index % len(offices)]
        admin.call(
            "emowaten.office.member",
            "create",
            {"office_id": office, "user_id": uid, "role": "agent"},
        )
        users.append((login, office))
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
                if index % 10 == 0
                else False,
            }
            for index in range(citizens)
        ],
    )
    type_ids = admin.call(
        "emowaten.request.type",
        "search",
        [("code", "=", "petition")],
        limit=1,
    ) or admin.call("emowaten.request.type", "search", [], limit=1)
    return {
        "offices": offices,
        "users": users,
        "partners": partner_ids,
        "type_id": type_ids[0],
        "bodies": bodies,
    }


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


class Agent(threading.Thread):
    # operation weights; scripts/loadtest.py --no-pdf sets "answer" to 0
    weights = {"register": 50, "route": 15, "answer": 10, "list": 25}

    def __init__(self, url, db, login, office, fixture, stats, clock, rng):
        super().__init__(daemon=True)
        self.client = Client(url, db)
        self.login_name, self.office = login, office
        self.fixture, self.stats, self.clock, self.rng = fixture, stats, clock, rng
        self.registered, self.routed = [], []

    def timed(self, name, func, *args, **kwargs):
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            self.stats.record(name, time.perf_counter() - start)

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
        self.registered.append(request_id)

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
        return None

    def op_answer(self):
        pool = self.routed or self.registered
        if not pool:
            return self.op_register()
        request_id = pool.pop(0)
        answer = self.timed(
            "answer",
            self.client.call,
            "emowaten.answer",
            "create",
            {
                "request_id": request_id,
                "kind": "information",
                "body_html": "<p>Your request was studied; here is the answer.</p>",
            },
        )
        self.timed(
            "answer", self.client.call, "emowaten.answer", "action_submit", [answer]
        )
        return None

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

    def run(self):
        try:
            self.timed("login", self.client.login, self.login_name, self.login_name)
        except Exception as exc:  # noqa: BLE001 - every failure is reported
            self.stats.fail("login", exc)
            return
        finally:
            self.clock.logged_in.release()
        self.clock.go.wait()
        weights = [
            (getattr(self, f"op_{name}"), weight)
            for name, weight in self.weights.items()
            if weight
        ]
        operations, cumulative = zip(*weights, strict=True)
        while time.monotonic() < self.clock.stop_at:
            operation = self.rng.choices(operations, weights=cumulative)[0]
            name = operation.__name__[3:]
            try:
                operation()
                with self.stats.lock:
                    self.stats.ops[name] += 1
            except Exception as exc:  # noqa: BLE001 - every failure is reported
                self.stats.fail(name, exc)
                if isinstance(exc, HttpError | OSError) and not isinstance(
                    exc, RpcError
                ):
                    time.sleep(0.5)


def run_agents(url, db, fixture, agents, duration, seed=0):
    """Log every agent in, then let them work for ``duration`` seconds.
    Returns (stats, elapsed seconds of the measured window)."""
    stats = Stats()
    clock = Clock()
    threads = [
        Agent(url, db, login, office, fixture, stats, clock, random.Random(seed + i))
        for i, (login, office) in enumerate(fixture["users"][:agents])
    ]
    for thread in threads:
        thread.start()
    started = clock.start(len(threads), duration)
    for thread in threads:
        thread.join(duration + 300)
    return stats, time.monotonic() - started


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


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="30-second run for CI")
    parser.add_argument("--duration", type=float, help="seconds of load (default 300)")
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--db", default=f"emowaten_load_{os.getpid()}")
    parser.add_argument("--port", type=int, help="HTTP port (default: a free one)")
    parser.add_argument(
        "--no-install", action="store_true", help="use the existing --db as it is"
    )
    parser.add_argument(
        "--keep-db", action="store_true", help="do not drop the database"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--tolerate-lock-conflicts",
        action="store_true",
        help="report, without failing, registrations refused with LockNotAvailable "
        "after Odoo's retries (the integrity checks still apply)",
    )
    parser.add_argument(
        "--no-pdf",
        action="store_true",
        help="no answers and no citizen e-mail (so no receipt): nothing renders a PDF",
    )
    parser.add_argument(
        "--tolerate-timeouts",
        action="store_true",
        help="report, without failing, calls the client gave up on after 120 s "
        "(a slow machine); HTTP 5xx and the integrity checks still fail the run",
    )
    parser.add_argument("--logdir", default="/tmp")
    args = parser.parse_args(argv)
    # a SIGTERM must still stop the server (the finally clauses below)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    duration = args.duration or (30 if args.quick else 300)
    port = args.port or free_port(8170, 8180)
    logfile = f"{args.logdir}/{args.db}.log"
    if not args.no_install:
        create_database(args.db, logfile)
    server = Server(args.db, port, logfile, workers=args.workers)
    try:
        server.start()
        log(f"server up on {server.url} ({args.workers} workers); preparing agents")
        if args.no_pdf:
            Agent.weights = dict(Agent.weights, answer=0)
        fixture = prepare(server.url, args.db, args.agents, emails=not args.no_pdf)
        log(f"{args.agents} agents for {duration:.0f} s")
        stats, elapsed = run_agents(server.url, args.db, fixture, args.agents, duration)
    finally:
        server.stop()
    log("server stopped; checking the database")
    problems, references = check_database(
        args.db, stats.acknowledged, fixture["offices"]
    )
    for line in report(stats, elapsed):
        print(line)
    log_errors, retried = server.log_errors()
    print(f"references checked: {references} (unique and gapless per office and year)")
    print(f"server errors returned to agents: {len(stats.server_errors)}")
    for line in stats.server_errors[:20]:
        print(f"  {line}")
    print(f"HTTP 5xx or broken connections: {len(stats.transport)}")
    for line in stats.transport[:20]:
        print(f"  {line}")
    print(
        f"lock conflicts retried by Odoo (logged as ERROR 'bad query ... NOWAIT'): "
        f"{retried}"
    )
    print(f"other ERROR lines in the server log: {len(log_errors)}")
    for line in log_errors[:10]:
        print(f"  {line[:300]}")
    for problem in problems:
        print(f"DATABASE: {problem}")
    lock_refusals = [e for e in stats.server_errors if "LockNotAvailable" in e]
    print(
        f"registrations refused after Odoo's 5 retries (LockNotAvailable): "
        f"{len(lock_refusals)}"
    )
    server_errors = stats.server_errors
    if args.tolerate_lock_conflicts:
        server_errors = [e for e in server_errors if e not in lock_refusals]
        log_errors = [line for line in log_errors if not line.startswith("LOCK ")]
    transport = stats.transport
    if args.tolerate_timeouts:
        transport = [e for e in transport if "TimeoutError" not in e]
    ok = not (problems or server_errors or transport or log_errors)
    print("RESULT: " + ("PASS" if ok else "FAIL"))
    if not args.keep_db and not args.no_install:
        subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
