"""Invisible text layer of the searchable PDF, written from Tesseract's word boxes.

Tesseract's own PDF renderer (and ocrmypdf's "sandwich" renderer, which is the same
text) draws an Arabic word with a mirrored text matrix: the glyphs of a number inside
an Arabic line are laid out from right to left, so poppler (``pdftotext``), which reads
glyphs by position, extracts "08123456" as "65432180", and pdfminer (Odoo's indexer),
which reads them in content order, cuts lines that mix Latin fragments into pieces.

Here every character is placed on its own at its *visual* position (right to left
inside an Arabic word, left to right inside a number or a Latin word), while the
content stream keeps the *logical* order: extractors that read by position (poppler,
with its bidi reordering) and those that read in stream order (pdfminer) both get the
text in logical order with the digits right. Measured on the test pages: see
``benchmarks/bench_scan.py --text-layer``.

The page, its image and Tesseract's glyph-less font are kept; only the text is
rewritten.
"""

import io
import re

_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")
_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)
FONT = "/f-0-0"  # Tesseract's GlyphLessFont: CID = UTF-16 code unit, 500/1000 wide


def parse_tsv_lines(tsv):
    """Tesseract TSV → [[(text, left, top, right, bottom), ...] per line], in reading
    order (the order of the TSV, which is the logical order)."""
    lines, current, key = [], [], None
    for row in tsv.splitlines()[1:]:
        cols = row.split("\t")
        if len(cols) < 12 or cols[0] != "5":
            continue
        text = cols[11].translate(_CONTROLS).strip()
        if not text:
            continue
        line_key = tuple(cols[1:5])
        if line_key != key:
            if current:
                lines.append(current)
            current, key = [], line_key
        left, top, width, height = (int(v) for v in cols[6:10])
        current.append((text, left, top, left + width, top + height))
    if current:
        lines.append(current)
    return lines


def _untangle(words):
    """Clip word boxes that overlap their neighbour in reading order (Tesseract gives
    a too wide box to a word it misread next to a Latin guess); readers by position
    would otherwise interleave the two words' characters."""
    steps = [b[1] + b[3] - a[1] - a[3] for a, b in zip(words, words[1:], strict=False)]
    rtl = sum(1 for step in steps if step < 0) > len(steps) / 2
    out = []
    for text, left, top, right, bottom in words:
        gap = max((bottom - top) // 4, 1)  # still a word space for poppler
        if out:
            prev_left, prev_right = out[-1][1], out[-1][3]
            if rtl and right > prev_left - gap:
                right = prev_left - gap
                left = min(left, right - 1)
            elif not rtl and left < prev_right + gap:
                left = prev_right + gap
                right = max(right, left + 1)
        out.append((text, left, top, right, bottom))
    return out


def _voverlap(a, b):
    overlap = min(a[4], b[4]) - max(a[2], b[2])
    return overlap > 0.5 * min(a[4] - a[2], b[4] - b[2])


def _hex(char):
    return "".join(f"{unit:04X}" for unit in _utf16_units(char))


def _utf16_units(char):
    data = char.encode("utf-16-be")
    return [int.from_bytes(data[i : i + 2], "big") for i in range(0, len(data), 2)]


def _num(value):
    return f"{value:.2f}".rstrip("0").rstrip(".") or "0"


def text_operators(lines, page_height_px, scale):
    """PDF text operators (invisible, render mode 3) for ``lines``.

    ``scale``: points per pixel. One positioned glyph per character, in logical order.
    """
    out = ["BT", "3 Tr"]

    def glyph(char, x, y, size, width):
        # advance of a GlyphLessFont glyph: 0.5 em; Tz stretches it to ``width``
        stretch = max(100.0 * width / (0.5 * size), 1.0)
        out.append(
            f"1 0 0 1 {_num(x)} {_num(y)} Tm {FONT} {_num(size)} Tf "
            f"{_num(stretch)} Tz <{_hex(char)}> Tj"
        )

    from .columns import split_line  # noqa: PLC0415 - columns imports this module

    # blocks side by side: each cut segment is a line of its own, in its direction
    lines = [segment for words in lines for segment in split_line(words)]
    for words in lines:
        # a Tesseract line may hold words of two printed lines: each run of words
        # that overlap vertically gets its own baseline
        runs = []
        for word in words:
            if runs and _voverlap(runs[-1][-1], word):
                runs[-1].append(word)
            else:
                runs.append([word])
        placed = []
        for run in runs:
            run = _untangle(run)
            bottom = max(w[4] for w in run)
            size = max(sorted(w[4] - w[2] for w in run)[len(run) // 2] * scale, 1.0)
            y = (page_height_px - bottom) * scale
            placed += [(word, y, size) for word in run]
        previous_end = None
        for (text, left, _top, right, _bottom), y, size in placed:
            x0, x1 = left * scale, right * scale
            width = max((x1 - x0) / len(text), 0.01)
            rtl = bool(_RTL.search(text))
            start = x1 - width if rtl else x0
            if previous_end is not None:
                # the space spans from the last glyph of the previous word to the
                # first of this one, so that a reader following the content order
                # (pdfminer) never sees a jump across a number inside an Arabic line
                # (poppler ignores spaces and reads the gaps)
                end_x, end_w, end_y, end_box = previous_end
                gap0 = min(end_x, start)
                gap1 = max(end_x + end_w, start + width)
                # no space across a column gutter: the blocks stay apart
                box_gap = max(x0 - end_box[1], end_box[0] - x1)
                if abs(end_y - y) < size and box_gap < 4 * size:
                    glyph(" ", gap0, y, size, max(gap1 - gap0, 0.01))
            for i, char in enumerate(text):
                x = x1 - (i + 1) * width if rtl else x0 + i * width
                glyph(char, x, y, size, width)
            last = x1 - len(text) * width if rtl else x0 + (len(text) - 1) * width
            previous_end = (last, width, y, (x0, x1))
    out.append("ET")
    return "\n".join(out).encode("ascii")


def rebuild_text_layer(pdf, tsv, image_size, dpi):
    """Return Tesseract's one-page ``pdf`` with its text layer rewritten from ``tsv``.

    ``image_size``: (width, height) in pixels of the image given to Tesseract.
    """
    from PyPDF2 import PdfReader, PdfWriter  # noqa: PLC0415
    from PyPDF2.generic import DecodedStreamObject, NameObject  # noqa: PLC0415

    reader = PdfReader(io.BytesIO(pdf), strict=False)
    page = reader.pages[0]
    content = page.get_contents().get_data()
    cut = content.find(b"\nBT")
    image_ops = content[:cut] if cut >= 0 else content
    scale = 72.0 / dpi
    text = text_operators(parse_tsv_lines(tsv), image_size[1], scale)
    writer = PdfWriter()
    writer.add_page(page)
    new_page = writer.pages[0]
    stream = DecodedStreamObject()
    stream.set_data(image_ops + b"\n" + text + b"\n")
    stream = stream.flate_encode()
    new_page[NameObject("/Contents")] = writer._add_object(stream)  # noqa: SLF001
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
