import io
import os
import subprocess
import tempfile

from odoo.tests import TransactionCase, tagged

from ..tools import pades
from ..tools.stamp import bidi_runs, find_amiri, font_assets
from ..tools.testpki import TestPKI
from .common import make_pdf


@tagged("post_install", "-at_install")
class TestStamp(TransactionCase):
    def test_bidi_runs_keep_numbers_readable(self):
        base, runs = bidi_runs("بتاريخ 28/11/2026 13:20 بتوقيت تونس")
        self.assertEqual(base, 1, "an Arabic line is right-to-left")
        texts = [t for t, _lvl in runs]
        # visual order, left to right: the last Arabic words first, numbers unreversed
        self.assertEqual(texts[0].strip(), "بتوقيت تونس")
        self.assertIn("28/11/2026", texts)
        self.assertIn("13:20", texts)
        self.assertLess(texts.index("13:20"), texts.index("28/11/2026"))
        self.assertEqual(texts[-1].strip(), "بتاريخ")
        base, runs = bidi_runs("Signé électroniquement par Mohamed Ben Ali")
        self.assertEqual(base, 0)
        self.assertEqual(len(runs), 1)

    def test_stripped_font_keeps_glyph_ids(self):
        stripped, _hb_font = font_assets(find_amiri())
        from fontTools.ttLib import TTFont  # noqa: PLC0415

        full = TTFont(find_amiri())
        small = TTFont(io.BytesIO(stripped))
        self.assertEqual(full.getGlyphOrder(), small.getGlyphOrder())
        self.assertNotIn("GSUB", small)

    def test_stamp_renders_arabic(self):
        """The stamp page renders (pdftoppm) and its text layer gives back the Arabic
        letters (ToUnicode of each shaped run)."""
        pki = TestPKI()
        issued = pki.issue("Stamp Tester")
        signer = pades.pkcs12_signer(issued.pkcs12("x"), "x")
        lines = ("أمضاه إلكترونيا: محمد بن علي", "Signé électroniquement par Mohamed")
        out = pades.sign_pdf(
            make_pdf(),
            signer,
            pades.SignOptions(
                stamp=pades.StampSpec(lines=lines, url="http://x/verify/1")
            ),
        )
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "signed.pdf")
            with open(path, "wb") as fh:
                fh.write(out)
            subprocess.run(
                ["pdftoppm", "-png", "-r", "50", "-singlefile", path, path],
                capture_output=True,
                check=True,
            )
            with open(path + ".png", "rb") as fh:
                png = fh.read()
            text = subprocess.run(
                ["pdftotext", path, "-"], capture_output=True, check=True, text=True
            ).stdout
        self.assertTrue(png.startswith(b"\x89PNG"))
        self.assertIn("Mohamed", text)
        # pdftotext prints right-to-left runs in visual order: the letters must be the
        # real Arabic characters (ToUnicode of each shaped run), not presentation forms
        self.assertTrue("محمد" in text or "محمد"[::-1] in text, text)
