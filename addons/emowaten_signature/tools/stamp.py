"""Visible signature stamp with Arabic and French lines and a QR code.

pyhanko shapes text with HarfBuzz but applies no Unicode bidi algorithm: an Arabic line
holding digits comes out with the digits reversed, and lines are left-aligned. Here each
line is split into bidi level runs (python-bidi's reference algorithm), every run is
shaped
on its own in its own direction, runs are laid out in visual order, and right-to-left
lines
are right-aligned. One Amiri font (Arabic and Latin glyphs) is embedded as a subset.
"""

import io
import logging
import subprocess
from dataclasses import dataclass, field

import uharfbuzz as hb
from bidi import algorithm as bidi_algorithm
from fontTools.ttLib import TTFont
from pyhanko.pdf_utils import content
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator
from pyhanko.pdf_utils.generic import pdf_name
from pyhanko.pdf_utils.writer import init_xobject_dictionary
from pyhanko.stamp.base import BaseStamp, BaseStampStyle

# fontTools logs every subsetting step at INFO (about 40 lines per signature): keep the
# server log readable
logging.getLogger("fontTools.subset").setLevel(logging.WARNING)

AMIRI_FALLBACK = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"
_FONT_CACHE = {}
_FONT_ASSETS = {}
# OpenType layout tables: HarfBuzz needs them to shape, the embedded subset does not
# (pyhanko drops them), but fontTools decompiles them while subsetting: ~0.5 s per
# signature with Amiri's large GSUB/GPOS.
_LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "JSTF", "BASE", "MATH")


def font_assets(path):
    """``(font bytes without layout tables, HarfBuzz font of the full file)``, built
    once per process. Glyph ids are unchanged, so shaping with the full font and
    embedding from the stripped one gives the same PDF (checked pixel by pixel)."""
    if path not in _FONT_ASSETS:
        with open(path, "rb") as fh:
            full = fh.read()
        font = TTFont(io.BytesIO(full))
        for tag in _LAYOUT_TABLES:
            if tag in font:
                del font[tag]
        buf = io.BytesIO()
        font.save(buf)
        _FONT_ASSETS[path] = (buf.getvalue(), hb.Font(hb.Face(full)))
    return _FONT_ASSETS[path]


def find_amiri():
    """Path of the Amiri font (Debian fonts-hosny-amiri)."""
    if "amiri" not in _FONT_CACHE:
        path = AMIRI_FALLBACK
        try:
            out = subprocess.run(
                ["fc-match", "-f", "%{file}", "Amiri:style=Regular"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.strip()
            if out and "amiri" in out.lower():
                path = out
        except OSError:
            path = AMIRI_FALLBACK  # no fontconfig: use Debian's path
        _FONT_CACHE["amiri"] = path
    return _FONT_CACHE["amiri"]


def bidi_runs(text):
    """Split one line into ``(base_level, [(run_text, level), ...])`` where runs are in
    *visual* order (left to right) and each run's text is in logical order."""
    storage = bidi_algorithm.get_empty_storage()
    base_level = bidi_algorithm.get_base_level(text)
    storage["base_level"] = base_level
    storage["base_dir"] = ("L", "R")[base_level]
    bidi_algorithm.get_embedding_levels(text, storage)
    bidi_algorithm.explicit_embed_and_overrides(storage)
    bidi_algorithm.resolve_weak_types(storage)
    bidi_algorithm.resolve_neutral_types(storage, False)
    bidi_algorithm.resolve_implicit_levels(storage, False)
    chars = storage["chars"]
    # logical level runs
    runs = []
    for ch in chars:
        if runs and runs[-1][1] == ch["level"]:
            runs[-1][0].append(ch["ch"])
        else:
            runs.append(([ch["ch"]], ch["level"]))
    runs = [("".join(t), lvl) for t, lvl in runs]
    # rule L2: from the highest level down to the lowest odd level, reverse any
    # contiguous sequence of runs at that level or higher
    if runs:
        highest = max(lvl for _t, lvl in runs)
        lowest_odd = (
            min(lvl for _t, lvl in runs if lvl % 2)
            if any(lvl % 2 for _t, lvl in runs)
            else highest + 1
        )
        for level in range(highest, lowest_odd - 1, -1):
            out, i = [], 0
            while i < len(runs):
                if runs[i][1] >= level:
                    j = i
                    while j < len(runs) and runs[j][1] >= level:
                        j += 1
                    out.extend(reversed(runs[i:j]))
                    i = j
                else:
                    out.append(runs[i])
                    i += 1
            runs = out
    return base_level, runs


@dataclass(frozen=True)
class BilingualStampStyle(BaseStampStyle):
    """Stamp style: a QR code on the left, text lines on the right.
    Lines whose base direction is right-to-left are right-aligned."""

    font_path: str = ""
    font_size: float = 8
    leading: float = 10.5
    innsep: float = 5
    border_width: int = 1
    border_color: tuple = (0.1, 0.3, 0.5)
    lines: tuple = field(default_factory=tuple)
    url: str = ""

    def create_stamp(self, writer, box, text_params):
        return BilingualStamp(writer, self, box=box)


class BilingualStamp(BaseStamp):
    def _qr_xobject(self):
        import qrcode
        from pyhanko.pdf_utils.qr import PdfStreamQRImage

        qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=1)
        qr.add_data(self.style.url)
        qr.make()
        img = qr.make_image(image_factory=PdfStreamQRImage)
        size = (qr.modules_count + 2 * qr.border) * qr.box_size
        xobj = init_xobject_dictionary(img.render_command_stream(), size, size)
        xobj.compress()
        return self.writer.add_object(xobj), size

    def _render_inner_content(self):
        style = self.style
        box = self.box
        if not (box.width_defined and box.height_defined):
            box.width = box.width if box.width_defined else 360
            box.height = box.height if box.height_defined else 110
        width, height = box.width, box.height
        commands = []
        text_left = style.innsep
        if style.url:
            qr_ref, natural = self._qr_xobject()
            self.set_resource(
                category=content.ResourceType.XOBJECT,
                name=pdf_name("/QR"),
                value=qr_ref,
            )
            qr_size = height - 2 * style.innsep
            scale = qr_size / natural
            commands.append(
                b"q %g 0 0 %g %g %g cm /QR Do Q"
                % (scale, scale, style.innsep, style.innsep)
            )
            text_left = qr_size + 2 * style.innsep
        text_right = width - style.innsep
        stripped, hb_font = font_assets(style.font_path or find_amiri())
        engine = GlyphAccumulator(self.writer, io.BytesIO(stripped), style.font_size)
        engine.hb_font = hb_font
        self.set_resource(
            category=content.ResourceType.FONT,
            name=pdf_name("/FStamp"),
            value=engine.as_resource(),
        )
        commands.append(b"0.05 0.15 0.3 rg BT /FStamp %g Tf" % style.font_size)
        n_lines = len(style.lines)
        block = n_lines * style.leading
        y = (height + block) / 2 - style.font_size
        for line in style.lines:
            base_level, runs = bidi_runs(line)
            shaped = []
            total = 0.0
            for text, level in runs:
                engine.writing_direction = "rtl" if level % 2 else "ltr"
                result = engine.shape(text)
                shaped.append(result.graphics_ops)
                total += result.x_advance * style.font_size
            if base_level % 2:
                x = max(text_left, text_right - total)
            else:
                x = text_left
            commands.append(b"1 0 0 1 %g %g Tm" % (x, y))
            commands.extend(shaped)
            y -= style.leading
        commands.append(b"ET")
        return commands
