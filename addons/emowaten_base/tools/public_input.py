"""Cleaning of text and files that come from outside (public routes, the portal).

One place for the rules every public route and every intake shares:

- a name, subject or any one-line field never holds a line break or a control
  character: they would break the e-mail headers built from it, so runs of
  whitespace and control characters collapse to one space;
- a multi-line text keeps its line breaks and tabs, and loses the other control
  characters (lxml refuses them when the text reaches a report);
- a NUL byte, text that is not valid UTF-8 or an oversized field is refused with a
  4xx answer before any controller runs (``ir.http._pre_dispatch``);
- an image whose header announces more pixels than allowed is refused before it
  is decoded (a few hundred KB of PNG can decode to gigabytes).
"""

import io
import re
import warnings

from PIL import Image

# C0 and C1 control characters, DEL, and the Unicode line and paragraph separators
_CONTROL = "\x00-\x1f\x7f-\x9f\u2028\u2029"
_SINGLE_LINE_RE = re.compile(rf"[\s{_CONTROL}]+")
# in a multi-line text: every control character but tab and line feed
_MULTILINE_DROP_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")

# the replacement character is what an invalid UTF-8 sequence decodes to
REPLACEMENT_CHAR = "\ufffd"
# no field of our public forms needs more (the description is limited to 10 000);
# each route checks its own, smaller limits with a message per field
MAX_FIELD_CHARS = 20000
MAX_NAME_CHARS = 1024

DEFAULT_MAX_IMAGE_PIXELS = 40_000_000


def single_line(value):
    """``value`` on one line: runs of whitespace and control characters (CR, LF,
    NUL, tab...) become one space, and the ends are stripped. Non-strings are
    returned as they are."""
    if not isinstance(value, str):
        return value
    return _SINGLE_LINE_RE.sub(" ", value).strip()


def clean_multiline(value):
    """``value`` with its line breaks as LF and no other control character but
    tabs."""
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = value.replace("\u2028", "\n").replace("\u2029", "\n")
    return _MULTILINE_DROP_RE.sub("", value)


def bad_text_reason(value, max_chars=MAX_FIELD_CHARS):
    """Why the text ``value`` cannot be accepted ("nul", "encoding", "length"), or
    None."""
    if not isinstance(value, str):
        return None
    if "\x00" in value:
        return "nul"
    if REPLACEMENT_CHAR in value:
        return "encoding"
    if len(value) > max_chars:
        return "length"
    return None


def bad_request_reason(httprequest, args=None, form=True):
    """Why the HTTP request cannot be served ("nul", "encoding", "length"), or None:
    looks at the path and its arguments, the query string and, with ``form``, the
    form fields (names and values) and the names of the uploaded files."""
    texts = [(value, MAX_FIELD_CHARS) for value in (args or {}).values()]
    texts.append((httprequest.path, MAX_FIELD_CHARS))
    multidicts = [httprequest.args]
    if form:
        multidicts.append(httprequest.form)
    for multidict in multidicts:
        for key, value in multidict.items(multi=True):
            texts.append((key, MAX_NAME_CHARS))
            texts.append((value, MAX_FIELD_CHARS))
    if form:
        for key, storage in httprequest.files.items(multi=True):
            texts.append((key, MAX_NAME_CHARS))
            texts.append((storage.filename or "", MAX_NAME_CHARS))
    for value, max_chars in texts:
        reason = bad_text_reason(value, max_chars)
        if reason:
            return reason
    return None


def bad_json_reason(value, depth=0):
    """Why the decoded JSON ``value`` cannot be accepted, or None: no string in it,
    keys included, may hold a NUL byte or invalid UTF-8. Their length is the
    route's business (a signing agent posts signatures of many kilobytes)."""
    if depth > 32:
        return "length"
    if isinstance(value, str):
        return bad_text_reason(value, max_chars=float("inf"))
    if isinstance(value, dict):
        items = [*value.keys(), *value.values()]
    elif isinstance(value, (list, tuple)):
        items = value
    else:
        return None
    for item in items:
        reason = bad_json_reason(item, depth + 1)
        if reason:
            return reason
    return None


def image_pixels(content):
    """The number of pixels that the image ``content`` announces in its header,
    read without decoding the image (``Image.open`` is lazy); None if it is not an
    image PIL can open. An image so big that PIL refuses to open it counts as
    infinitely big."""
    try:
        with warnings.catch_warnings():
            # PIL warns about big images: the caller compares with its own limit
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content)) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        return float("inf")
    except Exception:  # noqa: BLE001 - any unreadable header is "not an image"
        return None
    return width * height
