"""One scanned batch with cover sheets becomes several requests and attachments."""

import io

from PyPDF2 import PdfReader

from odoo.tests import tagged

from .common import ScanCase, cover_png, png_to_pdf, small_page


@tagged("post_install", "-at_install")
class TestCoverSplit(ScanCase):
    def test_split_into_requests_and_attachments(self):
        existing = self.make_request()
        self.assertTrue(existing.name)
        scan = png_to_pdf(
            [
                cover_png(),
                small_page("Demande de logement social"),
                cover_png(existing.name),
                small_page("Copie de la carte 07654321"),
                small_page("Facture de la STEG du 15/03/2026"),
                cover_png(),
                small_page("Route de Bizerte en mauvais état"),
            ]
        )
        loose = small_page("Lettre sans page de garde")
        batch = self.make_batch([("post-1.pdf", scan), ("post-2.png", loose)])
        batch.action_process()
        self.assertEqual(batch.state, "queued")
        # split only: the pages are known and queued
        self.run_workers(max_units=2)
        self.assertEqual(batch.page_count, 8)
        self.assertEqual(batch.page_done_count, 0)
        # the three cover sheets are recognised by their QR code; no OCR is run on them
        self.run_workers(max_units=4)
        self.assertEqual(batch.page_done_count, 4)
        self.assertAlmostEqual(batch.progress, 50.0)
        self.run_workers()
        covers = batch.page_ids.filtered("is_cover")
        self.assertEqual(len(covers), 3)
        self.assertFalse(any(covers.mapped("text")))
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.progress, 100.0)
        docs = batch.document_ids.sorted("id")
        self.assertEqual(docs.mapped("mode"), ["new", "request", "new", "new"])
        self.assertEqual(docs.mapped("page_count"), [1, 2, 1, 1])
        self.assertEqual(docs[1].request_id, existing)
        new_requests = (docs[0] | docs[2] | docs[3]).request_id
        self.assertEqual(len(new_requests), 3)
        self.assertEqual(set(new_requests.mapped("state")), {"draft"})
        self.assertEqual(set(new_requests.mapped("channel")), {"post"})
        self.assertIn("logement", docs[0].request_id.subject)
        # attachments: the untouched original pages and a searchable PDF
        original = PdfReader(io.BytesIO(docs[1].original_attachment_id.raw))
        self.assertEqual(len(original.pages), 2)
        searchable = PdfReader(io.BytesIO(docs[1].searchable_attachment_id.raw))
        self.assertIn("STEG", searchable.pages[1].extract_text())
        self.assertEqual(docs[1].original_attachment_id.res_id, existing.id)
        self.assertIn(docs[1].searchable_attachment_id, existing.attachment_ids)
        # the original file itself is kept as uploaded
        self.assertEqual(batch.line_ids[0].attachment_id.raw, scan)
        # the existing request is now searchable by its scanned text
        Request = self.env["emowaten.request"]
        self.assertEqual(Request.search([("scan_search", "ilike", "steg")]), existing)

    def test_unknown_reference_waits_for_agent(self):
        scan = png_to_pdf(
            [cover_png("SCT-1999-999999"), small_page("Pièce complémentaire")]
        )
        batch = self.make_batch([("post.pdf", scan)])
        batch.action_process()
        self.run_workers()
        doc = batch.document_ids
        self.assertEqual(doc.state, "error")
        self.assertIn("SCT-1999-999999", doc.message)
        existing = self.make_request()
        doc.request_id = existing
        doc.action_file()
        self.assertEqual(doc.state, "filed")
        self.assertEqual(doc.searchable_attachment_id.res_id, existing.id)

    def test_cover_sheet_pdf(self):
        existing = self.make_request()
        pdf = self.env["emowaten.scan.batch"]._emowaten_cover_pdf(existing)
        from ..tools import cover, ocr  # noqa: PLC0415

        self.assertEqual(
            cover.decode_cover_png(ocr.split_pages(pdf)[0]),
            f"EMOWATEN:REQ:{existing.name}",
        )
