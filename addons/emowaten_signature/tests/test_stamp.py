import datetime
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

    def test_verification_code_isolated_from_arabic_label(self):
        """A code starting with a digit joined the Arabic run of its label and printed
        as "9 : رمز التحقق ADB-..." (6 stamps in 10): the code is its own
        left-to-right run, whatever its first character, on the stamp as printed."""
        service = self.env["emowaten.signature.service"]
        certificate = self.env["emowaten.signature.certificate"].new(
            {"signer_name_ar": "محمد بن علي", "signer_name_fr": "Mohamed Ben Ali"}
        )
        authority = self.env["emowaten.signature.authority"].new({"kind": "titular"})
        pki = TestPKI()
        signer = pades.pkcs12_signer(pki.issue("Stamp Tester").pkcs12("x"), "x")
        for token in ("9ADB12CD34EF", "ADB912CD34EF", "0000AAAA1111"):
            code = "-".join(token[i : i + 4] for i in range(0, 12, 4))
            lines = service._emowaten_stamp_lines(
                certificate, authority, token, datetime.datetime(2026, 12, 4, 9, 5)
            )
            base, runs = bidi_runs(lines[-1])
            self.assertEqual(base, 0)
            texts = [text for text, _level in runs]
            self.assertEqual(texts[-1], code, runs)
            self.assertTrue(
                all(not any(c.isdigit() for c in t) for t in texts[:-1]), runs
            )
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
                text = subprocess.run(
                    ["pdftotext", "-layout", path, "-"],
                    capture_output=True,
                    check=True,
                    text=True,
                ).stdout
            line = next(t for t in text.splitlines() if "vérification" in t)
            self.assertIn(f": {code}", line)
            self.assertNotIn(f"{code[0]} :", line)
