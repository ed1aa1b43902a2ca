"""Synthetic scanned pages with ground truth, for tests and benchmarks.

Paragraphs are rendered with the Amiri font at 300 dpi (PIL with libraqm shapes Arabic),
then degraded like a cheap office scan: a few degrees of skew, uneven lighting, noise
and
JPEG compression. Nothing is read from disk but the font.
"""

import io
import random
import re
import unicodedata

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_PATH = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
A4_300DPI = (2480, 3508)

ARABIC_TEXT = (
    "السيد والي بنزرت المحترم. تحية طيبة وبعد، يشرفني أن أعرض على جنابكم مشكلة انقطاع "
    "الماء الصالح للشرب عن حي النور منذ ثلاثة أسابيع، وقد اتصلنا عدة مرات بالمصالح "
    "المختصة دون أي نتيجة. نرجو منكم التدخل العاجل لإيجاد حل لهذه المشكلة التي يعاني "
    "منها أكثر من مائتي عائلة. وتقبلوا منا فائق عبارات الاحترام والتقدير. "
    "رقم بطاقة التعريف الوطنية 08123456 والهاتف 98765432."
)

FRENCH_TEXT = (
    "Monsieur le Gouverneur de Sousse, j'ai l'honneur de porter à votre "
    "connaissance la situation de la route régionale qui relie notre village à la "
    "ville. Depuis les pluies du mois de janvier, la chaussée est très dégradée et "
    "les élèves doivent marcher dans la boue pour rejoindre l'école. Nous vous "
    "prions de bien vouloir intervenir auprès des services compétents. Carte "
    "d'identité 07654321, téléphone 22 333 444, courriel "
    "citoyen.exemple@example.tn, le 15/03/2026."
)


def render_paragraph(
    text, rtl=False, size=(2480, 1500), font_size=46, margin=200, seed=0
):
    """Render ``text`` wrapped into a white page at 300 dpi; returns a greyscale PIL
    image."""
    font = ImageFont.truetype(FONT_PATH, font_size)
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    width = size[0] - 2 * margin
    kwargs = {"direction": "rtl", "language": "ar"} if rtl else {"language": "fr"}
    lines, current = [], ""
    for word in text.split():
        candidate = f"{current} {word}".strip()
        if draw.textlength(candidate, font=font, **kwargs) <= width:
            current = candidate
        else:
            lines.append(current)
            current = word
    if current:
        lines.append(current)
    y = margin
    line_height = int(font_size * 1.9)
    for line in lines:
        line_width = draw.textlength(line, font=font, **kwargs)
        x = size[0] - margin - line_width if rtl else margin
        draw.text((x, y), line, font=font, fill=0, **kwargs)
        y += line_height
    return image


