"""Throughput and latency of the citizen portal's public pages.

Measures, with 20 concurrent clients against a multi-worker Odoo on 127.0.0.1:

* the tracking page: POST /emowaten/track with a reference and a CIN, following the
  redirect to the request's status page (what a citizen waits for);
* the public statistics page: GET /emowaten/statistics (served from its cache).

Steps: create a throw-away database with emowaten_portal (or reuse one with --reuse),
fill it through the ORM (offices, citizens, requests in every state), start
``scripts/odoo --workers=N`` on it, run each scenario for a bounded time, print requests
per second and latency percentiles, stop the server and drop the database (unless
--keep). Nothing asserts a timing.

    /var/lib/emowaten/venv/bin/python benchmarks/bench_portal.py
    /var/lib/emowaten/venv/bin/python benchmarks/bench_portal.py --duration 30
"""

import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')

SEED = r"""
import json, random
random.seed(42)
env = env(context=dict(env.context, tracking_disable=True, mail_notrack=True,
                       mail_create_nolog=True, emowaten_no_receipt=True))
params = env["ir.config_parameter"].sudo()
# a benchmark client hammers from one address: lift the anti-abuse limits
for scope in ("intake_ip", "intake_cin", "track_ip"):
    params.set_param(f"emowaten_portal.{scope}_limit", 10**9)
params.set_param("emowaten_portal.stats_cache_seconds", 300)
for code in ("ar_001", "fr_FR"):
    env["res.lang"]._activate_lang(code)
tn = env.ref("base.tn")
states = env["res.country.state"].search([("country_id", "=", tn.id)])
if not states:
    states = env["res.country.state"].create(
        [{"name": f"Gov {i}", "code": f"TN-B{i}", "country_id": tn.id}
         for i in range(24)])
bodies = env["emowaten.body"].create(
    [{"name": f"Bench body {i}", "code": f"BENCH-{i}", "body_type": "ministry"}
     for i in range(30)])
office = env["emowaten.office"].create({
    "name": "Bench office", "code": "BENCH", "reference_prefix": "BEN",
    "kind": "central", "body_id": bodies[0].id})
rtype = env["emowaten.request.type"].create(
    {"name": "Bench petition", "code": "bench_petition", "deadline_days": 60})
partners = env["res.partner"].create([
    {"name": f"Citizen {i}", "emowaten_is_citizen": True,
     "emowaten_cin": f"{10000000 + i:08d}"} for i in range(N_CITIZENS)])
vals = []
for i in range(N_REQUESTS):
    vals.append({
        "partner_id": partners[i % len(partners)].id,
        "type_id": rtype.id, "office_id": office.id,
        "body_id": bodies[i % len(bodies)].id,
        "state_id": states[i % len(states)].id,
        "subject": f"Bench request {i}", "description": "Benchmark",
        "channel": "portal", "state": "registered"})
reqs = env["emowaten.request"]
for start in range(0, len(vals), 500):
    reqs |= reqs.create(vals[start:start + 500])
answered = reqs.filtered(lambda r: r.id % 10 < 6)
answered.write({"state": "answered"})
reqs.filtered(lambda r: r.id % 10 == 9).write({"implicit_refusal": True})
env.cr.commit()
targets = [{"reference": r.name, "cin": r.partner_id.emowaten_cin}
           for r in reqs.sorted("id")[:2000]]
with open(OUT, "w") as fh:
    json.dump(targets, fh)
print("seeded", len(reqs), "requests")
"""


