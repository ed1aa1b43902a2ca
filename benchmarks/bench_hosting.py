"""Monthly hosting-usage measurement at national volume (issue 3, point 7).

``emowaten.hosting.usage._cron_measure_usage`` sums, per public body, the records
and attachment bytes returned by the ``_emowaten_usage_queries`` hook, in one SQL
statement, then writes one usage and cost line per body. This script checks that
it stays fast at 1,000,000 requests and 3,000,000 attachments.

A throw-away database (dropped at the end unless ``--keep``) gets ``emowaten_base``
and, by set-based SQL (``INSERT ... SELECT generate_series``):

* N public bodies (default 400) with a committed hosting agreement and a tariff;
* a request-like table ``bench_hosting_request`` (id, body_id, create_date) over ten
  years, standing in for ``emowaten_request``, so the script depends on base only;
* attachment rows on those requests (150 KB to 2 MB, no file on disk) and a few on
  the bodies themselves.

The hook is extended in-process exactly as the petitions addon does (one query for
the requests, one for their attachments, both grouped by body). Measured:

* ``measure``: ``_emowaten_measure(date_to)``, the union of the hook queries summed
  per body (median of ``--runs``);
* ``floor``: the same SQL text run with psycopg2 outside Odoo;
* ``cron first``: ``_cron_measure_usage(month)`` creating the lines and costs;
* ``cron again``: the same month again (idempotent: updates, creates nothing).

Usage::

    python benchmarks/bench_hosting.py [--quick] [--requests N] [--attachments N]
        [--bodies N] [--db h_base_bench] [--reuse] [--keep] [--runs 3]

Prints numbers only; nothing asserts a timing.
"""

import argparse
import statistics
import sys
import time
from datetime import date, datetime
from pathlib import Path
from unittest.mock import patch

from dateutil.relativedelta import relativedelta

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

FULL = {"requests": 1_000_000, "attachments": 3_000_000}
QUICK = {"requests": 100_000, "attachments": 300_000}

REQUEST_QUERY = """
    SELECT r.body_id, COUNT(*), 0
      FROM bench_hosting_request r
     WHERE r.create_date < %s
  GROUP BY r.body_id"""
ATTACHMENT_QUERY = """
    SELECT r.body_id, COUNT(*), COALESCE(SUM(a.file_size), 0)
      FROM ir_attachment a
      JOIN bench_hosting_request r ON r.id = a.res_id
     WHERE a.res_model = 'bench.hosting.request'
       AND a.create_date < %s
  GROUP BY r.body_id"""


def generate(db, bodies, requests, attachments):
    """Fill the database by set-based SQL; return the seconds it took."""
    start = time.perf_counter()
    conn = common.pg_connect(db)
    with conn, conn.cursor() as cr:
        cr.execute(
            """
            INSERT INTO emowaten_body
                   (name, code, body_type, active, complete_name, create_date,
                    write_date, create_uid, write_uid)
            SELECT jsonb_build_object('en_US', 'Bench body ' || g),
                   'BENCH-H-' || g,
                   (ARRAY['ministry', 'municipality', 'epa', 'enterprise'])[1 + g %% 4],
                   TRUE, 'Bench body ' || g, now(), now(), 1, 1
              FROM generate_series(1, %s) g
            """,
            [bodies],
        )
        cr.execute(
            "UPDATE emowaten_body SET parent_path = id || '/' WHERE parent_path IS NULL"
        )
        cr.execute("SELECT array_agg(id ORDER BY id) FROM emowaten_body")
        body_ids = cr.fetchone()[0]
        cr.execute(
            """
            CREATE TABLE bench_hosting_request (
                id serial PRIMARY KEY,
                body_id integer NOT NULL,
                create_date timestamp NOT NULL)
            """
        )
        # big bodies get most files: square of a uniform draw skews towards the start
        cr.execute(
            """
            INSERT INTO bench_hosting_request (body_id, create_date)
            SELECT (%(ids)s::int[])[1 + floor(power(random(), 2) * %(n)s)::int],
                   timestamp '2016-01-01' + (g::float / %(req)s) * interval '3650 days'
              FROM generate_series(1, %(req)s) g
            """,
            {"ids": body_ids, "n": len(body_ids), "req": requests},
        )
        cr.execute(
            """
            INSERT INTO ir_attachment
                   (name, type, res_model, res_id, file_size, mimetype, public,
                    create_date, write_date, create_uid, write_uid)
            SELECT 'scan-' || g || '.pdf', 'binary', 'bench.hosting.request',
                   r.id, 150000 + floor(random() * 1850000)::int,
                   'application/pdf', FALSE, r.create_date, r.create_date, 1, 1
              FROM generate_series(1, %(att)s) g
              JOIN bench_hosting_request r
                ON r.id = 1 + (g * 7919::bigint) %% %(req)s
            """,
            {"att": attachments, "req": requests},
        )
        cr.execute(
            """
            INSERT INTO ir_attachment
                   (name, type, res_model, res_id, file_size, mimetype, public,
                    create_date, write_date, create_uid, write_uid)
            SELECT 'charter-' || b || '.pdf', 'binary', 'emowaten.body', b,
                   500000, 'application/pdf', FALSE, now(), now(), 1, 1
              FROM unnest(%s::int[]) b
            """,
            [body_ids],
        )
        cr.execute("ANALYZE bench_hosting_request")
        cr.execute("ANALYZE ir_attachment")
        cr.execute("ANALYZE emowaten_body")
    conn.close()
    with common.odoo_env(db, {"tracking_disable": True}) as env:
        year = date.today().year
        env["emowaten.hosting.agreement"].create(
            [
                {
                    "body_id": body_id,
                    "year": year,
                    "budget": 5000.0,
                    "state": "committed",
                    "tariff_ids": [
                        (
                            0,
                            0,
                            {
                                "date_from": f"{year}-01-01",
                                "yearly_fee": 1200.0,
                                "price_gb_month": 15.0,
                                "price_per_thousand_docs": 2.5,
                            },
                        )
                    ],
                }
                for body_id in body_ids
            ]
        )
    return time.perf_counter() - start


