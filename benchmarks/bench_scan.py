#!/usr/bin/env python3
"""Benchmark of the e-Mowaten scan pipeline (emowaten_scan) against bare Tesseract.

Generates degraded A4 pages at 300 dpi (Arabic and French, skewed, noisy, uneven light),
then measures on ONE core (process pinned, OMP_THREAD_LIMIT=1):

* bare:     ``tesseract page.png out -l ara+fra --psm 3`` (text only) on each page;
* pipeline: what a worker does per page: load and guard the page (PIL), cover-sheet QR
            check, background flattening, deskew, binarisation, one Tesseract run giving
            text + confidences + a PDF page, the orientation retry when confidence is
            low,
            and the merge into the searchable PDF.

Prints pages per minute of both, the overhead of the pipeline over bare Tesseract, and
the character error rate of both against the ground truth.

Usage: /var/lib/emowaten/venv/bin/python benchmarks/bench_scan.py [--pages 6] [--lang
ara+fra]
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

os.environ["OMP_THREAD_LIMIT"] = "1"
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "addons", "emowaten_scan"))

from tools import ocr, testpages  # noqa: E402


def make_pages(count, clean=False):
    degrade = (
        {"angle": 0.0, "noise": 0.0, "lighting": 0.0, "jpeg_quality": 95}
        if clean
        else {}
    )
    pages = []
    for index in range(count):
        lang = "ara" if index % 2 == 0 else "fra"
        base = testpages.ARABIC_TEXT if lang == "ara" else testpages.FRENCH_TEXT
        text = " ".join([base] * 3)  # a full letter: about 25 lines on an A4 page
        png, truth = testpages.make_page(
            lang, seed=100 + index, size=testpages.A4_300DPI, text=text, **degrade
        )
        pages.append((lang, png, truth))
    return pages


def run_bare(path, lang):
    base = path[:-4] + "-bare"
    subprocess.run(
        ["tesseract", path, base, "-l", lang, "--psm", "3"],
        check=True,
        capture_output=True,
        env=dict(os.environ, OMP_THREAD_LIMIT="1"),
    )
    with open(base + ".txt", encoding="utf-8") as fh:
        return fh.read()


STAGES = {}


def run_pipeline(png, lang):
    page = ocr.split_pages(png)[0]
    result = ocr.ocr_page(page, lang=lang)  # includes the cover-sheet QR check
    for stage, seconds in result.timings.items():
        STAGES[stage] = STAGES.get(stage, 0.0) + seconds
    return result.text, result.pdf


def text_layer_report(lang):
    """CER of the searchable PDF's text layer, read by pdftotext and by pdfminer (as
    Odoo's indexer does), against the OCR text and against the truth, per page kind."""
    kinds = {
        "ara": testpages.make_page("ara", seed=12, **testpages.CLEAN),
        "fra": testpages.make_page("fra", seed=12, **testpages.CLEAN),
        "mixed": testpages.make_mixed_page(seed=12),
        "ara-degraded": testpages.make_page("ara", seed=12),
        "fra-degraded": testpages.make_page("fra", seed=13),
    }
    print("text layer CER (vs OCR text / vs truth):")
    for kind, (png, truth) in kinds.items():
        result = ocr.ocr_page(png, lang=lang)
        poppler = testpages.strip_bidi(testpages.pdftotext(result.pdf))
        miner = testpages.pdfminer_text(result.pdf)
        print(
            f"  {kind:13} OCR {100 * testpages.cer(result.text, truth):5.1f} %  "
            f"pdftotext {100 * testpages.cer(poppler, result.text):5.1f} / "
            f"{100 * testpages.cer(poppler, truth):5.1f} %  "
            f"pdfminer {100 * testpages.cer(miner, result.text):5.1f} / "
            f"{100 * testpages.cer(miner, truth):5.1f} %"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=6)
    parser.add_argument("--lang", default="ara+fra")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument(
        "--clean",
        action="store_true",
        help="straight, noise-free pages instead of bad scans",
    )
    parser.add_argument(
        "--text-layer",
        action="store_true",
        help="only the text layer's CER with pdftotext and pdfminer",
    )
    args = parser.parse_args()
    if args.text_layer:
        text_layer_report(args.lang)
        return
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core
    kind = "clean" if args.clean else "degraded"
    print(f"Generating {args.pages} {kind} A4 pages at 300 dpi ...", flush=True)
    pages = make_pages(args.pages, clean=args.clean)
    with tempfile.TemporaryDirectory(prefix="bench_scan_") as tmp:
        paths = []
        for index, (_lang, png, _truth) in enumerate(pages):
            path = os.path.join(tmp, f"page{index}.png")
            with open(path, "wb") as fh:
                fh.write(png)
            paths.append(path)
        bare_time = pipe_time = 0.0
        bare_cer, pipe_cer = [], []
        for _round in range(args.rounds):
            for index, (lang, png, truth) in enumerate(pages):
                t0 = time.perf_counter()
                text = run_bare(paths[index], args.lang)
                bare_time += time.perf_counter() - t0
                bare_cer.append((lang, testpages.cer(text, truth)))
                t0 = time.perf_counter()
                text, pdf = run_pipeline(png, args.lang)
                searchable = ocr.merge_pdfs([pdf])
                pipe_time += time.perf_counter() - t0
                pipe_cer.append((lang, testpages.cer(text, truth)))
                assert searchable
    n = args.pages * args.rounds
    print(f"pages: {n} ({args.lang}, one core, OMP_THREAD_LIMIT=1)")
    print(
        f"bare tesseract : {bare_time / n:6.2f} s/page  "
        f"{60 * n / bare_time:6.1f} pages/min"
    )
    print(
        f"scan pipeline  : {pipe_time / n:6.2f} s/page  "
        f"{60 * n / pipe_time:6.1f} pages/min"
    )
    print(
        f"overhead       : {100 * (pipe_time / bare_time - 1):+6.1f} % (target < 15 %)"
    )
    stages = ", ".join(f"{k} {v / n:.2f}" for k, v in STAGES.items())
    print(f"pipeline stages: {stages} (s/page)")
    for lang in ("ara", "fra"):
        b = [c for lg, c in bare_cer if lg == lang]
        p = [c for lg, c in pipe_cer if lg == lang]
        if b:
            print(
                f"CER {lang}        : bare {100 * sum(b) / len(b):5.1f} %   "
                f"pipeline {100 * sum(p) / len(p):5.1f} %"
            )


if __name__ == "__main__":
    main()
