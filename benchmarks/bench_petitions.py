"""Benchmark of emowaten_petitions at national volume (issue 4, point 12).

Fills a throw-away database with requests by set-based SQL (``generate.py``, 1,000,000
by default), then measures through the ORM:

* registration of 10,000 requests (batches of 500: reference, stage, followers, chatter
  entry, custody) — the peer, OCA ``helpdesk_mgmt`` 19.0, creates 72 tickets/s here;
* the kanban's first page of a large office with its grouped counts (``web_read_group``
  as the web client calls it, as an office manager, record rules applied);
* search by reference and by CIN (median of 50 lookups);
* the escalation cron over all open requests (``_cron_escalate``, batches committed).

Prints the figures; asserts nothing.

Usage::

    python benchmarks/bench_petitions.py [--db h_pet_bench] [--quick | --requests N]
                                         [--register 10000] [--reuse]
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402
import generate  # noqa: E402

PEER_RATE = 72.0  # tickets/s, OCA helpdesk_mgmt 19.0 on this machine (TECHNOTES)
BATCH = 500


def fill(db, n_requests):
    log = f"/tmp/{db}-install.log"
    seconds = common.create_db(db, ["emowaten_petitions"], log)
    common.log(f"installed emowaten_petitions in {seconds:.0f} s")
    timings, counts = generate.generate(db, n_requests)
    return timings, counts


def measure_registration(db, n):
    """ORM registration of ``n`` requests in batches, committed per batch."""
    with common.odoo_env(db) as env:
        offices = env["emowaten.office"].search([], limit=20).ids
        partners = (
            env["res.partner"]
            .search([("emowaten_is_citizen", "=", True)], limit=2000)
            .ids
        )
        types = env["emowaten.request.type"].search([("confidential", "=", False)]).ids
        users = (
            env["res.users"]
            .search([("login", "=like", "bench.manager.%")], limit=20)
            .ids
        )
    rng = random.Random(4)
    vals = [
        {
            "office_id": rng.choice(offices),
            "partner_id": rng.choice(partners),
            "type_id": rng.choice(types),
            "channel": rng.choice(("counter", "phone", "post", "email")),
            "subject": rng.choice(generate.SUBJECTS_AR + generate.SUBJECTS_FR),
            "description": "Demande enregistrée par le banc d'essai / مطلب مسجل "
            "للاختبار",
            "user_id": rng.choice(users) if users else False,
            "state": "registered",
        }
        for _i in range(n)
    ]
    reg = common.registry(db)
    import odoo

    start = time.perf_counter()
    cpu = time.process_time()
    for i in range(0, n, BATCH):
        with reg.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            env["emowaten.request"].create(vals[i : i + BATCH])
    seconds = time.perf_counter() - start
    return seconds, n / seconds, time.process_time() - cpu


def measure_kanban(db):
    import odoo

    reg = common.registry(db)
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT office_id FROM emowaten_request GROUP BY office_id "
            "ORDER BY count(*) DESC LIMIT 1"
        )
        office_id = cr.fetchone()[0]
        office = env["emowaten.office"].browse(office_id)
        manager = office.manager_user_ids[:1] or env.user
        count = env["emowaten.request"].search_count([("office_id", "=", office_id)])
        Request = (
            env["emowaten.request"]
            .with_user(manager)
            .with_context(default_office_id=office_id)
        )
        domain = [("office_id.user_ids", "in", [manager.id]), ("parent_id", "=", False)]
        spec = {
            "name": {},
            "subject": {},
            "partner_id": {"fields": {"display_name": {}}},
            "date_deadline": {},
            "stage_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "priority": {},
        }

        def kanban():
            env.invalidate_all()
            return Request.web_read_group(
                domain,
                ["stage_id"],
                ["__count"],
                auto_unfold=True,
                unfold_read_specification=spec,
                unfold_read_default_limit=40,
            )

        seconds, _mb = common.repeat(kanban, times=5, warmup=1)
        groups = kanban()["groups"]
    return seconds, count, len(groups)


def measure_searches(db):
    import odoo

    reg = common.registry(db)
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT name FROM emowaten_request WHERE parent_id IS NULL "
            "ORDER BY random() LIMIT 50"
        )
        refs = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT p.emowaten_cin FROM emowaten_request r JOIN res_partner p "
            "ON p.id = r.partner_id WHERE p.emowaten_cin IS NOT NULL ORDER BY "
            "random() LIMIT 50"
        )
        cins = [row[0] for row in cr.fetchall()]
        Request = env["emowaten.request"]

        def timed(domains):
            samples = []
            for domain in domains:
                env.invalidate_all()
                start = time.perf_counter()
                Request.search_fetch(domain, ["name", "subject", "state"], limit=80)
                samples.append(time.perf_counter() - start)
            return statistics.median(samples)

        by_ref = timed([[("name", "=", ref)] for ref in refs])
        by_ref_prefix = timed([[("name", "=ilike", ref[:-2] + "%")] for ref in refs])
        by_cin = timed([[("partner_id.emowaten_cin", "=", cin)] for cin in cins])
    return by_ref, by_ref_prefix, by_cin


def measure_escalation(db):
    import odoo

    reg = common.registry(db)
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT count(*) FROM emowaten_request WHERE state IN "
            "('registered','screening','routed','study','answer_drafted','to_sign')"
        )
        open_count = cr.fetchone()[0]
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'emowaten.request'"
        )
        before = cr.fetchone()[0]
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        start = time.perf_counter()
        env["emowaten.request"]._cron_escalate()
        first = time.perf_counter() - start
    with reg.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'emowaten.request'"
        )
        created = cr.fetchone()[0] - before
        start = time.perf_counter()
        env["emowaten.request"]._cron_escalate()
        second = time.perf_counter() - start
        cr.execute(
            "SELECT count(*) FROM mail_activity WHERE res_model = 'emowaten.request'"
        )
        again = cr.fetchone()[0] - before - created
    return open_count, first, created, second, again


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", default="h_pet_bench")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="20,000 requests")
    size.add_argument("--requests", type=int, help="number of requests to generate")
    parser.add_argument("--register", type=int, default=10_000)
    parser.add_argument("--reuse", action="store_true", help="keep the filled database")
    parser.add_argument(
        "--only",
        choices=["register", "kanban", "search", "escalation"],
        action="append",
        help="run only these measurements (repeatable)",
    )
    args = parser.parse_args(argv)
    n = generate.FULL_REQUESTS
    if args.quick:
        n = generate.QUICK_REQUESTS
    elif args.requests:
        n = args.requests
    if not args.reuse:
        start = time.perf_counter()
        _timings, counts = fill(args.db, n)
        common.log(
            f"filled {counts.get('requests', n):,} requests in "
            f"{time.perf_counter() - start:.0f} s"
        )
    only = set(args.only or ["register", "kanban", "search", "escalation"])
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    if "register" in only:
        report_registration(args.db, args.register)
    if "kanban" in only:
        report_kanban(args.db)
    if "search" in only:
        report_search(args.db)
    if "escalation" in only:
        report_escalation(args.db)


def report_registration(db, n):
    seconds, rate, cpu = measure_registration(db, n)
    print(
        f"registration: {n:,} requests in {seconds:.1f} s = {rate:.0f}/s "
        f"({rate / PEER_RATE:.1f}x the peer's {PEER_RATE:.0f} tickets/s)"
    )
    print(
        f"  Odoo process CPU: {cpu:.1f} s = {n / cpu:.0f} requests per CPU-second "
        "(the rest is PostgreSQL and waiting for the shared cores)"
    )


def report_kanban(db):
    kanban_s, office_count, groups = measure_kanban(db)
    print(
        f"kanban first page: {kanban_s * 1000:.0f} ms (office of {office_count:,} "
        f"requests, {groups} stage groups with counts, 40 cards per group)"
    )


def report_search(db):
    by_ref, by_prefix, by_cin = measure_searches(db)
    print(
        f"search by reference: {by_ref * 1000:.1f} ms; by reference prefix: "
        f"{by_prefix * 1000:.1f} ms; by CIN: {by_cin * 1000:.1f} ms (medians of 50)"
    )


def report_escalation(db):
    open_count, first, created, second, again = measure_escalation(db)
    print(
        f"escalation cron: {open_count:,} open requests, first run {first:.1f} s "
        f"({created:,} activities), second run {second:.2f} s ({again} new: idempotent)"
    )


if __name__ == "__main__":
    main()
