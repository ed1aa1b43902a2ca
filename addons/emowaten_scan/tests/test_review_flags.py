"""Pages whose text is probably misread are checked by hand even when Tesseract's mean
confidence is above the office threshold (real Tesseract on generated pages)."""

from odoo.tests import tagged

from ..tools import extract, testpages
from .common import ScanCase, png_to_pdf


@tagged("post_install", "-at_install")
class TestReviewFlags(ScanCase):
    def test_suspect_fragments(self):
        for text, expected in (
            ("السيد Ji بنزرت المحترم", ["Ji"]),
            ("عائلة. وتقبلوا Le فائق", ["Le"]),
            ("تونس في 12 جانفي 4", ["12 جانفي 4"]),
            ("le 12/01/4 à Tunis", ["12/01/4"]),
        ):
            self.assertEqual(extract.suspect_fragments(text), expected, text)
        for text in (
            "رقم بطاقة التعريف CIN 09876543",
            "Monsieur le Gouverneur de Sousse, le 12 janvier 2024",
            "تونس في 12 جانفي 2024 و 15/03/2026",
            "شارع Habib بورقيبة",
        ):
            self.assertEqual(extract.suspect_fragments(text), [], text)

    def _page(self, lang):
        self.office.scan_lang = lang
        self.office.scan_confidence_threshold = 70
        png, _truth = testpages.make_page("ara", seed=12, **testpages.CLEAN)
        batch = self.make_batch([("letter.pdf", png_to_pdf([png]))])
        batch.action_process()
        self.run_workers()
        return batch.page_ids

    def test_stray_latin_in_arabic_flagged(self):
        # ara+fra reads a few Arabic words of this Amiri page as "Ji", "Re", "Le"
        # with a mean confidence above 80
        page = self._page("ara+fra")
        self.assertGreater(page.confidence, 70)
        self.assertTrue(page.low_confidence)
        self.assertEqual(page.message_code, "suspect_text")
        self.assertIn("check the text by hand", page.message)
        self.assertTrue(page.document_id.low_confidence)

    def test_clean_arabic_not_flagged(self):
        page = self._page("ara")
        self.assertGreater(page.confidence, 70)
        self.assertFalse(page.low_confidence, page.message)
        self.assertFalse(page.message_code)