def hooked_queries(original):
    def queries(self, date_to):
        return original(self, date_to) + [
            (REQUEST_QUERY, [date_to]),
            (ATTACHMENT_QUERY, [date_to]),
        ]

    return queries


def floor_sql(db, date_to, runs):
    """The union the cron builds, run with psycopg2 outside Odoo."""
    parts = " UNION ALL ".join(
        f"({q})"
        for q in (
            "SELECT a.res_id, COUNT(*), COALESCE(SUM(a.file_size), 0) "
            "FROM ir_attachment a WHERE a.res_model = 'emowaten.body' "
            "AND a.res_id IS NOT NULL AND a.create_date < %(d)s GROUP BY a.res_id",
            "SELECT o.body_id, COUNT(*), COALESCE(SUM(a.file_size), 0) "
            "FROM ir_attachment a JOIN emowaten_office o ON o.id = a.res_id "
            "WHERE a.res_model = 'emowaten.office' AND a.create_date < %(d)s "
            "GROUP BY o.body_id",
            REQUEST_QUERY.replace("%s", "%(d)s"),
            ATTACHMENT_QUERY.replace("%s", "%(d)s"),
        )
    )
    sql = (
        "SELECT u.body_id, SUM(u.c)::bigint, SUM(u.b)::bigint "
        f"FROM ({parts}) AS u(body_id, c, b) "
        "JOIN emowaten_body b ON b.id = u.body_id GROUP BY u.body_id"
    )
    conn = common.pg_connect(db)
    samples = []
    with conn.cursor() as cr:
        for _i in range(runs + 1):
            start = time.perf_counter()
            cr.execute(sql, {"d": date_to})
            rows = cr.fetchall()
            samples.append(time.perf_counter() - start)
    conn.rollback()
    conn.close()
    return statistics.median(samples[1:]), len(rows)


def measure(db, runs):
    month = date.today().replace(day=1)
    date_to = datetime.combine(month + relativedelta(months=1), datetime.min.time())
    results = {}
    with common.odoo_env(db, {"tracking_disable": True}) as env:
        Usage = env["emowaten.hosting.usage"]
        cls = type(Usage)
        with patch.object(
            cls, "_emowaten_usage_queries", hooked_queries(cls._emowaten_usage_queries)
        ):
            Usage._emowaten_measure(date_to)  # warm-up
            samples = []
            for _i in range(runs):
                start = time.perf_counter()
                measured = Usage._emowaten_measure(date_to)
                samples.append(time.perf_counter() - start)
            results["measure"] = statistics.median(samples)
            results["bodies_measured"] = len(measured)
            results["records"] = sum(c for c, _b in measured.values())
            results["bytes"] = sum(b for _c, b in measured.values())
            with common.Measure() as m:
                Usage._cron_measure_usage(month)
                env.flush_all()
            results["cron_first"] = m.seconds
            results["cron_peak_mb"] = m.peak_mb
            results["lines"] = Usage.search_count([("date", "=", month)])
            with common.Measure() as m:
                Usage._cron_measure_usage(month)
                env.flush_all()
            results["cron_again"] = m.seconds
            results["lines_again"] = Usage.search_count([("date", "=", month)])
            cost = sum(Usage.search([("date", "=", month)]).mapped("cost"))
            results["cost"] = cost
        env.cr.rollback()
    results["floor"], results["floor_rows"] = floor_sql(db, date_to, runs)
    return results


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--requests", type=int)
    parser.add_argument("--attachments", type=int)
    parser.add_argument("--bodies", type=int, default=400)
    parser.add_argument("--db")
    parser.add_argument("--reuse", action="store_true", help="measure an existing db")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    sizes["requests"] = args.requests or sizes["requests"]
    sizes["attachments"] = args.attachments or sizes["attachments"]
    db = args.db or ("h_base_bench_quick" if args.quick else "h_base_bench")
    common.OUT.mkdir(exist_ok=True)
    if not args.reuse:
        install = common.create_db(db, ["emowaten_base"], common.OUT / f"{db}.log")
        common.log(f"installed emowaten_base in {install:.1f} s")
        seconds = generate(db, args.bodies, sizes["requests"], sizes["attachments"])
        common.log(f"generated data in {seconds:.1f} s")
    try:
        r = measure(db, args.runs)
    finally:
        if not args.keep and not args.reuse:
            common.drop_db(db)
    print(
        f"bench_hosting: {args.bodies} bodies, {sizes['requests']:,} requests, "
        f"{sizes['attachments']:,} attachments"
    )
    print(
        f"measure (hook SQL summed per body, median of {args.runs}): "
        f"{r['measure']:.3f} s — {r['bodies_measured']} bodies, "
        f"{r['records']:,} records, {r['bytes'] / 1024**3:.1f} GiB"
    )
    print(f"floor (same SQL through psycopg2): {r['floor']:.3f} s")
    print(
        f"cron first run (measure + {r['lines']} usage/cost lines): "
        f"{r['cron_first']:.3f} s, peak {r['cron_peak_mb']:.0f} MB"
    )
    print(
        f"cron second run, same month (idempotent, {r['lines_again']} lines): "
        f"{r['cron_again']:.3f} s"
    )
    print(f"monthly cost of all bodies: {r['cost']:,.3f}")
    print(f"ratio measure/floor: {r['measure'] / r['floor']:.2f}")


if __name__ == "__main__":
    main()