def odoo_parts():
    out = (
        subprocess.run(
            [
                "bash",
                "-c",
                "source scripts/lib.sh >/dev/null && emw_find_odoo >/dev/null && "
                "emw_odoo_cmd && emw_addons_path",
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        .stdout.strip()
        .splitlines()
    )
    return out[-2].split(), out[-1]


def run(cmd, log, **kwargs):
    with open(log, "a") as fh:
        return subprocess.run(
            cmd, cwd=ROOT, stdout=fh, stderr=subprocess.STDOUT, **kwargs
        )


def prepare(db, n_requests, n_citizens, logdir):
    subprocess.run(["dropdb", "--if-exists", db], check=True)
    env = dict(os.environ, EMOWATEN_SKIP_SETUP="1")
    print(f"installing emowaten_portal into {db} (about 2 minutes)...", flush=True)
    result = run(
        [
            "scripts/odoo",
            "-d",
            db,
            "-i",
            "emowaten_portal",
            "--stop-after-init",
            "--http-port",
            str(free_port()),
            "--log-level=warn",
        ],
        logdir / "install.log",
        env=env,
    )
    if result.returncode:
        sys.exit(f"install failed, see {logdir / 'install.log'}")
    odoo_cmd, addons_path = odoo_parts()
    targets_file = logdir / "targets.json"
    script = (
        f"N_REQUESTS = {n_requests}\nN_CITIZENS = {n_citizens}\n"
        f"OUT = {str(targets_file)!r}\n" + SEED
    )
    print(f"seeding {n_requests} requests...", flush=True)
    with open(logdir / "seed.log", "a") as fh:
        result = subprocess.run(
            [
                *odoo_cmd,
                "shell",
                "-c",
                str(ROOT / "config/odoo.conf"),
                f"--addons-path={addons_path}",
                "-d",
                db,
                "--no-http",
                "--log-level=warn",
            ],
            cwd=ROOT,
            input=script,
            text=True,
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
    if result.returncode or not targets_file.exists():
        sys.exit(f"seeding failed, see {logdir / 'seed.log'}")


def free_port():
    """A port nobody listens on: the benchmark must never talk to another server
    (a developer's test run, another benchmark) that happens to use a fixed port."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(db, port, workers, logdir):
    """Start the server; when the chosen port was taken between choosing and binding
    it (another run on this machine), try again on another free port."""
    for _attempt in range(5):
        offset = (
            (logdir / "server.log").stat().st_size
            if (logdir / "server.log").exists()
            else 0
        )
        started = _start_server(db, port or free_port(), workers, logdir)
        if started:
            return started
        tail = (logdir / "server.log").read_text(errors="replace")[offset:]
        if port or "Address already in use" not in tail:
            sys.exit(f"the server stopped, see {logdir / 'server.log'}")
        print("port taken meanwhile, another one...", flush=True)
    sys.exit(f"no free port after 5 attempts, see {logdir / 'server.log'}")


def _start_server(db, port, workers, logdir):
    """(process, base URL), or None when the server stopped while starting."""
    env = dict(os.environ, EMOWATEN_SKIP_SETUP="1")
    log = open(logdir / "server.log", "a")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(
        [
            "scripts/odoo",
            "-d",
            db,
            f"--db-filter=^{db}$",
            f"--workers={workers}",
            "--max-cron-threads=0",
            f"--http-port={port}",
            f"--gevent-port={free_port()}",
            "--log-level=warn",
            # one line per request with its query count and server time
            "--log-handler=werkzeug:INFO",
            "--limit-time-real=600",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            return None
        try:
            if requests.get(f"{base}/web/health", timeout=2).status_code == 200:
                return proc, base
        except requests.RequestException:
            pass
        if proc.poll() is not None:
            return None
        time.sleep(1)
    stop_server(proc)
    sys.exit("the server did not answer within 2 minutes")


def stop_server(proc):
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def client_track(base, targets, index):
    session = requests.Session()
    page = session.get(f"{base}/emowaten/track", timeout=30)
    token = CSRF_RE.search(page.text).group(1)
    state = {"i": index}

    def one():
        target = targets[state["i"] % len(targets)]
        state["i"] += 7
        response = session.post(
            f"{base}/emowaten/track",
            data={"csrf_token": token, **target},
            timeout=60,
        )
        return response.status_code == 200 and "/my/requests/" in response.url

    return one


def client_stats(base, _targets, _index):
    session = requests.Session()

    def one():
        response = session.get(f"{base}/emowaten/statistics", timeout=60)
        return response.status_code == 200

    return one


def scenario(name, factory, base, targets, clients, duration, warmup):
    latencies = [[] for _i in range(clients)]
    errors = [0] * clients
    start_gate = threading.Barrier(clients + 1)
    bounds = {}

    def worker(i):
        try:
            one = factory(base, targets, i)
        except Exception:  # noqa: BLE001 - a failed client counts as errors
            errors[i] += 1
            start_gate.wait()
            return
        start_gate.wait()
        while time.monotonic() < bounds["end"]:
            t0 = time.monotonic()
            try:
                ok = one()
            except requests.RequestException:
                ok = False
            t1 = time.monotonic()
            if t0 >= bounds["measure"]:
                latencies[i].append(t1 - t0)
                errors[i] += 0 if ok else 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    now = time.monotonic()
    bounds["measure"] = now + warmup
    bounds["end"] = now + warmup + duration
    start_gate.wait()
    for thread in threads:
        thread.join()
    values = sorted(v for per_client in latencies for v in per_client)
    if not values:
        print(f"{name}: no request completed")
        return {}

    def pct(p):
        return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]

    result = {
        "scenario": name,
        "clients": clients,
        "duration_s": duration,
        "requests": len(values),
        "errors": sum(errors),
        "req_per_s": round(len(values) / duration, 1),
        "p50_ms": round(pct(50) * 1000, 1),
        "p95_ms": round(pct(95) * 1000, 1),
        "p99_ms": round(pct(99) * 1000, 1),
        "mean_ms": round(statistics.fmean(values) * 1000, 1),
    }
    print(
        f"{name:<11} {result['req_per_s']:>8} req/s  p50 {result['p50_ms']:>7} ms  "
        f"p95 {result['p95_ms']:>7} ms  p99 {result['p99_ms']:>7} ms  "
        f"({result['requests']} requests, {result['errors']} errors)",
        flush=True,
    )
    return result


SERVER_LINE_RE = re.compile(
    r'"(GET|POST) (\S+?)(?:\?\S*)? HTTP/[\d.]+" (\d+) - (\d+) ([\d.]+) ([\d.]+)'
)


def server_side(logfile):
    """Median queries and server time per route, from Odoo's request log lines."""
    per_route = {}
    for line in Path(logfile).read_text(errors="replace").splitlines():
        match = SERVER_LINE_RE.search(line)
        if not match:
            continue
        method, path, _code, queries, qtime, other = match.groups()
        route = re.sub(r"/\d+", "/<id>", path)
        per_route.setdefault(f"{method} {route}", []).append(
            (int(queries), float(qtime) + float(other))
        )
    for route, rows in sorted(per_route.items()):
        if len(rows) < 10:
            continue
        queries = statistics.median(r[0] for r in rows)
        seconds = statistics.median(r[1] for r in rows)
        print(
            f"  server side {route:<32} {len(rows):>6} requests, median "
            f"{queries:.0f} queries, {seconds * 1000:.1f} ms"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="h_portal_bench")
    parser.add_argument(
        "--port", type=int, default=0, help="HTTP port (default: a free one)"
    )
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds measured")
    parser.add_argument(
        "--warmup", type=float, default=3.0, help="seconds not measured"
    )
    parser.add_argument("--requests", type=int, default=5000, help="requests to seed")
    parser.add_argument("--citizens", type=int, default=2000)
    parser.add_argument(
        "--reuse", action="store_true", help="keep an existing database"
    )
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument(
        "--quick", action="store_true", help="smaller and shorter (benchmarks/run.py)"
    )
    args = parser.parse_args()
    if args.quick:
        args.requests = min(args.requests, 2000)
        args.citizens = min(args.citizens, 1000)
        args.duration = min(args.duration, 10.0)

    logdir = Path(tempfile.mkdtemp(prefix="bench_portal_"))
    print(f"logs in {logdir}", flush=True)
    if args.reuse:
        (logdir / "targets.json").write_text(
            subprocess.run(
                [
                    "psql",
                    "-d",
                    args.db,
                    "-tAc",
                    "SELECT json_agg(json_build_object('reference', r.name, 'cin', "
                    "p.emowaten_cin)) FROM (SELECT * FROM emowaten_request "
                    "WHERE state != 'draft' ORDER BY id LIMIT 2000) r "
                    "JOIN res_partner p ON p.id = r.partner_id",
                ],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
        )
    else:
        prepare(args.db, args.requests, args.citizens, logdir)
    targets = json.loads((logdir / "targets.json").read_text())
    proc, base = start_server(args.db, args.port, args.workers, logdir)
    results = []
    try:
        print(
            f"{args.clients} clients, {args.workers} workers, "
            f"{args.duration:.0f} s each",
            flush=True,
        )
        results.append(
            scenario(
                "tracking",
                client_track,
                base,
                targets,
                args.clients,
                args.duration,
                args.warmup,
            )
        )
        results.append(
            scenario(
                "statistics",
                client_stats,
                base,
                targets,
                args.clients,
                args.duration,
                args.warmup,
            )
        )
    finally:
        stop_server(proc)
        server_side(logdir / "server.log")
        if not args.keep and not args.reuse:
            subprocess.run(["dropdb", "--if-exists", args.db], check=False)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
