"""Benchmark of the letters to the citizen (issue 17): seconds to render each document
(receipt, answer letter in Arabic and in French, orientation, implicit-refusal notice)
through Odoo's report engine and Debian's wkhtmltopdf, against bare wkhtmltopdf on the
same HTML (the floor), and the share of that time spent putting Arabic words in boxes
(tools/rtl_print.py).

Prints the figures; asserts nothing. The data it creates is rolled back.

Usage::

    python benchmarks/bench_letters.py [--db h_letters_bench] [--reuse] [--runs 5]
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402

BODY_AR = (
    "<p>"
    + (
        "وبعد، فإنه بالإشارة إلى مطلبكم المذكور بالمرجع أعلاه، يسعدنا إعلامكم "
        "بأن المصالح المختصة قد تولت معاينة الإنارة العمومية وبرمجة إصلاحها "
        "طبقا للفصل 7 من الأمر عدد 93-982. "
    )
    * 6
    + "</p>"
)
BODY_FR = (
    "<p>"
    + "Suite à votre requête citée en référence, les services compétents ont constaté "
    "la panne et programmé sa réparation, conformément au décret n° 93-982. "
    * 6
    + "</p>"
)


def _documents(env):
    office = env["emowaten.office"].search([], limit=1)
    citizen = env["res.partner"]._emowaten_find_or_create_citizen(
        {"name": "عبد الرحمان بن محمد الطرابلسي", "emowaten_cin": "09876543"}
    )
    request = env["emowaten.request"].create(
        {
            "office_id": office.id,
            "type_id": env.ref("emowaten_petitions.request_type_petition").id,
            "partner_id": citizen.id,
            "subject": "طلب إصلاح الإنارة العمومية المعطلة في نهج الحرية منذ شهرين",
            "description": "x",
            "channel": "counter",
            "state": "registered",
        }
    )
    Answer = env["emowaten.answer"]
    docs = [("receipt", "emowaten_petitions.action_report_request_receipt", request)]
    for lang, body in (("ar", BODY_AR), ("fr", BODY_FR)):
        answer = Answer.create(
            {"request_id": request.id, "kind": "favourable", "lang": lang}
            | {"body_html": body}
        )
        docs.append(
            (f"answer_{lang}", "emowaten_petitions.action_report_answer_letter", answer)
        )
    request.write({"implicit_refusal": True})
    docs.append(
        (
            "implicit_refusal_ar",
            "emowaten_petitions.action_report_request_implicit_refusal",
            request,
        )
    )
    return docs


def _bare_wkhtmltopdf(html):
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "letter.html"
        src.write_text(html, encoding="utf-8")
        start = time.perf_counter()
        subprocess.run(
            [
                "wkhtmltopdf",
                "-q",
                "--page-size",
                "A4",
                str(src),
                str(Path(tmp) / "o.pdf"),
            ],
            capture_output=True,
            check=False,
        )
        return time.perf_counter() - start


def measure(db, runs):
    rows = []
    with common.odoo_env(db) as env:
        for code in ("ar_001", "fr_FR"):
            env["res.lang"]._activate_lang(code)
        env = env(context={"lang": "ar_001"})
        # keep wkhtmltopdf away from a server that does not run here
        env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        Report = env["ir.actions.report"].with_context(force_report_rendering=True)
        from odoo.addons.emowaten_petitions.tools.rtl_print import word_boxes

        for name, xmlid, record in _documents(env):
            report = env.ref(xmlid)

            def render(report=report, record=record):
                Report._render_qweb_pdf(report, record.ids)

            seconds, peak = common.repeat(render, times=runs)
            html = Report._render_qweb_html(report, record.ids)[0].decode()
            floor = min(_bare_wkhtmltopdf(html) for _i in range(runs))
            start = time.perf_counter()
            for _i in range(20):
                word_boxes(BODY_AR)
            boxes = (time.perf_counter() - start) / 20
            rows.append(
                common.Row(
                    f"letter {name}: seconds per document",
                    seconds,
                    floor,
                    other_name="bare wkhtmltopdf",
                    unit="s",
                    peak_mb=peak,
                    note=f"word boxes {boxes * 1000:.1f} ms",
                )
            )
            common.log(
                f"{name}: {seconds:.3f} s (bare {floor:.3f} s, boxes {boxes:.4f} s)"
            )
        env.cr.rollback()
    return rows


def main(argv=None):
    common.ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="h_letters_bench")
    parser.add_argument("--reuse", action="store_true", help="measure an existing db")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    if not args.reuse:
        common.OUT.mkdir(exist_ok=True)
        seconds = common.create_db(
            args.db, ["emowaten_petitions"], common.OUT / f"{args.db}.log"
        )
        common.log(f"installed emowaten_petitions in {seconds:.1f} s")
    try:
        rows = measure(args.db, args.runs)
    finally:
        if not args.reuse:
            common.drop_db(args.db)
    common.print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
