"""Floor of OCR: the bare ``tesseract`` command on a synthetic scanned page.

The page is one of emowaten_scan's synthetic test pages (Amiri font, 300 dpi, a
typical office scan: skew, uneven light, noise, JPEG) when that module is importable,
otherwise a clean page drawn with PIL. ``tesseract <png> - -l ara+fra --psm 3`` with
one thread (``OMP_THREAD_LIMIT=1``, the setting the scan addon uses). Prints the
median seconds per page, e.g. ``tesseract: 2.41 s/page``.

    python benchmarks/floor_tesseract.py [--quick]
"""

import argparse
import importlib.util
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TESTPAGES = ROOT / "addons" / "emowaten_scan" / "tools" / "testpages.py"


def make_pages(count):
    """``count`` PNG pages (bytes), Arabic and French alternately."""
    pages = []
    if TESTPAGES.exists():
        spec = importlib.util.spec_from_file_location("emw_testpages", TESTPAGES)
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
            for i in range(count):
                image = module.make_page(lang=("ara", "fra")[i % 2], seed=i)
                if isinstance(image, tuple):  # (png bytes, ground truth)
                    image = image[0]
                if not isinstance(image, bytes):
                    import io

                    buf = io.BytesIO()
                    image.save(buf, format="PNG")
                    image = buf.getvalue()
                pages.append(image)
            return pages, "emowaten_scan synthetic scans"
        except Exception as exc:  # noqa: BLE001 - fall back to a plain page
            print(f"(testpages unavailable: {exc})", file=sys.stderr)
    import io

    from PIL import Image, ImageDraw

    for i in range(count):
        image = Image.new("L", (2480, 1500), 255)
        draw = ImageDraw.Draw(image)
        for line in range(20):
            draw.text((200, 200 + 55 * line), f"Demande {i} ligne {line} " * 4, fill=0)
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        pages.append(buf.getvalue())
    return pages, "plain PIL pages"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 pages instead of 6")
    parser.add_argument("--lang", default="ara+fra")
    parser.add_argument("--db", help="ignored: no database needed")
    args = parser.parse_args()
    pages, source = make_pages(2 if args.quick else 6)
    env = dict(os.environ, OMP_THREAD_LIMIT="1")
    samples = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, data in enumerate(pages):
            path = Path(tmp) / f"page{n}.png"
            path.write_bytes(data)
            start = time.perf_counter()
            subprocess.run(
                ["tesseract", str(path), "-", "-l", args.lang, "--psm", "3"],
                env=env,
                check=True,
                capture_output=True,
            )
            samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(f"pages: {len(samples)} ({source}), languages {args.lang}, 1 thread")
    print(f"tesseract: {median:.2f} s/page ({60 / median:.1f} pages/min)")


if __name__ == "__main__":
    main()
