"""Right-to-left text that Debian's wkhtmltopdf can print: every word its own box.

Our own code because no library does it: the QtWebKit in Debian's wkhtmltopdf (unpatched
Qt) cannot break an Arabic paragraph into lines: it measures the shaped run wrongly and
lays the paragraph out as one line running past both margins (the text is in the PDF's
text layer, but not on paper). An inline-block box per word is measured on its own,
shaped, and lines break between boxes. In a right-to-left paragraph boxes are ordered
right to left, so consecutive left-to-right words (French, Latin names, "n° 93-982") go
in one box of their own, kept in their order.
"""

import re
import unicodedata

from lxml import etree, html
from markupsafe import Markup

WORD_CLASS = "o_emw_w"
_SPACE = re.compile(r"(\s+)")
# tags whose text is left as it is (no line of text to break, or already boxed)
_SKIP = {"script", "style", "img", "br", "svg"}
_SENTENCE_END = ".,،؛;:!?؟"


def _strong(token):
    """'R', 'L' or None: the direction of the first strong character of ``token``."""
    for char in token:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "R"
        if kind == "L":
            return "L"
    return None


def _groups(text):
    """Split ``text`` into boxes: ``[(box_text, 'ltr'|None), ...]`` and the spaces
    between them, as ``(space, 'space')``. Left-to-right words and the neutral words
    (numbers, punctuation) between them form one left-to-right box."""
    parts = []
    for part in _SPACE.split(text):
        # a full stop or comma after a number ends the Arabic sentence: its own box,
        # not the number's left-to-right one ("1993." would print as "1993." on the
        # wrong side)
        stripped = part.rstrip(_SENTENCE_END)
        if stripped != part and _strong(part) is None and stripped:
            parts += [stripped, part[len(stripped) :]]
        elif part:
            parts.append(part)
    out = []
    for part in parts:
        if part.isspace():
            out.append([part, "space"])
            continue
        kind = "ltr" if _strong(part) == "L" else None
        neutral = _strong(part) is None
        # a phone number or a date and its time read left to right as one: "71 123 456"
        # (the Unicode algorithm would order its groups right to left)
        if neutral and any(char.isdigit() for char in part):
            kind = "ltr"
        # join a left-to-right word (or a number after one) to the left-to-right box
        # before it, across the space
        if (
            (kind == "ltr" or neutral)
            and len(out) >= 2
            and out[-1][1] == "space"
            and out[-2][1] == "ltr"
        ):
            out[-2][0] += out.pop()[0] + part
            continue
        out.append([part, kind])
    return out


def _split_punctuation(word):
    """``word`` cut where punctuation starts or ends: an Arabic word and the comma or
    full stop after it in one box print as the comma alone (the letters vanish), each
    in a box of its own print right."""
    pieces = []
    for char in word:
        punct = unicodedata.category(char).startswith("P")
        if pieces and pieces[-1][1] == punct:
            pieces[-1][0] += char
        else:
            pieces.append([char, punct])
    return [piece for piece, _punct in pieces]


def _boxes(text):
    """lxml elements and strings for ``text``: spans for words, strings for spaces."""
    nodes = []
    for part, kind in _groups(text):
        if kind == "space":
            nodes.append(" ")
            continue
        pieces = _split_punctuation(part) if _strong(part) == "R" else [part]
        for piece in pieces:
            span = etree.Element("span", {"class": WORD_CLASS})
            if kind == "ltr":
                span.set("dir", "ltr")
            span.text = piece
            nodes.append(span)
    return nodes


def _insert_text(parent, index, nodes, as_tail_of=None):
    """Insert ``nodes`` (strings and elements) into ``parent`` at ``index`` or, when
    ``as_tail_of`` is given, right after that child."""
    anchor = as_tail_of
    for node in nodes:
        if isinstance(node, str):
            if anchor is None:
                parent.text = (parent.text or "") + node
            else:
                anchor.tail = (anchor.tail or "") + node
            continue
        parent.insert(index, node)
        index += 1
        anchor = node
    return index


def _wrap(element):
    if element.tag in _SKIP or WORD_CLASS in (element.get("class") or "").split():
        return
    children = list(element)
    text, element.text = element.text, None
    index = 0
    if text and text.strip():
        index = _insert_text(element, 0, _boxes(text))
    elif text:
        element.text = text
    for child in children:
        index = element.index(child) + 1
        tail, child.tail = child.tail, None
        _wrap(child)
        if tail and tail.strip():
            _insert_text(element, index, _boxes(tail), as_tail_of=child)
        elif tail:
            child.tail = tail


def _transform(markup, boxer):
    """``markup`` (HTML, trusted: rendered by QWeb or sanitised by the editor) passed
    through ``boxer`` (which changes a parsed element in place), as Markup."""
    if not markup or not str(markup).strip():
        return Markup(markup or "")
    root = html.fragment_fromstring(str(markup), create_parent="div")
    boxer(root)
    inner = (root.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in root
    )
    return Markup(inner)


def word_boxes(markup):
    """``markup`` with each word of its text in an inline box, as Markup."""
    return _transform(markup, _wrap)


def rtl_inline(text):
    """``text`` for a left-to-right document: Arabic (a citizen's name, a subject) goes
    in one right-to-left box of word boxes, so it keeps its order and can break."""
    if not text or not any(_strong(char) == "R" for char in str(text)):
        return text or ""
    root = etree.Element("span", {"dir": "rtl", "class": "o_emw_rtl"})
    root.text = str(text)
    _wrap(root)
    return Markup(etree.tostring(root, encoding="unicode", method="html"))


_ARABIC_LETTER = "\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC_RUN = re.compile(
    f"[{_ARABIC_LETTER}](?:[{_ARABIC_LETTER}\\s\\d.,:;()\\-/]*[{_ARABIC_LETTER}])?"
)


def _box_arabic_runs(element):
    """In a left-to-right element, every Arabic run of its text becomes one
    right-to-left box of word boxes (see rtl_inline)."""
    classes = set((element.get("class") or "").split())
    if element.tag in _SKIP or classes & {WORD_CLASS, "o_emw_rtl"}:
        return

    def split(text):
        nodes, last = [], 0
        for match in _ARABIC_RUN.finditer(text):
            nodes.append(text[last : match.start()])
            box = etree.Element("span", {"dir": "rtl", "class": "o_emw_rtl"})
            box.text = match.group(0)
            _wrap(box)
            nodes.append(box)
            last = match.end()
        nodes.append(text[last:])
        return nodes

    children = list(element)
    if element.text and _ARABIC_RUN.search(element.text):
        nodes = split(element.text)
        element.text = None
        _insert_text(element, 0, [n for n in nodes if not isinstance(n, str) or n])
    for child in children:
        _box_arabic_runs(child)
        if child.tail and _ARABIC_RUN.search(child.tail):
            nodes = split(child.tail)
            child.tail = None
            _insert_text(
                element,
                element.index(child) + 1,
                [n for n in nodes if not isinstance(n, str) or n],
                as_tail_of=child,
            )


def ltr_word_boxes(markup):
    """``markup`` of a left-to-right document with its Arabic runs in boxes that
    Debian's wkhtmltopdf can break and keeps in order."""
    return _transform(markup, _box_arabic_runs)