def degrade(image, angle=3.0, noise=18.0, lighting=0.35, jpeg_quality=60, seed=0):
    """Make a clean page look like a bad office scan; returns PNG bytes (greyscale)."""
    rng = np.random.default_rng(seed)
    page = np.asarray(image, dtype=np.float32)
    h, w = page.shape
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    page = cv2.warpAffine(page, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    # uneven lighting: a darker band towards one corner, like a lid not quite closed
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    shade = 1.0 - lighting * ((xx / w) * 0.6 + (yy / h) * 0.4)
    page = page * shade + rng.normal(0, noise, page.shape).astype(np.float32)
    page = np.clip(page, 0, 255).astype(np.uint8)
    ok, jpeg = cv2.imencode(".jpg", page, [cv2.IMWRITE_JPEG_QUALITY, jpeg_quality])
    page = cv2.imdecode(jpeg, cv2.IMREAD_GRAYSCALE) if ok else page
    ok, png = cv2.imencode(".png", page, [cv2.IMWRITE_PNG_COMPRESSION, 1])
    return png.tobytes()


def make_page(
    lang="ara", seed=0, angle=None, size=(2480, 1500), text=None, **degrade_kw
):
    """Return (png_bytes, ground_truth) of a degraded paragraph in ``ara`` or
    ``fra``."""
    rnd = random.Random(seed)
    if angle is None:
        angle = rnd.choice([-1, 1]) * rnd.uniform(1.5, 3.5)
    text = text or (ARABIC_TEXT if lang == "ara" else FRENCH_TEXT)
    image = render_paragraph(text, rtl=(lang == "ara"), size=size)
    return degrade(image, angle=angle, seed=seed, **degrade_kw), text


def make_mixed_page(seed=0, **degrade_kw):
    """An Arabic paragraph above a French one on one page: (png_bytes, ground_truth)."""
    top = render_paragraph(ARABIC_TEXT, rtl=True, size=(2480, 900))
    bottom = render_paragraph(FRENCH_TEXT, rtl=False, size=(2480, 900))
    page = Image.new("L", (2480, 1800), 255)
    page.paste(top, (0, 0))
    page.paste(bottom, (0, 800))
    degrade_kw.setdefault("angle", 0.0)
    return degrade(page, seed=seed, **degrade_kw), f"{ARABIC_TEXT} {FRENCH_TEXT}"


SENDER_AR = (
    "الاسم واللقب: محمد بن صالح",
    "رقم بطاقة التعريف: 09876543",
    "الهاتف: 98765432",
    "العنوان: نهج الحرية صفاقس",
)
ADDRESS_FR = (
    "Monsieur le Gouverneur",
    "de Sfax",
    "Avenue Habib Bourguiba",
    "3000 Sfax",
)


def make_two_column_page(seed=0, **degrade_kw):
    """A letter head with two blocks side by side: the Arabic sender block on the
    right and the French address block on the left (lines at the same heights), and
    a French paragraph below. Returns (png_bytes, {"right": lines, "left": lines})."""
    font = ImageFont.truetype(FONT_PATH, 46)
    page = Image.new("L", (2480, 1400), 255)
    draw = ImageDraw.Draw(page)
    y = 200
    for arabic, french in zip(SENDER_AR, ADDRESS_FR, strict=True):
        kwargs = {"direction": "rtl", "language": "ar"}
        width = draw.textlength(arabic, font=font, **kwargs)
        draw.text((2480 - 200 - width, y), arabic, font=font, fill=0, **kwargs)
        draw.text((200, y), french, font=font, fill=0, language="fr")
        y += 90
    body = render_paragraph(FRENCH_TEXT[:220], size=(2480, 600), margin=200)
    page.paste(body, (0, 700))
    degrade_kw.setdefault("angle", 0.0)
    blocks = {"right": list(SENDER_AR), "left": list(ADDRESS_FR)}
    return degrade(page, seed=seed, **degrade_kw), blocks


CLEAN = {"angle": 0.0, "noise": 0.0, "lighting": 0.0, "jpeg_quality": 95}


def pdftotext(pdf):
    """Text of a PDF as poppler's ``pdftotext`` extracts it."""
    import subprocess  # noqa: PLC0415
    import tempfile  # noqa: PLC0415

    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        return subprocess.run(  # noqa: S603 - fixed argv
            ["pdftotext", fh.name, "-"], capture_output=True, check=True, text=True
        ).stdout


def pdfminer_text(pdf):
    """Text of a PDF as Odoo's attachment indexer extracts it (pdfminer.six, same
    layout parameters as ``attachment_indexation``)."""
    from pdfminer.high_level import extract_text  # noqa: PLC0415
    from pdfminer.layout import LAParams  # noqa: PLC0415

    return extract_text(
        io.BytesIO(pdf), laparams=LAParams(detect_vertical=True, boxes_flow=None)
    )


def strip_bidi(text):
    """Drop the bidi embedding marks poppler writes around runs."""
    return "".join(c for c in text or "" if unicodedata.category(c) != "Cf")


def image_to_pdf(png_pages, dpi=300):
    """Wrap page images into a PDF like a scanner would (image-only, no text)."""
    images = [Image.open(io.BytesIO(png)).convert("L") for png in png_pages]
    out = io.BytesIO()
    images[0].save(
        out, format="PDF", resolution=dpi, save_all=True, append_images=images[1:]
    )
    return out.getvalue()


# ----------------------------------------------------------------------------
# Character error rate
# ----------------------------------------------------------------------------

_SPACES = re.compile(r"\s+")


def normalize_for_cer(text):
    text = unicodedata.normalize("NFKC", text or "")
    return _SPACES.sub(" ", text).strip()


def levenshtein(a, b):
    if len(a) < len(b):
        a, b = b, a
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(
                min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            )
        previous = current
    return previous[-1]


def cer(hypothesis, truth):
    """Character error rate: edit distance / length of the truth, whitespace
    collapsed."""
    truth = normalize_for_cer(truth)
    hypothesis = normalize_for_cer(hypothesis)
    if not truth:
        return 0.0 if not hypothesis else 1.0
    return levenshtein(hypothesis, truth) / len(truth)
