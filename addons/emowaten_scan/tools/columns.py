"""Blocks side by side kept apart in the recognised text.

Tesseract's page segmentation (every ``--psm`` that keeps paragraphs: 1, 3, 4, 6)
reads a letter head with the Arabic sender block on the right and the French address
block on the left as one line across both ("Monsieur le Gouverneur الاسم واللقب: ...");
the sparse mode (11, 12) keeps them apart but loses paragraphs and lines. Measured on
``testpages.make_two_column_page``: see ``tests/test_columns.py``.

Here the words Tesseract found are kept, and a line is cut where a gap between two
words is far wider than a word space; consecutive cut lines form columns, written one
after the other (the right one first on an Arabic page), each as its own block.
"""

import re

from .textlayer import parse_tsv_lines

_RTL = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufefc]")
GAP_FACTOR = 4.0  # a column gutter is wider than 4 line heights
MIN_GAP_PX = 150


def split_line(words):
    """Cut a line (words in logical order) where two neighbours are far apart;
    returns segments from left to right, each in its own reading order."""
    height = max(w[4] for w in words) - min(w[2] for w in words)
    limit = max(GAP_FACTOR * height, MIN_GAP_PX)
    ordered = sorted(words, key=lambda w: w[1])
    groups, current = [], [ordered[0]]
    for word in ordered[1:]:
        if word[1] - max(w[3] for w in current) > limit:
            groups.append(current)
            current = [word]
        else:
            current.append(word)
    groups.append(current)
    if len(groups) == 1:
        return [words]
    # a cut segment gets its own direction (Tesseract ordered the whole line by one)
    out = []
    for group in groups:
        text = " ".join(w[0] for w in group)
        rtl = len(_RTL.findall(text)) > len(re.findall(r"[A-Za-z]", text))
        out.append(sorted(group, key=lambda w: -w[3] if rtl else w[1]))
    return out


def reflow(tsv):
    """Text with side-by-side blocks apart, or None when no line had to be cut."""
    lines = parse_tsv_lines(tsv)
    if not lines:
        return None
    cut = [split_line(words) for words in lines]
    if all(len(segments) == 1 for segments in cut):
        return None
    all_text = " ".join(w[0] for words in lines for w in words)
    rtl_page = len(_RTL.findall(all_text)) > len(re.findall(r"[A-Za-z]", all_text))
    out, index = [], 0
    while index < len(cut):
        if len(cut[index]) == 1:
            out.append(" ".join(w[0] for w in cut[index][0]))
            index += 1
            continue
        # a run of cut lines: columns by horizontal position
        run = []
        while index < len(cut) and len(cut[index]) > 1:
            run.append(cut[index])
            index += 1
        columns = []  # [(left, right, [lines])]
        for segments in run:
            for segment in segments:
                left = min(w[1] for w in segment)
                right = max(w[3] for w in segment)
                text = " ".join(w[0] for w in segment)
                for column in columns:
                    if left < column[1] and right > column[0]:
                        column[0] = min(column[0], left)
                        column[1] = max(column[1], right)
                        column[2].append(text)
                        break
                else:
                    columns.append([left, right, [text]])
        columns.sort(key=lambda c: c[0], reverse=rtl_page)
        for column in columns:
            if out:
                out.append("")
            out.extend(column[2])
        out.append("")
    return "\n".join(out).strip()


def _tesseract_text_for_tests(result):
    """Tesseract's own line text of an :class:`ocr.OcrResult` (before the cut)."""
    return result.raw_text or result.text
