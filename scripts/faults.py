#!/usr/bin/env python3
"""Fault injection: kill processes and restart PostgreSQL under load, then prove that
nothing is half-written and that work resumes by itself.

    scripts/faults.py [--scenarios worker,ocr,sign] [--with-postgres-restart]
                      [--db NAME] [--no-install] [--duration S] [--report FILE]

The server runs as production should: a prefork Odoo under scripts/supervise, which
restarts it whenever it exits. The load is scripts/loadtest.py's agents (register,
route, answer, and each office's signatory signing with a SoftHSM2 token private to the
run). Scenarios (each prints PASS/FAIL/SKIP with its evidence; the exit status is
non-zero on any FAIL):

worker    kill -9 one busy HTTP worker while the agents work. The master respawns the
          worker (and is not restarted itself); afterwards every acknowledged request is
          in the database with its reference, references are unique and gapless per
          office and year, no registered request lacks a reference, the signature
          invariants hold, and requests keep being registered after the kill.
ocr       kill -9 the cron worker in the middle of an OCR batch (emowaten_scan), then
          let the queue run again: every page processed exactly once, none lost.
sign      a signatory signs a batch of answers (the batch Sign dialog, PIN given); the
          worker handling that request (found by its TCP connection) is killed -9 once
          part of the batch has been written. Then: no signed PDF without its audit
          entry, no answer marked signed without its PDF, each answer of the batch fully
          signed or still awaiting its signature, and signing the batch again finishes
          it.
postgres  ``pg_ctlcluster 15 main stop``/``start`` in the middle of a load run, an
          idle HTTP worker killed while the cluster is down so that the master must
          spawn one (only with --with-postgres-restart: it interrupts every database of
          the cluster). Odoo's master exits; the supervisor starts it again, and
          registrations succeed again afterwards; same integrity checks.

ocr and sign are reported SKIP when their addon is not in the database under test.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import loadtest  # noqa: E402  (a sibling script, not a package)

PG_VERSION = os.environ.get("EMOWATEN_PG_VERSION", "15")


def log(message):
    print(f"[faults] {message}", file=sys.stderr, flush=True)


class Result:
    def __init__(self, name):
        self.name, self.status, self.evidence = name, "PASS", []

    def note(self, line):
        self.evidence.append(line)

    def fail(self, line):
        self.status = "FAIL"
        self.evidence.append("FAIL: " + line)

    def skip(self, line):
        self.status = "SKIP"
        self.evidence.append(line)

    def as_dict(self):
        return {"scenario": self.name, "status": self.status, "evidence": self.evidence}


def worker_roles(server):
    """{pid: 'WorkerHTTP' | 'WorkerCron'} from the 'Worker X (pid) alive' log lines,
    restricted to the processes alive now."""
    roles = {}
    for line in Path(server.logfile).read_text(errors="replace").splitlines():
        if "odoo.addons.base.models.ir_cron: Job" in line:
            # "date time PID LEVEL db logger: ..." – only the cron worker runs jobs
            try:
                roles[int(line.split()[2])] = "WorkerCron"
            except (IndexError, ValueError):
                pass
            continue
        if " alive" in line and "Worker Worker" in line:
            # "... Worker WorkerHTTP (1234) alive"
            kind = line.split("Worker Worker", 1)[1].split(" ", 1)[0]
            pid = int(line.rsplit("(", 1)[1].split(")", 1)[0])
            roles[pid] = "Worker" + kind
    # a worker's first log line may still sit in its stdout buffer: every live child
    # but the websocket (gevent) process is a worker, of a role unknown until it logs
    return {pid: roles.get(pid, "Worker?") for pid in server.worker_pids()}


def serving_pids(server_port, client_port=None):
    """PIDs of the processes holding the server side of an established connection to
    ``server_port`` (from ``client_port`` only, when given): the prefork workers
    serving a request now. (PostgreSQL cannot tell them apart: every worker's backend
    carries the master's pid in its application_name, set before the fork.)"""
    where = f"sport = :{server_port}"
    if client_port:
        where += f" and dport = :{client_port}"
    out = subprocess.run(
        ["ss", "-Htnp", "state", "established", f"( {where} )"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    return {int(pid) for pid in re.findall(r"pid=(\d+)", out)}


def old_transactions(db, before):
    """Transactions of this database's Odoo backends open since before ``before`` (a
    time.time())."""
    [[count]] = loadtest.psql(
        db,
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
        " AND application_name LIKE 'odoo-%'"
        f" AND xact_start < to_timestamp({before})",
    )
    return int(count)


def load_with_fault(server, fixture, db, duration, agents, fault, at_fraction=0.4):
    """Run the agents for ``duration`` s, calling ``fault()`` once at ``at_fraction``;
    ``fault`` may return the monotonic time from which work counts as resumed (default:
    when it returns). Returns (stats, elapsed, fault_time, registered_after_fault)."""
    stats = loadtest.Stats()
    clock = loadtest.Clock()
    threads = loadtest.make_agents(server.url, db, fixture, agents, stats, clock)
    for thread in threads:
        thread.start()
    started = clock.start(len(threads), duration)
    time.sleep(duration * at_fraction)
    fault_time = time.monotonic()
    resumed_from = fault() or time.monotonic()
    for thread in threads:
        thread.join(duration + 300)
    with stats.lock:
        after = [t for t in stats.acknowledged_at.values() if t > resumed_from]
    return stats, time.monotonic() - started, fault_time - started, len(after)


def verify_after(result, server, db, stats, fixture, registered_after):
    problems, references = loadtest.check_database(
        db, stats.acknowledged, fixture["offices"]
    )
    for problem in problems:
        result.fail(problem)
    result.note(
        f"{len(stats.acknowledged)} acknowledged requests all present; "
        f"{references} references unique and gapless per office and year"
    )
    [[drafts]] = loadtest.psql(
        db,
        "SELECT count(*) FROM emowaten_request WHERE state = 'draft' AND office_id IN "
        f"({','.join(str(o) for o in fixture['offices'])})",
    )
    result.note(
        f"{drafts} drafts left by an interrupted create→register (no reference)"
    )
    if registered_after:
        result.note(f"work resumed: {registered_after} requests registered after it")
    else:
        result.fail("no request was registered after the fault: work did not resume")
    result.note(
        f"calls cut by the fault (connection reset / HTTP 5xx while it happened): "
        f"{len(stats.transport)}"
    )
    for line in stats.server_errors[:10]:
        result.note(f"server-side error returned to an agent: {line}")
    if fixture["signatories"]:
        # what the fault left in a signatory's queue is signed now: the queue resumes
        rest = loadtest.sign_pending(server.url, db, fixture)
        check_signatures(
            result, db, fixture, awaiting=stats.awaiting, signed=stats.signed
        )
        result.note(
            f"signatures: {len(stats.signed)} answers signed under load, "
            f"{len(rest.signed)} signed afterwards from the queue"
        )


def check_signatures(result, db, fixture, awaiting=(), signed=()):
    """loadtest's signature invariants over the load offices, as evidence."""
    problems, counts = loadtest.check_signatures(
        db, fixture["offices"], awaiting=awaiting, signed=signed
    )
    for problem in problems:
        result.fail(problem)
    result.note(
        f"signature audit: {counts['signed']} signed answers, "
        f"{counts['audit entries']} audit entries 'signed', "
        f"{counts['to_sign']} awaiting a signature, {len(problems)} problems "
        f"(signed PDF files {'checked' if counts['files checked'] else 'not checked'})"
    )
    return counts


def master_unchanged(result, server, master):
    now = server.master_pid()
    if now != master:
        result.fail(f"the Odoo master was restarted ({master} → {now})")


# --------------------------------------------------------------------- scenarios
def scenario_worker(args, server, fixture):
    result = Result("worker: kill -9 an HTTP worker under load")
    killed = []
    master = server.master_pid()

    def fault():
        roles = worker_roles(server)
        http_workers = [pid for pid, role in roles.items() if role != "WorkerCron"]
        busy = []
        # wait (5 s at most) for a worker caught in the middle of a request
        give_up = time.monotonic() + 5
        while not busy and time.monotonic() < give_up:
            serving = serving_pids(server.port)
            busy = [pid for pid in http_workers if pid in serving]
        victim = (busy or http_workers or [None])[0]
        if victim is None:
            result.fail("no HTTP worker found to kill")
            return
        os.kill(victim, signal.SIGKILL)
        killed.append((victim, bool(busy)))
        log(f"killed HTTP worker {victim} ({'busy' if busy else 'idle'})")

    stats, elapsed, at, after = load_with_fault(
        server, fixture, args.db, args.duration, args.agents, fault
    )
    if killed:
        pid, busy = killed[0]
        result.note(
            f"killed worker {pid} ({'serving a request' if busy else 'idle'}) "
            f"at t={at:.0f}s of {elapsed:.0f}s"
        )
    roles, gone, respawned = wait_respawn(server, args.workers, killed[:1])
    result.note(f"workers alive afterwards: {sorted(roles.values())}")
    if not gone:
        result.fail("the killed worker is still alive")
    if not respawned:
        result.fail("the master did not respawn the killed worker")
    master_unchanged(result, server, master)
    verify_after(result, server, args.db, stats, fixture, after)
    return result


def wait_respawn(server, workers, killed, timeout=30):
    """The master reaps and respawns within its next loop: give it ``timeout`` s.
    Returns (roles, the killed worker is gone, the worker count is back)."""
    deadline = time.monotonic() + timeout
    while True:
        roles = worker_roles(server)
        respawned = len(roles) >= workers + 1
        gone = not killed or killed[0][0] not in roles
        if (respawned and gone) or time.monotonic() > deadline:
            return roles, gone, respawned
        time.sleep(1)


def scenario_postgres(args, server, fixture):
    """The cluster stopped and started again under load. While it is down one idle
    HTTP worker is killed, so the master has to spawn one: that is what makes Odoo's
    master give up (its spawn opens a cursor); without it the master may or may not
    notice the outage, depending on whether a worker happened to die meanwhile."""
    result = Result("postgres: restart the PostgreSQL cluster under load")
    if not args.with_postgres_restart:
        result.skip("not requested (--with-postgres-restart): it stops every database")
        return result
    master = server.master_pid()
    log_offset = os.path.getsize(server.logfile)
    timing = {}

    def fault():
        log(f"stopping PostgreSQL {PG_VERSION}/main")
        started = time.monotonic()
        pg_ctl("stop")
        roles = worker_roles(server)
        serving = serving_pids(server.port)
        idle = [p for p, r in roles.items() if r != "WorkerCron" and p not in serving]
        if idle:
            os.kill(idle[0], signal.SIGKILL)
            log(f"killed idle HTTP worker {idle[0]} while PostgreSQL is down")
        # the master reaps it at once (SIGCHLD) and tries to spawn another
        deadline = time.monotonic() + 8
        while time.monotonic() < deadline and server.master_pid() == master:
            time.sleep(0.2)
        pg_ctl("start")
        timing["down"] = time.monotonic() - started
        timing["up"] = time.monotonic()
        log(f"PostgreSQL {PG_VERSION}/main started again")
        return timing["up"]

    # long enough for the restart, Odoo's start, and some work afterwards
    duration = max(args.duration, 90)
    stats, elapsed, at, after = load_with_fault(
        server, fixture, args.db, duration, args.agents, fault, at_fraction=0.3
    )
    result.note(
        f"PostgreSQL down for {timing.get('down', 0):.1f}s from t={at:.0f}s of "
        f"{elapsed:.0f}s; one idle HTTP worker killed meanwhile"
    )
    with open(server.logfile, "rb") as handle:
        handle.seek(log_offset)
        tail = handle.read().decode(errors="replace").splitlines()
    restarts = [line for line in tail if "supervise[" in line and "exited with" in line]
    for line in restarts[:4]:
        result.note(f"supervisor: {line.split(': ', 1)[-1]}")
    forcefully = sum("Stopping forcefully" in line for line in tail)
    result.note(
        f"Odoo master {master} → {server.master_pid()} ('Stopping forcefully' "
        f"logged {forcefully} times, {len(restarts)} supervisor restarts)"
    )
    with stats.lock:
        resumed = [t for t in stats.acknowledged_at.values() if t > timing.get("up", 0)]
    if resumed:
        result.note(
            f"first registration acknowledged {min(resumed) - timing['up']:.1f}s "
            "after PostgreSQL was up again"
        )
    if server.proc.poll() is not None:
        result.fail("the supervisor itself exited")
    if server.master_pid() != master and not restarts:
        result.fail("the master changed but the supervisor logged no restart")
    verify_after(result, server, args.db, stats, fixture, after)
    return result


def pg_ctl(action):
    subprocess.run(
        ["pg_ctlcluster", "-m", "fast", PG_VERSION, "main", action], check=True
    )


def _has_model(client, name):
    return bool(client.call("ir.model", "search_count", [("model", "=", name)]))


def scenario_ocr(args, server, fixture):
    result = Result("ocr: kill -9 the worker in the middle of an OCR batch")
    admin = loadtest.Client(server.url, args.db)
    admin.login("admin", "admin")
    if not _has_model(admin, "emowaten.scan.batch"):
        result.skip("emowaten_scan is not installed in this database")
        return result
    master = server.master_pid()
    OcrFault(args, server, admin, result).run()
    master_unchanged(result, server, master)
    return result


def scenario_sign(args, server, fixture):
    result = Result("sign: kill -9 the worker in the middle of a batch signing")
    admin = loadtest.Client(server.url, args.db)
    admin.login("admin", "admin")
    if not _has_model(admin, "emowaten.signature.log"):
        result.skip("emowaten_signature is not installed in this database")
        return result
    if not fixture["signatories"]:
        result.skip("no signatory provisioned (--no-sign)")
        return result
    SignFault(args, server, fixture, result).run()
    return result


class TrackedCall(threading.Thread):
    """One JSON-RPC call of ``client``'s session on a connection of its own, whose
    local port tells which worker serves it."""

    def __init__(self, client, path, params):
        super().__init__(daemon=True)
        url = urllib.parse.urlsplit(client.url)
        self.conn = http.client.HTTPConnection(
            url.hostname, url.port, timeout=client.timeout
        )
        self.cookie = "; ".join(f"{c.name}={c.value}" for c in client.cookies)
        self.path, self.params = path, params
        self.port = self.result = self.error = None
        self.connected = threading.Event()

    def run(self):
        try:
            self.conn.connect()
            self.port = self.conn.sock.getsockname()[1]
            self.connected.set()
            self.conn.request(
                "POST",
                self.path,
                body=loadtest.Client.payload(self.params),
                headers={"Content-Type": "application/json", "Cookie": self.cookie},
            )
            response = self.conn.getresponse()
            body = response.read()
            if response.status >= 400:
                raise loadtest.HttpError(response.status)
            self.result = loadtest.Client.result(json.loads(body))
        except Exception as exc:  # noqa: BLE001 - the evidence of the fault
            self.error = exc
        finally:
            self.connected.set()
            self.conn.close()


def new_files(store, since):
    """Files of the filestore written since ``since`` (a time.time()), as the
    ``store_fname`` of their attachment would name them ("ab/ab12..."; the garbage
    collector's checklist is left out)."""
    found = []
    for directory in os.scandir(store) if store else ():
        if len(directory.name) != 2 or not directory.is_dir():
            continue
        for entry in os.scandir(directory.path):
            if entry.is_file() and entry.stat().st_mtime >= since:
                found.append(f"{directory.name}/{entry.name}")
    return found


class SignFault:
    """A batch signing through the batch Sign dialog; the worker serving it is killed
    -9 once half of the batch's signed PDFs are in the filestore (each answer is
    signed and stored in a transaction of its own: those before the kill are whole,
    the one being stored is rolled back, the rest wait)."""

    ANSWERS = 16

    def __init__(self, args, server, fixture, result):
        self.args, self.server, self.fixture, self.result = (
            args,
            server,
            fixture,
            result,
        )
        self.login, self.office = next(iter(fixture["signatories"].items()))
        self.killed_at = None

    def prepare_answers(self):
        """ANSWERS favourable answers awaiting signature in the signatory's office,
        registered and answered by one of its agents (each renders its letter)."""
        agent = next(
            login
            for login, office in self.fixture["users"]
            if office == self.office and login not in self.fixture["signatories"]
        )
        client = loadtest.Client(self.server.url, self.args.db, timeout=600)
        client.login(agent, agent)
        answers = []
        for index in range(self.ANSWERS):
            request = client.call(
                "emowaten.request",
                "create",
                {
                    "office_id": self.office,
                    "partner_id": self.fixture["partners"][index],
                    "type_id": self.fixture["type_id"],
                    "channel": "counter",
                    "subject": f"Batch signing fault {index}",
                    "description": "scripts/faults.py, scenario sign",
                },
            )
            client.call("emowaten.request", "action_register", [request])
            answer = client.call(
                "emowaten.answer",
                "create",
                {
                    "request_id": request,
                    "kind": "favourable",
                    "body_html": "<p>Favourable answer, signed in a batch.</p>",
                },
            )
            client.call("emowaten.answer", "action_submit", [answer])
            answers.append(answer)
        return answers

    def batch_states(self, answers):
        """{answer: 'signed' | 'waiting' | description of a half-written state}"""
        rows = loadtest.psql(
            self.args.db,
            "SELECT a.id, a.state, a.signed_attachment_id IS NOT NULL,"
            " (SELECT count(*) FROM emowaten_signature_log l WHERE l.answer_id = a.id"
            "  AND l.event = 'signed')"
            f" FROM emowaten_answer a WHERE a.id IN ({','.join(map(str, answers))})",
        )
        states = {}
        for answer, state, pdf, logs in rows:
            if state in ("signed", "sent") and pdf == "t" and logs == "1":
                states[int(answer)] = "signed"
            elif state == "to_sign" and pdf == "f" and logs == "0":
                states[int(answer)] = "waiting"
            else:
                states[int(answer)] = f"{state}, PDF {pdf}, {logs} audit entries"
        return states

    def start_batch(self, signer):
        """The batch dialog opened and its PIN typed; returns (the call of its Sign
        button, running, the batch's answers)."""
        model = "emowaten.signature.sign.wizard"
        action = signer.call(model, "action_open_pending")
        wizard = action["res_id"]
        [row] = signer.call(model, "read", [wizard], ["answer_ids"])
        signer.call(model, "write", [wizard], {"pin": self.fixture["pin"]})
        call = TrackedCall(
            signer, *loadtest.Client.call_params(model, "action_sign", [wizard])
        )
        call.start()
        return call, row["answer_ids"]

    def kill_when_half_written(self, call, store, since):
        """Find the worker serving ``call``, kill it once half the PDFs are written.
        Returns (victim pid or None, files written at the kill)."""
        call.connected.wait(30)
        victim, written = None, []
        deadline = time.monotonic() + 600
        while call.is_alive() and time.monotonic() < deadline:
            victim = victim or min(
                serving_pids(self.server.port, call.port), default=None
            )
            written = new_files(store, since)
            if victim and len(written) >= 1 + self.ANSWERS // 2:
                os.kill(victim, signal.SIGKILL)
                self.killed_at = time.time()
                return victim, written
            time.sleep(0.1)
        return None, written

    def run(self):
        args, result = self.args, self.result
        store = loadtest.filestore(args.db)
        master = self.server.master_pid()
        loadtest.sign_pending(self.server.url, args.db, self.fixture)
        answers = self.prepare_answers()
        signer = loadtest.Client(self.server.url, args.db, timeout=900)
        signer.login(self.login, self.login)
        since = time.time() - 1
        call, batch = self.start_batch(signer)
        result.note(f"batch of {len(batch)} answers, {len(answers)} prepared for it")
        victim, written = self.kill_when_half_written(call, store, since)
        call.join(120)
        if victim is None:
            result.skip(
                f"the batch ended before half of it was written ({len(written)} "
                f"files, call {call.error or 'succeeded'}): nothing interrupted"
            )
            check_signatures(result, args.db, self.fixture)
            return
        result.note(
            f"killed worker {victim} serving the batch after {len(written)} files "
            f"were written (signed PDFs, each committed with its answer); the "
            f"signatory's call ended with {call.error!r}"
        )
        self.verify_killed(victim, batch, store, since)
        master_unchanged(result, self.server, master)
        # the signatory signs again: the batch must finish now
        rest = loadtest.sign_pending(self.server.url, args.db, self.fixture)
        for line in rest.sign_refusals + rest.server_errors + rest.transport:
            result.fail(f"signing again: {line}")
        states = self.batch_states(batch)
        done = sum(state == "signed" for state in states.values())
        result.note(f"signing the batch again: {done}/{len(batch)} signed")
        if done != len(batch):
            result.fail(f"after signing again: {sorted(states.values())}")
        check_signatures(result, args.db, self.fixture, awaiting=batch)

    def verify_killed(self, victim, batch, store, since):
        result, db = self.result, self.args.db
        roles, gone, respawned = wait_respawn(
            self.server, self.args.workers, [(victim, True)]
        )
        result.note(f"workers alive afterwards: {sorted(roles.values())}")
        if not (gone and respawned):
            result.fail("the master did not replace the killed worker")
        # PostgreSQL sees the client gone and rolls the batch's transaction back
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and old_transactions(db, self.killed_at):
            time.sleep(0.5)
        left = old_transactions(db, self.killed_at)
        result.note(f"transactions open since before the kill, now: {left}")
        if left:
            result.fail("the killed worker's transaction is still open in PostgreSQL")
        states = self.batch_states(batch)
        summary = {
            s: sum(v == s for v in states.values()) for s in set(states.values())
        }
        result.note(f"batch after the kill: {summary}")
        half = [
            f"answer {a}: {s}"
            for a, s in states.items()
            if s not in ("signed", "waiting")
        ]
        for line in half:
            result.fail(f"half-written: {line}")
        # each answer is signed and stored in a transaction of its own: a batch cut
        # short keeps the answers signed before the kill, whole, and the others wait
        check_signatures(result, db, self.fixture)
        referenced = {
            fname
            for (fname,) in loadtest.psql(
                db,
                "SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL",
            )
        }
        stray = [f for f in new_files(store, since) if f not in referenced]
        result.note(
            f"{len(stray)} files the killed transaction wrote are referenced by no "
            "attachment (garbage left for Odoo's filestore collection, nothing visible)"
        )


def _scan_pdf(pages):
    """A PDF of ``pages`` pages of printed text (reportlab, from the venv)."""
    import io  # noqa: PLC0415 - only this scenario needs them

    from reportlab.pdfgen import canvas  # noqa: PLC0415

    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    for page in range(pages):
        pdf.setFont("Helvetica", 14)
        for line in range(20):
            pdf.drawString(
                60, 780 - 30 * line, f"Requete {page + 1}: route coupee ligne {line}"
            )
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


class OcrFault:
    """An OCR batch queued through RPC; the cron worker processing it is killed -9
    once some pages are done; then every page must be processed exactly once."""

    PAGES = 3

    def __init__(self, args, server, admin, result):
        self.args, self.server, self.admin, self.result = args, server, admin, result

    def pages(self, batch_id):
        return self.admin.call(
            "emowaten.scan.page",
            "search_read",
            [("batch_id", "=", batch_id)],
            ["state", "ocr_count", "line_id", "sequence"],
        )

    def run(self):
        import base64  # noqa: PLC0415

        admin, result = self.admin, self.result
        office = admin.call("emowaten.office", "search", [], limit=1)[0]
        attachment = admin.call(
            "ir.attachment",
            "create",
            {
                "name": "fault-scan.pdf",
                "datas": base64.b64encode(_scan_pdf(self.PAGES)).decode(),
                "mimetype": "application/pdf",
            },
        )
        batch = admin.call(
            "emowaten.scan.batch",
            "create",
            {"office_id": office, "upload_attachment_ids": [(6, 0, [attachment])]},
        )
        admin.call("emowaten.scan.batch", "action_process", [batch])
        deadline = time.monotonic() + 600
        victim = None
        while time.monotonic() < deadline:
            pages = self.pages(batch)
            done = [p for p in pages if p["state"] != "queued"]
            if pages and 0 < len(done) < len(pages):
                roles = worker_roles(self.server)
                # one cron thread, so one cron worker: the one running the queue
                crons = [pid for pid, role in roles.items() if role == "WorkerCron"]
                if crons:
                    victim = crons[0]
                    os.kill(victim, signal.SIGKILL)
                    result.note(
                        f"killed cron worker {victim} with {len(done)}/{len(pages)} "
                        "pages done"
                    )
                    break
            if pages and len(done) == len(pages):
                break
            time.sleep(1)
        if victim is None:
            result.skip("the batch finished (or never started) before a kill: no fault")
            return
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            pages = self.pages(batch)
            if pages and all(p["state"] != "queued" for p in pages):
                break
            time.sleep(5)
        pages = self.pages(batch)
        states = sorted({p["state"] for p in pages})
        result.note(f"after the kill: {len(pages)} pages, states {states}")
        if len(pages) != self.PAGES:
            result.fail(f"{len(pages)} pages for a {self.PAGES}-page scan (lost pages)")
        if any(p["state"] == "queued" for p in pages):
            result.fail(
                "pages still queued 15 minutes after the kill: work did not resume"
            )
        twice = [p for p in pages if (p["ocr_count"] or 0) > 1]
        if twice:
            result.fail(f"{len(twice)} pages processed more than once")
        keys = [(p["line_id"] and p["line_id"][0], p["sequence"]) for p in pages]
        if len(keys) != len(set(keys)):
            result.fail("a page exists twice")
        if result.status == "PASS":
            result.note("every page processed exactly once, none lost")


SCENARIOS = {
    "worker": scenario_worker,
    "ocr": scenario_ocr,
    "sign": scenario_sign,
    "postgres": scenario_postgres,
}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scenarios", default="worker,ocr,sign,postgres")
    parser.add_argument("--with-postgres-restart", action="store_true")
    parser.add_argument("--db", default=f"lt_faults_{os.getpid()}")
    parser.add_argument("--port", type=int)
    parser.add_argument("--no-install", action="store_true")
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--duration", type=float, default=40)
    parser.add_argument("--agents", type=int, default=10)
    parser.add_argument(
        "--workers",
        type=int,
        default=6,
        help="HTTP workers: more than the letters rendered at once (wkhtmltopdf "
        "fetches its assets from the same server)",
    )
    parser.add_argument(
        "--no-sign",
        action="store_true",
        help="no signatory and no SoftHSM2 token (the sign scenario is skipped)",
    )
    parser.add_argument("--report", help="write the report as JSON to this file")
    parser.add_argument("--logdir", default="/tmp")
    args = parser.parse_args(argv)
    loadtest.use_project_python(not args.no_sign)
    # a SIGTERM must still stop the server (the finally clauses below)
    signal.signal(signal.SIGTERM, lambda *_args: sys.exit(143))
    port = args.port or loadtest.free_port(8170, 8180)
    logfile = f"{args.logdir}/{args.db}.faults.log"
    if not args.no_install:
        loadtest.create_database(args.db, logfile)
    # the token first: the server must inherit SOFTHSM2_CONF to see it
    kit = None if args.no_sign else loadtest.SigningKit()
    if kit is None:
        loadtest.Agent.favourable = 0
    # supervised, as in production: a master that exits is started again
    server = loadtest.Server(
        args.db, port, logfile, workers=args.workers, supervised=True
    )
    results, fixture = [], None
    try:
        server.start()
        fixture = loadtest.prepare(
            server.url, args.db, args.agents, citizens=30, emails=False, kit=kit
        )
        for name in args.scenarios.split(","):
            log(f"scenario {name}")
            results.append(SCENARIOS[name.strip()](args, server, fixture))
    finally:
        try:
            if fixture:
                loadtest.restore_params(server.url, args.db, fixture)
        finally:
            server.stop()
            if kit:
                kit.close()
            if not args.keep_db and not args.no_install:
                loadtest.drop_database(args.db)
    failed = False
    for result in results:
        print(f"{result.status:4}  {result.name}")
        for line in result.evidence:
            print(f"      {line}")
        failed |= result.status == "FAIL"
    if args.report:
        Path(args.report).write_text(
            json.dumps([r.as_dict() for r in results], indent=1, ensure_ascii=False)
        )
    print("RESULT: " + ("FAIL" if failed else "PASS"))
    return 1 if failed else 0


if __name__ == "__main__":
    threading.current_thread().name = "faults"
    sys.exit(main())
