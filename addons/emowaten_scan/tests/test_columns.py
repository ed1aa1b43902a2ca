"""A letter head with the Arabic sender block beside the French address block is read
block by block (real Tesseract on a generated page)."""

import logging
import re

from odoo.tests import tagged

from ..tools import columns, extract, ocr, testpages
from .common import ScanCase, png_to_pdf

_logger = logging.getLogger(__name__)
_LATIN = re.compile(r"[A-Za-z]{3,}")


def _mixed_lines(text):
    return [
        line
        for line in text.splitlines()
        if extract._ARABIC_LETTER.search(line) and _LATIN.search(line)
    ]


@tagged("post_install", "-at_install")
class TestColumns(ScanCase):
    def test_blocks_side_by_side_kept_apart(self):
        png, _blocks = testpages.make_two_column_page(seed=3, **testpages.CLEAN)
        # measured: Tesseract's segmentation joins the two blocks line by line in
        # every mode that keeps lines (1, 3, 4, 6); 11 keeps them apart but loses
        # a line of the sender block
        for psm in (3, 4, 6):
            raw = ocr.ocr_page(png, lang="ara+fra", psm=psm)
            _logger.info(
                "two-column page, psm %s: %s mixed line(s) before the cut",
                psm,
                len(_mixed_lines(columns._tesseract_text_for_tests(raw))),
            )
        result = ocr.ocr_page(png, lang="ara+fra")
        self.assertFalse(_mixed_lines(result.text), result.text)
        lines = result.text.splitlines()
        self.assertIn("Monsieur le Gouverneur", lines)
        self.assertIn("Avenue Habib Bourguiba", lines)
        self.assertTrue(any(line.startswith("الاسم واللقب") for line in lines))
        self.assertIn("رقم بطاقة التعريف: 09876543", lines)
        self.assertEqual(extract.find_phones(result.text), ["+21698765432"])
        # the text layer keeps the blocks apart too, for both extractors
        for text in (
            testpages.pdfminer_text(result.pdf),
            testpages.strip_bidi(testpages.pdftotext(result.pdf)),
        ):
            self.assertFalse(_mixed_lines(text), text)
            self.assertIn("09876543", text)
            self.assertIn("98765432", text)

    def test_subject_not_across_blocks(self):
        self.office.scan_lang = "ara+fra"
        png, _blocks = testpages.make_two_column_page(seed=3, **testpages.CLEAN)
        batch = self.make_batch([("letter.pdf", png_to_pdf([png]))])
        batch.action_process()
        self.run_workers()
        request = batch.document_ids.request_id
        self.assertEqual(request.subject, "Monsieur le Gouverneur")
        phones = batch.document_ids.proposal_ids.filtered(lambda p: p.kind == "phone")
        self.assertEqual(phones.mapped("value"), ["+21698765432"])
