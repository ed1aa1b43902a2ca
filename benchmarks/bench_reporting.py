"""Yearly activity report of one office over 200,000 requests (issue 8).

Compares the e-Mowaten XLSX report (OCA report_xlsx, record rules, translated
labels, statistics by SQL, annex streamed from a server-side cursor, xlsxwriter in
``constant_memory`` mode) with a floor: the same annex cells written with bare
xlsxwriter from ONE SQL query (labels joined in SQL), plus the monthly and summary
counts computed in Python while streaming. Target: e-Mowaten under 1.5x the floor,
with a peak memory that does not grow with the number of requests.

The data is made by set-based SQL in a throw-away database (dropped at the end
unless ``--keep``): one ministry office, one year, N requests, 70 % answered.

Usage::

    python benchmarks/bench_reporting.py [--quick] [--requests N] [--db h_rep_bench]
        [--reuse] [--keep] [--runs 1] [--heap]

Prints the median time of each side, the ratio and the peak resident memory of the
process during each run (with ``--heap``, also the Python heap peak measured by
tracemalloc on a separate run). Numbers only, no assertion.
"""

import argparse
import statistics
import sys
import time
import tracemalloc
from datetime import date
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

FULL = 200_000
QUICK = 20_000
LANG = "ar_001"
CHANNELS = ["portal", "mobile", "counter", "phone", "post", "email"]


# ------------------------------------------------------------------ data
def make_reference(db, year):
    """Office, bodies and categories through the ORM (a few dozen records)."""
    with common.odoo_env(db, {"tracking_disable": True}) as env:
        env["res.lang"]._activate_lang(LANG)
        Body = env["emowaten.body"]
        ministry = Body.search([("code", "=", "BENCH-REP-M")])
        if not ministry:
            ministry = Body.create(
                {
                    "name": "Bench ministry",
                    "code": "BENCH-REP-M",
                    "body_type": "ministry",
                }
            )
            Body.create(
                [
                    {
                        "name": f"Bench directorate {i}",
                        "code": f"BENCH-REP-D{i}",
                        "body_type": "epa",
                        "parent_id": ministry.id,
                    }
                    for i in range(10)
                ]
            )
            env["emowaten.request.category"].create(
                [{"name": f"Bench category {i}"} for i in range(8)]
            )
            env["emowaten.office"].create(
                {
                    "name": "Bench office",
                    "code": "BENCH-REP-O",
                    "reference_prefix": "BRP",
                    "kind": "ministry",
                    "body_id": ministry.id,
                }
            )
        office = env["emowaten.office"].search([("code", "=", "BENCH-REP-O")])
        bodies = Body.search([("code", "=like", "BENCH-REP-D%")]).ids
        categories = env["emowaten.request.category"].search(
            [("name", "=like", "Bench category%")]
        )
        types = env["emowaten.request.type"].search([("confidential", "=", False)]).ids
        states = env["res.country.state"].search([("country_id.code", "=", "TN")]).ids
        return office.id, bodies, categories.ids, types, states or [None]


def generate(db, n, year):
    """N requests of one office in ``year`` and the answers of 70 % of them."""
    office_id, bodies, categories, types, states = make_reference(db, year)
    conn = common.pg_connect(db)
    cr = conn.cursor()
    cr.execute("SET synchronous_commit TO off")
    cr.execute("SELECT setseed(0.42)")
    cr.execute("DELETE FROM emowaten_request WHERE office_id = %s", [office_id])
    start = time.perf_counter()
    cr.execute(
        """
        INSERT INTO emowaten_request (
            name, office_id, type_id, channel, subject, state, registration_date,
            date_deadline, category_id, state_id, body_id, implicit_refusal,
            transfer_count, rating, priority, create_uid, write_uid, create_date,
            write_date)
        SELECT 'BRP-' || %(year)s || '-' || lpad(g::text, 6, '0'),
               %(office)s,
               (%(types)s::int[])[1 + g %% cardinality(%(types)s::int[])],
               (%(channels)s::text[])[1 + (g * 7) %% 6],
               'Bench request ' || g,
               CASE WHEN g %% 10 < 7 THEN 'answered' ELSE 'study' END,
               reg,
               reg::date + 60,
               (%(cats)s::int[])[1 + (g * 3) %% cardinality(%(cats)s::int[])],
               (%(states)s::int[])[1 + (g * 5) %% cardinality(%(states)s::int[])],
               CASE WHEN g %% 4 = 0
                    THEN (%(bodies)s::int[])[1 + g %% cardinality(%(bodies)s::int[])]
               END,
               g %% 10 = 8 AND reg < now() - interval '60 days',
               (g %% 17 = 0)::int + (g %% 51 = 0)::int,
               CASE WHEN g %% 10 < 7 AND g %% 3 = 0 THEN 1 + g %% 5 END,
               '0', 1, 1, reg, reg
          FROM generate_series(1, %(n)s) g,
               LATERAL (SELECT make_timestamp(%(year)s, 1, 1, 7, 0, 0)
                               + (g %% 364) * interval '1 day'
                               + (random() * 9) * interval '1 hour' AS reg) x
        """,
        {
            "year": year,
            "office": office_id,
            "types": types,
            "channels": CHANNELS,
            "cats": categories,
            "states": states,
            "bodies": bodies,
            "n": n,
        },
    )
    cr.execute(
        """
        INSERT INTO emowaten_answer (request_id, office_id, body_id, kind, lang, state,
                                     date_sent, create_uid, write_uid, create_date,
                                     write_date)
        SELECT r.id, r.office_id, r.body_id, 'information', 'ar', 'sent',
               r.registration_date + (1 + random() * 80) * interval '1 day',
               1, 1, r.registration_date, r.registration_date
          FROM emowaten_request r
         WHERE r.office_id = %s AND r.state = 'answered'
        """,
        [office_id],
    )
    conn.commit()
    cr.execute("ANALYZE emowaten_request")
    cr.execute("ANALYZE emowaten_answer")
    conn.commit()
    conn.close()
    return office_id, time.perf_counter() - start


