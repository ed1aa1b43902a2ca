"""Odoo indexes the searchable PDF of a scanned letter (attachment_indexation, with
pdfminer.six): the CIN, the phone and the date of an Arabic letter are found."""

from odoo.tests import tagged

from .common import ScanCase, png_to_pdf, small_page


@tagged("post_install", "-at_install")
class TestIndexation(ScanCase):
    def test_searchable_pdf_indexed(self):
        self.office.scan_lang = "ara+fra"
        page = small_page(
            "رقم بطاقة التعريف 09876543 الهاتف 98765432 بتاريخ 12/01/2024",
            rtl=True,
            size=(2000, 260),
        )
        batch = self.make_batch([("letter.pdf", png_to_pdf([page]))])
        batch.action_process()
        self.run_workers()
        doc = batch.document_ids
        self.assertEqual(doc.state, "filed")
        content = doc.searchable_attachment_id.sudo().index_content or ""
        for needle in ("09876543", "98765432", "12/01/2024"):
            self.assertIn(needle, content)
        Attachment = self.env["ir.attachment"].sudo()
        self.assertIn(
            doc.searchable_attachment_id,
            Attachment.search([("index_content", "ilike", "09876543")]),
        )
