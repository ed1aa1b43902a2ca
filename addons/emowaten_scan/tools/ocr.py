"""Load scanned files safely, clean their pages and OCR them with Tesseract.

Nothing here imports Odoo: the engine is unit-testable and benchmarkable on its own.
Errors
on bad input are raised as :class:`ScanInputError` with a machine code; the Odoo
layer turns
the code into a translated message.
"""

import io
import logging
import os
import subprocess
import tempfile
import time
import warnings
from dataclasses import dataclass, field

import cv2
import numpy as np
import pytesseract
from PIL import Image, ImageSequence, UnidentifiedImageError

from . import columns, cover, textlayer

_logger = logging.getLogger(__name__)

# Tesseract's OpenMP threads are slower than one thread per process on small machines
# (measured: see TECHNOTES); parallelism comes from several cron workers instead.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

DEFAULT_DPI = 300
# An A3 page at 400 dpi is ~31 Mpx; anything much larger is a decompression bomb.
DEFAULT_MAX_PIXELS = 40_000_000
DEFAULT_MAX_PAGES = 500
TESSERACT_TIMEOUT = 300

IMAGE_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"BM", "image/bmp"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
)


class ScanInputError(Exception):
    """Bad input. ``code`` is one of: ``empty``, ``unsupported``, ``corrupt``,
    ``encrypted``, ``bomb``, ``too_many_pages``, ``blank``, ``ocr_failed``."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


@dataclass
class OcrResult:
    text: str
    confidence: float  # mean word confidence, 0..100
    word_count: int
    pdf: bytes  # one-page PDF: the cleaned image with an invisible text layer
    angle: float = 0.0  # deskew angle applied (degrees)
    rotation: int = 0  # orientation correction applied (0, 90, 180, 270)
    timings: dict = field(default_factory=dict)
    cover_payload: str | None = None  # set (and no OCR done) when the page is a cover
    raw_text: str = ""  # Tesseract's own text when blocks side by side were cut apart


def sniff_mimetype(data):
    """Return the mimetype of a scan from its magic bytes, or None if unsupported."""
    if not data:
        return None
    head = data[:1024]
    if b"%PDF-" in head:
        return "application/pdf"
    for signature, mimetype in IMAGE_SIGNATURES:
        if data.startswith(signature):
            return mimetype
    return None


# ----------------------------------------------------------------------------
# Loading
# ----------------------------------------------------------------------------


def split_pages(
    data, dpi=DEFAULT_DPI, max_pixels=DEFAULT_MAX_PIXELS, max_pages=DEFAULT_MAX_PAGES
):
    """Split a scan (PDF or image) into greyscale page images (PNG bytes).

    :raises ScanInputError: on empty, unsupported, corrupt, encrypted or oversized
    input.
    """
    if not data:
        raise ScanInputError("empty")
    mimetype = sniff_mimetype(data)
    if mimetype is None:
        raise ScanInputError("unsupported")
    if mimetype == "application/pdf":
        return _split_pdf(data, dpi, max_pixels, max_pages)
    return _split_image(data, max_pixels, max_pages)


def _split_image(data, max_pixels, max_pages):
    # PIL only reads the header on open: the size check happens before any decoding.
    old_limit = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = max_pixels
    pages = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            width, height = image.size
            if width * height > max_pixels:
                raise ScanInputError("bomb", f"{width}x{height}")
            if image.format == "PNG" and image.mode in (
                "L",
                "1",
                "RGB",
                "P",
                "LA",
                "RGBA",
            ):
                # the common case (greyscale scanner PNG) is kept as is: the worker
                # decodes it once, and a damaged file then fails on its page
                if image.mode == "L" and getattr(image, "n_frames", 1) == 1:
                    return [data]
            for index, frame in enumerate(ImageSequence.Iterator(image)):
                if index >= max_pages:
                    raise ScanInputError("too_many_pages", str(max_pages))
                width, height = frame.size
                if width * height > max_pixels:
                    raise ScanInputError("bomb", f"{width}x{height}")
                grey = frame.convert("L")
                buf = io.BytesIO()
                grey.save(buf, format="PNG", compress_level=1)
                pages.append(buf.getvalue())
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ScanInputError("bomb", str(exc)) from exc
    except ScanInputError:
        raise
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError) as exc:
        raise ScanInputError("corrupt", str(exc)) from exc
    finally:
        Image.MAX_IMAGE_PIXELS = old_limit
    if not pages:
        raise ScanInputError("corrupt", "no frame")
    return pages


def pdf_info(data):
    """Return (page_count, [(width_pt, height_pt), ...]) of a PDF.

    :raises ScanInputError: ``encrypted`` or ``corrupt``.
    """
    from PyPDF2 import PdfReader  # noqa: PLC0415 - heavy import, only for PDFs
    from PyPDF2.errors import PdfReadError  # noqa: PLC0415

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            # Even an empty user password is refused: scanners never encrypt, and a
            # protected file must be handled by a human.
            raise ScanInputError("encrypted")
        sizes = []
        for page in reader.pages:
            box = page.mediabox
            sizes.append((float(box.width), float(box.height)))
    except ScanInputError:
        raise
    except (
        PdfReadError,
        ValueError,
        KeyError,
        TypeError,
        AttributeError,
        OSError,
        AssertionError,
    ) as exc:
        raise ScanInputError("corrupt", str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - PyPDF2 raises anything on garbage
        raise ScanInputError("corrupt", repr(exc)) from exc
    if not sizes:
        raise ScanInputError("corrupt", "no page")
    return len(sizes), sizes


def _split_pdf(data, dpi, max_pixels, max_pages):
    count, sizes = pdf_info(data)
    if count > max_pages:
        raise ScanInputError("too_many_pages", str(count))
    for width_pt, height_pt in sizes:
        pixels = (width_pt * dpi / 72.0) * (height_pt * dpi / 72.0)
        if pixels > max_pixels:
            raise ScanInputError("bomb", f"{width_pt:.0f}x{height_pt:.0f} pt")
    with tempfile.TemporaryDirectory(prefix="emw_pdf_") as tmp:
        src = os.path.join(tmp, "in.pdf")
        with open(src, "wb") as fh:
            fh.write(data)
        proc = subprocess.run(  # noqa: S603 - fixed argv, no shell
            ["pdftoppm", "-r", str(dpi), "-gray", "-png", src, os.path.join(tmp, "p")],
            capture_output=True,
            timeout=TESSERACT_TIMEOUT,
            check=False,
        )
        names = sorted(
            (n for n in os.listdir(tmp) if n.startswith("p") and n.endswith(".png")),
            key=lambda n: int(n[2:-4]),
        )
        if proc.returncode != 0 or len(names) != count:
            raise ScanInputError("corrupt", proc.stderr.decode(errors="replace")[:500])
        pages = []
        for name in names:
            with open(os.path.join(tmp, name), "rb") as fh:
                pages.append(fh.read())
    return pages


def decode_grey(png_bytes):
    image = cv2.imdecode(np.frombuffer(png_bytes, np.uint8), cv2.IMREAD_GRAYSCALE)
    if image is None:
        raise ScanInputError("corrupt", "undecodable page")
    return image


# ----------------------------------------------------------------------------
# Preprocessing
# ----------------------------------------------------------------------------


def flatten_background(grey):
    """Divide the page by its estimated background (uneven lighting, yellowed paper).

    The background is estimated on a 4x smaller image (closing removes the text
    strokes),
    which keeps the cost to a few tens of milliseconds on an A4 page at 300 dpi.
    """
    h, w = grey.shape
    small = cv2.resize(
        grey, (max(w // 4, 1), max(h // 4, 1)), interpolation=cv2.INTER_AREA
    )
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, kernel)
    background = cv2.medianBlur(background, 5)
    background = cv2.resize(background, (w, h), interpolation=cv2.INTER_LINEAR)
    return cv2.divide(grey, background, scale=255)


def ink_ratio(binary):
    """Share of dark pixels of a binarised page (0 = white page)."""
    return float(np.count_nonzero(binary == 0)) / binary.size


def estimate_skew(binary, max_angle=10.0):
    """Estimate the skew angle (degrees) by maximising the variance of the row profile.

    Works on a small copy of the page; coarse search then refinement.
    """
    h, w = binary.shape
    scale = 1000.0 / max(w, h)
    small = cv2.resize(
        255 - binary, (int(w * scale), int(h * scale)), interpolation=cv2.INTER_AREA
    )
    center = (small.shape[1] / 2, small.shape[0] / 2)

    def score(angle):
        matrix = cv2.getRotationMatrix2D(center, angle, 1.0)
        rotated = cv2.warpAffine(
            small, matrix, (small.shape[1], small.shape[0]), flags=cv2.INTER_NEAREST
        )
        profile = rotated.sum(axis=1, dtype=np.float64)
        return float(np.var(np.diff(profile)))

    best = max(np.arange(-max_angle, max_angle + 0.01, 1.0), key=score)
    best = max(np.arange(best - 0.8, best + 0.81, 0.2), key=score)
    best = max((best - 0.1, best, best + 0.1), key=score)
    return round(float(best), 2)


def rotate(image, angle, border=255):
    if not angle:
        return image
    h, w = image.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    return cv2.warpAffine(
        image,
        matrix,
        (w, h),
        flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=border,
    )


def preprocess(grey, deskew=True):
    """Greyscale page → (binarised deskewed page, angle). Raises ``blank``."""
    flat = flatten_background(grey)
    flat = cv2.medianBlur(flat, 3)
    if is_blank(flat):
        raise ScanInputError("blank")
    _threshold, binary = cv2.threshold(
        flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
    )
    angle = estimate_skew(binary) if deskew else 0.0
    if abs(angle) >= 0.2:
        flat = rotate(flat, angle)
        _threshold, binary = cv2.threshold(
            flat, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU
        )
    else:
        angle = 0.0
    return binary, angle


def is_blank(flat):
    """A page is blank when almost no pixel is dark.

    ``flat`` is the background-flattened, median-filtered page (paper at ~255, isolated
    specks removed): a fixed threshold is used, since Otsu would split the noise of an
    empty page in two. A single handwritten line is still above the limit.
    """
    return np.count_nonzero(flat < 110) < 0.0005 * flat.size


def detect_orientation(image):
    """Tesseract OSD: degrees to rotate the page clockwise to make it upright (0 if
    unsure)."""
    try:
        osd = pytesseract.image_to_osd(
            Image.fromarray(image), output_type=pytesseract.Output.DICT, timeout=60
        )
    except (pytesseract.TesseractError, RuntimeError) as exc:
        _logger.debug("OSD failed: %s", exc)
        return 0
    if osd.get("orientation_conf", 0) < 2.0:
        return 0
    return int(osd.get("rotate", 0)) % 360


def rotate_quadrant(image, degrees_clockwise):
    codes = {
        90: cv2.ROTATE_90_CLOCKWISE,
        180: cv2.ROTATE_180,
        270: cv2.ROTATE_90_COUNTERCLOCKWISE,
    }
    return (
        cv2.rotate(image, codes[degrees_clockwise])
        if degrees_clockwise in codes
        else image
    )


# ----------------------------------------------------------------------------
# Tesseract
# ----------------------------------------------------------------------------


def run_tesseract(image, lang="ara+fra", psm=3, make_pdf=True, dpi=DEFAULT_DPI):
    """One Tesseract run producing text, word confidences and (optionally) a PDF
    page."""
    with tempfile.TemporaryDirectory(prefix="emw_ocr_") as tmp:
        src = os.path.join(tmp, "page.png")
        cv2.imwrite(src, image, [cv2.IMWRITE_PNG_COMPRESSION, 1])
        base = os.path.join(tmp, "out")
        config = (
            f"--psm {int(psm)} --dpi {int(dpi)}"
            " -c tessedit_create_txt=1 -c tessedit_create_tsv=1"
        )
        if make_pdf:
            config += " -c tessedit_create_pdf=1"
        try:
            pytesseract.pytesseract.run_tesseract(
                src,
                base,
                extension="tsv",
                lang=lang,
                config=config,
                timeout=TESSERACT_TIMEOUT,
            )
        except (pytesseract.TesseractError, RuntimeError, OSError) as exc:
            raise ScanInputError("ocr_failed", str(exc)) from exc
        with open(base + ".txt", encoding="utf-8") as fh:
            text = fh.read()
        with open(base + ".tsv", encoding="utf-8") as fh:
            tsv = fh.read()
        pdf = b""
        if make_pdf:
            with open(base + ".pdf", "rb") as fh:
                pdf = fh.read()
    if pdf:
        # Tesseract's own text layer mirrors numbers inside Arabic lines for poppler
        # and breaks mixed lines for pdfminer: see tools/textlayer.py
        pdf = textlayer.rebuild_text_layer(
            pdf, tsv, (image.shape[1], image.shape[0]), dpi
        )
    confidence, words = mean_confidence(tsv)
    # blocks side by side (a sender block beside an address block) are read as one
    # line across both by Tesseract: cut them apart (tools/columns.py)
    reflowed = columns.reflow(tsv)
    if reflowed:
        _logger.debug("blocks side by side cut apart")
    return clean_text(reflowed or text), confidence, words, pdf, clean_text(text)


def mean_confidence(tsv):
    """Mean confidence of the recognised words of a Tesseract TSV output."""
    confs = []
    for line in tsv.splitlines()[1:]:
        cols = line.split("\t")
        if len(cols) < 12 or not cols[11].strip():
            continue
        try:
            conf = float(cols[10])
        except ValueError:
            continue
        if conf >= 0:
            confs.append(conf)
    if not confs:
        return 0.0, 0
    return round(sum(confs) / len(confs), 2), len(confs)


# Tesseract wraps runs of the other direction in bidi marks; they only hinder search.
_BIDI_CONTROLS = dict.fromkeys(
    [0x200E, 0x200F, 0x061C, *range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x0C]
)


def clean_text(text):
    lines = [line.rstrip() for line in text.translate(_BIDI_CONTROLS).splitlines()]
    out, blank = [], False
    for line in lines:
        if not line.strip():
            blank = bool(out)
            continue
        if blank:
            out.append("")
            blank = False
        out.append(line)
    return "\n".join(out)


def ocr_page(
    png_bytes,
    lang="ara+fra",
    psm=3,
    make_pdf=True,
    orientation_threshold=60.0,
    detect_cover=True,
):
    """Full pipeline for one page image: preprocessing, OCR, orientation retry if
    needed."""
    t0 = time.perf_counter()
    grey = decode_grey(png_bytes)
    if detect_cover:
        # on the decoded page, so that a page is decoded only once
        payload = cover.decode_cover(grey)
        if payload:
            return OcrResult(
                text="",
                confidence=0.0,
                word_count=0,
                pdf=b"",
                cover_payload=payload,
                timings={"cover": time.perf_counter() - t0},
            )
    binary, angle = preprocess(grey)
    t1 = time.perf_counter()
    text, confidence, words, pdf, raw = run_tesseract(
        binary, lang=lang, psm=psm, make_pdf=make_pdf
    )
    t2 = time.perf_counter()
    rotation = 0
    # Orientation detection costs a Tesseract run: only ask it when the first pass looks
    # wrong (an upside-down or sideways page gives little text at low confidence).
    if confidence < orientation_threshold:
        rotation = detect_orientation(binary)
        if rotation:
            turned = rotate_quadrant(binary, rotation)
            text2, conf2, words2, pdf2, raw2 = run_tesseract(
                turned, lang=lang, psm=psm, make_pdf=make_pdf
            )
            if conf2 > confidence:
                text, confidence, words, pdf, raw = text2, conf2, words2, pdf2, raw2
            else:
                rotation = 0
    t3 = time.perf_counter()
    return OcrResult(
        text=text,
        confidence=confidence,
        word_count=words,
        pdf=pdf,
        angle=angle,
        rotation=rotation,
        raw_text=raw,
        timings={"preprocess": t1 - t0, "tesseract": t2 - t1, "orientation": t3 - t2},
    )


def merge_pdfs(pdf_pages):
    """Merge one-page PDFs (Tesseract output) into one searchable PDF."""
    from PyPDF2 import PdfMerger  # noqa: PLC0415

    merger = PdfMerger()
    for pdf in pdf_pages:
        merger.append(io.BytesIO(pdf))
    out = io.BytesIO()
    merger.write(out)
    merger.close()
    return out.getvalue()
