"""The OCR engine with the real Tesseract on pages generated here, against
their truth."""

import logging
import subprocess
import tempfile

from odoo.tests import BaseCase, tagged

from ..tools import cover, ocr, testpages

_logger = logging.getLogger(__name__)


@tagged("post_install", "-at_install")
class TestOcrEngine(BaseCase):
    def test_french_cer(self):
        png, truth = testpages.make_page("fra", seed=11, angle=2.7)
        result = ocr.ocr_page(png, lang="ara+fra")
        rate = testpages.cer(result.text, truth)
        _logger.info(
            "French page (2.7 deg, noise, uneven light, ara+fra): CER %.4f", rate
        )
        self.assertLess(rate, 0.10)
        self.assertAlmostEqual(result.angle, -2.7, delta=0.5)
        self.assertGreater(result.confidence, 70)

    def test_arabic_cer(self):
        png, truth = testpages.make_page("ara", seed=12, angle=-3.2)
        for lang in ("ara", "ara+fra"):
            result = ocr.ocr_page(png, lang=lang)
            rate = testpages.cer(result.text, truth)
            _logger.info(
                "Arabic page (-3.2 deg, noise, uneven light, %s): CER %.4f", lang, rate
            )
            self.assertLess(rate, 0.15)
        self.assertAlmostEqual(result.angle, 3.2, delta=0.5)

    def test_searchable_pdf_text_layer(self):
        png, truth = testpages.make_page("fra", seed=13)
        result = ocr.ocr_page(png, lang="fra")
        merged = ocr.merge_pdfs([result.pdf, result.pdf])
        with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
            fh.write(merged)
            fh.flush()
            pages = ocr.pdf_info(merged)[0]
            text = subprocess.run(
                ["pdftotext", "-f", "1", "-l", "1", fh.name, "-"],
                capture_output=True,
                check=True,
                text=True,
            ).stdout
        self.assertEqual(pages, 2)
        self.assertLess(testpages.cer(text, truth), 0.10)

    def test_upside_down_page(self):
        png, truth = testpages.make_page("fra", seed=14, angle=0.0)
        grey = ocr.decode_grey(png)
        turned = ocr.rotate_quadrant(grey, 180)
        import cv2  # noqa: PLC0415

        ok, data = cv2.imencode(".png", turned)
        result = ocr.ocr_page(data.tobytes(), lang="fra")
        self.assertEqual(result.rotation, 180)
        self.assertLess(testpages.cer(result.text, truth), 0.10)

    def test_blank_page(self):
        png, _truth = testpages.make_page("fra", seed=15, text=" ")
        with self.assertRaises(ocr.ScanInputError) as caught:
            ocr.ocr_page(png)
        self.assertEqual(caught.exception.code, "blank")

    def test_cover_round_trip(self):
        pdf = cover.make_cover_pdf("SCT-2026-000042", [("Cover", False)])
        page = ocr.split_pages(pdf)[0]
        payload = cover.decode_cover_png(page)
        self.assertEqual(cover.parse_payload(payload), ("request", "SCT-2026-000042"))
        self.assertEqual(
            cover.parse_payload(
                cover.decode_cover_png(ocr.split_pages(cover.make_cover_pdf())[0])
            ),
            ("new", None),
        )
        text_page, _truth = testpages.make_page("fra", seed=16)
        self.assertIsNone(cover.decode_cover_png(text_page))
        self.assertIsNone(cover.parse_payload("https://example.com"))
