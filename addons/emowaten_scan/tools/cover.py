"""Cover sheets: a printable page whose QR code tells the splitter what follows it.

Payloads: ``EMOWATEN:NEW`` (the following pages are a new request) and
``EMOWATEN:REQ:<reference>`` (the following pages are attached to an existing request).
"""

import io

import cv2
import numpy as np
import qrcode
from PIL import Image, ImageDraw, ImageFont

PREFIX = "EMOWATEN:"
NEW = "EMOWATEN:NEW"
FONT_PATH = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
FONT_BOLD_PATH = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Bold.ttf"


def payload_for(reference=None):
    return f"{PREFIX}REQ:{reference}" if reference else NEW


def parse_payload(payload):
    """Return ``("new", None)``, ``("request", reference)`` or None for foreign QR "
    "codes."""
    if not payload or not payload.startswith(PREFIX):
        return None
    if payload == NEW:
        return ("new", None)
    if payload.startswith(PREFIX + "REQ:") and len(payload) > len(PREFIX) + 4:
        return ("request", payload[len(PREFIX) + 4 :].strip())
    return None


def make_cover_png(reference=None, lines=(), dpi=300):
    """An A4 page (PNG bytes) with a large QR code and the given explanatory lines.

    ``lines`` are (text, rtl) pairs, already translated by the caller.
    """
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    page = Image.new("L", (width, height), 255)
    qr = qrcode.QRCode(
        error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=20, border=4
    )
    qr.add_data(payload_for(reference))
    qr.make(fit=True)
    code = qr.make_image(fill_color="black", back_color="white").convert("L")
    side = int(2.6 * dpi)
    code = code.resize((side, side), Image.NEAREST)
    page.paste(code, ((width - side) // 2, int(1.2 * dpi)))
    draw = ImageDraw.Draw(page)
    title = ImageFont.truetype(FONT_BOLD_PATH, int(dpi * 0.28))
    body = ImageFont.truetype(FONT_PATH, int(dpi * 0.17))
    y = int(1.2 * dpi) + side + int(0.4 * dpi)
    for index, (text, rtl) in enumerate(lines):
        font = title if index == 0 else body
        kwargs = {"direction": "rtl", "language": "ar"} if rtl else {}
        text_width = draw.textlength(text, font=font, **kwargs)
        draw.text(((width - text_width) / 2, y), text, font=font, fill=0, **kwargs)
        y += int(font.size * 1.8)
    out = io.BytesIO()
    page.save(out, format="PNG", dpi=(dpi, dpi))
    return out.getvalue()


def make_cover_pdf(reference=None, lines=(), dpi=300):
    image = Image.open(io.BytesIO(make_cover_png(reference, lines, dpi)))
    out = io.BytesIO()
    image.save(out, format="PDF", resolution=dpi)
    return out.getvalue()


_DETECTOR = None


def decode_cover(grey):
    """Return the e-Mowaten payload of a page (numpy greyscale) or None.

    Decodes on a reduced copy first (a cover QR is large), then on a larger one only
    when a code was located but not read.
    """
    global _DETECTOR  # noqa: PLW0603 - the detector is costly to build, reuse it
    if _DETECTOR is None:
        _DETECTOR = cv2.QRCodeDetector()
    h, w = grey.shape[:2]
    # a cover QR spans a third of the page width: 500 px are enough to read it, and
    # cheap on the (many) text pages; a located but unread code gets a second look
    payload, points = _detect(grey, 500)
    if not payload and points is not None and max(h, w) > 500:
        payload, points = _detect(grey, 1200)
    return payload if parse_payload(payload) else None


def _detect(grey, size):
    h, w = grey.shape[:2]
    scale = min(1.0, float(size) / max(h, w))
    small = cv2.resize(
        grey, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA
    )
    payload, points, _straight = _DETECTOR.detectAndDecode(small)
    return payload, points


def decode_cover_png(png_bytes):
    grey = cv2.imdecode(np.frombuffer(png_bytes, np.uint8), cv2.IMREAD_GRAYSCALE)
    return decode_cover(grey) if grey is not None else None
