"""Floor of the yearly XLSX statistics: plain SQL aggregates + bare xlsxwriter.

The same shape as emowaten_reporting's periodic statistics for a year of the whole
country — a summary sheet, a monthly trend with a chart, and breakdowns per type,
channel, state, governorate and body — computed with one ``GROUP BY`` query per sheet on
``emowaten_request`` (with ``--db``) or from synthetic numbers (without), then written
with xlsxwriter alone: no ORM, no report_xlsx. Prints e.g.
``xlsxwriter: 0.41 s (SQL 0.35 s + writing 0.06 s)``.

    python benchmarks/floor_xlsxwriter.py [--quick] [--db h_bench]
"""

import argparse
import io
import random
import statistics
import time

DIMENSIONS = [
    ("Types", "type_id"),
    ("Channels", "channel"),
    ("States", "state"),
    ("Governorates", "state_id"),
    ("Bodies", "body_id"),
    ("Offices", "office_id"),
]


def aggregates(db, year):
    import psycopg2

    conn = psycopg2.connect(dbname=db)
    cr = conn.cursor()
    period = "registration_date >= %s AND registration_date < %s AND parent_id IS NULL"
    params = [f"{year}-01-01", f"{year + 1}-01-01"]
    data = {}
    cr.execute(
        f"SELECT count(*), count(*) FILTER (WHERE state IN ('answered','closed')), "
        f"count(*) FILTER (WHERE implicit_refusal), avg(rating) "
        f"FROM emowaten_request WHERE {period}",
        params,
    )
    data["summary"] = cr.fetchone()
    cr.execute(
        f"SELECT date_trunc('month', registration_date)::date, count(*), "
        f"count(*) FILTER (WHERE state IN ('answered','closed')), "
        f"count(*) FILTER (WHERE close_date <= date_deadline) "
        f"FROM emowaten_request WHERE {period} GROUP BY 1 ORDER BY 1",
        params,
    )
    data["trend"] = cr.fetchall()
    for title, column in DIMENSIONS:
        cr.execute(
            f"SELECT {column}::text, count(*), "
            f"count(*) FILTER (WHERE state IN ('answered','closed')), "
            f"avg(EXTRACT(epoch FROM close_date - registration_date) / 86400) "
            f"FROM emowaten_request WHERE {period} GROUP BY 1 ORDER BY 2 DESC",
            params,
        )
        data[title] = cr.fetchall()
    conn.close()
    return data


def synthetic():
    rng = random.Random(1)
    data = {"summary": (100_000, 80_000, 3_000, 3.6)}
    data["trend"] = [(f"2026-{m:02d}-01", 8000, 6500, 6000) for m in range(1, 13)]
    sizes = {"Types": 5, "Channels": 6, "States": 11, "Governorates": 24}
    for title, _column in DIMENSIONS:
        data[title] = [
            (
                f"{title} {i}",
                rng.randint(10, 9000),
                rng.randint(5, 8000),
                rng.random() * 60,
            )
            for i in range(sizes.get(title, 300))
        ]
    return data


def write(data):
    import xlsxwriter

    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"in_memory": True})
    bold = book.add_format({"bold": True})
    pct = book.add_format({"num_format": "0.0%"})
    sheet = book.add_worksheet("Summary")
    total, answered, refusals, rating = data["summary"]
    for row, (label, value) in enumerate(
        [
            ("Requests", total),
            ("Answered", answered),
            ("Answer rate", (answered or 0) / (total or 1)),
            ("Implicit refusals", refusals),
            ("Average rating", float(rating or 0)),
        ]
    ):
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value, pct if label == "Answer rate" else None)
    trend = book.add_worksheet("Trend")
    trend.write_row(0, 0, ["Month", "Received", "Answered", "In time"], bold)
    for row, values in enumerate(data["trend"], start=1):
        trend.write_row(row, 0, [str(values[0]), *values[1:]])
    chart = book.add_chart({"type": "column"})
    chart.add_series(
        {
            "categories": ["Trend", 1, 0, len(data["trend"]), 0],
            "values": ["Trend", 1, 1, len(data["trend"]), 1],
        }
    )
    trend.insert_chart("F2", chart)
    for title, _column in DIMENSIONS:
        sheet = book.add_worksheet(title)
        sheet.write_row(0, 0, [title, "Received", "Answered", "Average days"], bold)
        for row, values in enumerate(data[title], start=1):
            sheet.write_row(
                row, 0, [values[0], values[1], values[2], float(values[3] or 0)]
            )
    book.close()
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="3 runs instead of 7")
    parser.add_argument("--db", help="aggregate a generated database instead")
    parser.add_argument("--year", type=int, default=time.localtime().tm_year - 1)
    args = parser.parse_args()
    sql_times, write_times = [], []
    size = 0
    for _i in range(3 if args.quick else 7):
        start = time.perf_counter()
        data = aggregates(args.db, args.year) if args.db else synthetic()
        middle = time.perf_counter()
        size = len(write(data))
        sql_times.append(middle - start)
        write_times.append(time.perf_counter() - middle)
    sql_s, write_s = statistics.median(sql_times), statistics.median(write_times)
    source = f"database {args.db}, year {args.year}" if args.db else "synthetic numbers"
    print(f"workbook: {size:,} bytes, {len(DIMENSIONS) + 2} sheets, {source}")
    print(
        f"xlsxwriter: {sql_s + write_s:.3f} s "
        f"(SQL {sql_s:.3f} s + writing {write_s:.3f} s)"
    )


if __name__ == "__main__":
    main()