# ------------------------------------------------------------------ e-Mowaten
def emowaten_report(db, office_id, year):
    with common.odoo_env(db, {"lang": LANG}) as env:
        content, _fmt = env["ir.actions.report"]._render_xlsx(
            "emowaten_reporting.action_report_office_yearly_xlsx",
            [office_id],
            {"year": year, "lang": LANG},
        )
        env.cr.rollback()
    return content


# ------------------------------------------------------------------ floor
FLOOR_SQL = """
SELECT r.name,
       (r.registration_date AT TIME ZONE 'UTC' AT TIME ZONE 'Africa/Tunis')::date,
       COALESCE(t.name ->> %(lang)s, t.name ->> 'en_US'),
       r.channel,
       COALESCE(c.name ->> %(lang)s, c.name ->> 'en_US'),
       s.name,
       b.complete_name,
       r.state,
       r.date_deadline,
       (a.sent AT TIME ZONE 'UTC' AT TIME ZONE 'Africa/Tunis')::date,
       EXTRACT(EPOCH FROM a.sent - r.registration_date) / 86400.0,
       CASE WHEN a.sent IS NULL AND r.date_deadline >= CURRENT_DATE THEN NULL
            ELSE a.sent IS NOT NULL AND (a.sent AT TIME ZONE 'UTC'
                 AT TIME ZONE 'Africa/Tunis')::date <= r.date_deadline END,
       r.implicit_refusal,
       r.transfer_count,
       NULLIF(r.rating, 0)
  FROM emowaten_request r
  JOIN emowaten_request_type t ON t.id = r.type_id
  LEFT JOIN emowaten_request_category c ON c.id = r.category_id
  LEFT JOIN res_country_state s ON s.id = r.state_id
  LEFT JOIN emowaten_body b ON b.id = r.body_id
  LEFT JOIN LATERAL (SELECT MIN(x.date_sent) AS sent FROM emowaten_answer x
                      WHERE x.request_id = r.id AND x.state = 'sent') a ON TRUE
 WHERE r.office_id = %(office)s AND r.parent_id IS NULL AND r.state != 'draft'
   AND r.registration_date >= %(start)s AND r.registration_date < %(stop)s
 ORDER BY r.registration_date, r.id
"""


def floor_report(db, office_id, year):  # noqa: C901 - one linear writer
    import xlsxwriter

    output = BytesIO()
    workbook = xlsxwriter.Workbook(output, {"constant_memory": True})
    text = workbook.add_format({"reading_order": 2})
    header = workbook.add_format({"bold": True, "reading_order": 2})
    day = workbook.add_format({"num_format": "yyyy-mm-dd"})
    num = workbook.add_format({"num_format": "0.0"})
    summary = workbook.add_worksheet("Summary")
    summary.right_to_left()
    annex = workbook.add_worksheet("Requests")
    annex.right_to_left()
    titles = [
        "Reference",
        "Registration date",
        "Type",
        "Channel",
        "Category",
        "Governorate",
        "Competent body",
        "Status",
        "Deadline",
        "Answer date",
        "Answer time (days)",
        "Within deadline",
        "Implicit refusal",
        "Transfers",
        "Rating",
    ]
    for col, title in enumerate(titles):
        annex.write_string(0, col, title, header)
    conn = common.pg_connect(db)
    cur = conn.cursor(name="floor_annex")
    cur.itersize = 5000
    cur.execute(
        FLOOR_SQL,
        {
            "lang": LANG,
            "office": office_id,
            "start": f"{year - 1}-12-31 23:00",
            "stop": f"{year}-12-31 23:00",
        },
    )
    months = [0] * 12
    answered = [0] * 12
    days = []
    refusals = transfers = 0
    row = 1
    for rec in cur:
        annex.write_string(row, 0, rec[0], text)
        annex.write_datetime(row, 1, rec[1], day)
        for col in (2, 3, 4, 5, 6, 7):
            if rec[col] is not None:
                annex.write_string(row, col, rec[col], text)
        if rec[8] is not None:
            annex.write_datetime(row, 8, rec[8], day)
        if rec[9] is not None:
            annex.write_datetime(row, 9, rec[9], day)
            annex.write_number(row, 10, float(rec[10]), num)
            answered[rec[1].month - 1] += 1
            days.append(float(rec[10]))
        if rec[11] is not None:
            annex.write_string(row, 11, "Yes" if rec[11] else "No", text)
        annex.write_string(row, 12, "Yes" if rec[12] else "No", text)
        annex.write_number(row, 13, rec[13] or 0, num)
        if rec[14] is not None:
            annex.write_number(row, 14, rec[14], num)
        months[rec[1].month - 1] += 1
        refusals += bool(rec[12])
        transfers += rec[13] or 0
        row += 1
    cur.close()
    conn.close()
    days.sort()
    summary.write_string(0, 0, "Yearly activity report", header)
    figures = [
        ("Requests received", row - 1),
        ("Answered", len(days)),
        ("Median answer time (days)", statistics.median(days) if days else 0),
        ("Implicit refusals", refusals),
        ("Transfers", transfers),
    ]
    for i, (label, value) in enumerate(figures, start=2):
        summary.write_string(i, 0, label, text)
        summary.write_number(i, 1, value, num)
    for month in range(12):
        summary.write_string(10 + month, 0, f"{year}-{month + 1:02d}", text)
        summary.write_number(10 + month, 1, months[month], num)
        summary.write_number(10 + month, 2, answered[month], num)
    chart = workbook.add_chart({"type": "column"})
    chart.add_series({"values": ["Summary", 10, 1, 21, 1]})
    summary.insert_chart(24, 0, chart)
    workbook.close()
    return output.getvalue()


