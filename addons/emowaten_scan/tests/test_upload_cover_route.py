import io

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import cover, ocr
from .common import ScanCase, small_page


@tagged("post_install", "-at_install")
class TestUpload(ScanCase):
    def test_upload_widget_creates_lines_and_keeps_scans_untouched(self):
        from PIL import Image  # noqa: PLC0415

        # a full A4 page at 300 dpi: Odoo would shrink it to 1920 px if it could
        page = Image.new("L", (2480, 3508), 255)
        buf = io.BytesIO()
        page.save(buf, format="PNG")
        raw = buf.getvalue()
        Attachment = self.env["ir.attachment"].with_user(self.agent)
        # what the many2many_binary widget does on a new record
        uploaded = Attachment.create(
            {
                "name": "page.png",
                "raw": raw,
                "res_model": "emowaten.scan.batch",
                "res_id": 0,
            }
        )
        second = Attachment.create(
            {
                "name": "letter.png",
                "raw": small_page("Bonjour"),
                "res_model": "emowaten.scan.batch",
                "res_id": 0,
            }
        )
        batch = (
            self.env["emowaten.scan.batch"]
            .with_user(self.agent)
            .create(
                {
                    "office_id": self.office.id,
                    "upload_attachment_ids": [Command.set([uploaded.id, second.id])],
                }
            )
        )
        self.assertEqual(len(batch.line_ids), 2)
        self.assertEqual(uploaded.raw, raw)
        self.assertEqual(uploaded.res_id, batch.id)
        self.assertEqual(batch.line_ids.attachment_id, uploaded | second)


@tagged("post_install", "-at_install")
class TestCoverRoute(HttpCase):
    def test_cover_sheet_download(self):
        new_test_user(
            self.env, login="scan_route", groups="emowaten_base.group_emowaten_agent"
        )
        self.authenticate("scan_route", "scan_route")
        response = self.url_open("/emowaten_scan/cover/new")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        page = ocr.split_pages(response.content)[0]
        self.assertEqual(cover.decode_cover_png(page), cover.NEW)

    def test_cover_sheet_of_no_request(self):
        """A request id that is no number, or no request, is not found (the text of
        the query string reached the database: HTTP 500)."""
        new_test_user(
            self.env, login="scan_route2", groups="emowaten_base.group_emowaten_agent"
        )
        self.authenticate("scan_route2", "scan_route2")
        for query in ("adv%0D%0AX-Adversarial:%20injected", "abc", "999999999"):
            response = self.url_open(f"/emowaten_scan/cover/new?request_id={query}")
            self.assertEqual(response.status_code, 404, query)
        response = self.url_open("/emowaten_scan/cover/999999999")
        self.assertEqual(response.status_code, 404)