# ------------------------------------------------------------------ measure
def measure(fn, runs):
    """Median seconds over ``runs``, peak RSS of the process during the runs, size
    of the file (the Odoo registry is already loaded by the data generation)."""
    content = None
    samples = []
    peak = 0.0
    for _i in range(runs):
        with common.Measure() as m:
            content = fn()
        samples.append(m.seconds)
        peak = max(peak, m.peak_mb)
    return statistics.median(samples), peak, len(content), content


def python_heap_peak(fn):
    tracemalloc.start()
    fn()
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 1024 / 1024


def annex_rows(content):
    import openpyxl

    workbook = openpyxl.load_workbook(BytesIO(content), read_only=True)
    sheet = workbook.worksheets[-1]
    return sum(1 for _row in sheet.iter_rows(min_col=1, max_col=1)) - 1


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK:,} requests")
    parser.add_argument("--requests", type=int, help=f"default {FULL:,}")
    parser.add_argument("--db", default=None, help="default h_rep_bench[_quick]")
    parser.add_argument("--reuse", action="store_true", help="keep existing data")
    parser.add_argument("--keep", action="store_true", help="do not drop the database")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument(
        "--heap", action="store_true", help="also measure the Python heap peak"
    )
    args = parser.parse_args(argv)
    n = args.requests or (QUICK if args.quick else FULL)
    db = args.db or ("h_rep_bench_quick" if args.quick else "h_rep_bench")
    year = date.today().year - 1
    try:
        if not args.reuse:
            common.OUT.mkdir(exist_ok=True)
            seconds = common.create_db(
                db, ["emowaten_reporting"], common.OUT / f"{db}_install.log"
            )
            common.log(f"installed emowaten_reporting in {seconds:.0f} s")
        office_id, seconds = generate(db, n, year)
        common.log(f"generated {n:,} requests in {seconds:.1f} s")
        baseline = common.peak_mb()
        ours, ours_peak, ours_size, ours_content = measure(
            lambda: emowaten_report(db, office_id, year), args.runs
        )
        floor, floor_peak, floor_size, floor_content = measure(
            lambda: floor_report(db, office_id, year), args.runs
        )
        if args.heap:
            ours_heap = python_heap_peak(lambda: emowaten_report(db, office_id, year))
            floor_heap = python_heap_peak(lambda: floor_report(db, office_id, year))
        rows_ours, rows_floor = annex_rows(ours_content), annex_rows(floor_content)
    finally:
        if not args.keep:
            common.drop_db(db)
    print(f"e-Mowaten yearly report: {ours:.2f} s")
    print(f"bare xlsxwriter: {floor:.2f} s")
    print(
        f"yearly report of one office, {n:,} requests of {year}, sheets in Arabic "
        f"(right to left), median of {args.runs} runs"
    )
    print(f"ratio e-Mowaten / bare xlsxwriter: {ours / floor:.2f}x (target < 1.5x)")
    print(
        f"peak RSS during the runs: e-Mowaten {ours_peak:.0f} MB, "
        f"bare xlsxwriter {floor_peak:.0f} MB (process with Odoo loaded: "
        f"{baseline:.0f} MB before)"
    )
    if args.heap:
        print(
            f"Python heap peak (tracemalloc): e-Mowaten {ours_heap:.1f} MB, "
            f"bare xlsxwriter {floor_heap:.1f} MB"
        )
    print(
        f"annex rows: e-Mowaten {rows_ours:,}, bare xlsxwriter {rows_floor:,}; "
        f"file size: {ours_size / 1e6:.1f} MB vs {floor_size / 1e6:.1f} MB"
    )


if __name__ == "__main__":
    main()
