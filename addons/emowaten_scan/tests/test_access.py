from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import ScanCase, png_to_pdf, small_page


@tagged("post_install", "-at_install")
class TestAccess(ScanCase):
    def test_office_isolation_and_usage(self):
        batch = self.make_batch([("a.pdf", png_to_pdf([small_page("Bonjour")]))])
        other_office = self.env["emowaten.office"].create(
            {
                "name": "Other",
                "code": "SCANO",
                "reference_prefix": "SCO",
                "body_id": self.body.id,
            }
        )
        outsider = new_test_user(
            self.env, login="scan_outsider", groups="emowaten_base.group_emowaten_agent"
        )
        self.env["emowaten.office.member"].create(
            {"office_id": other_office.id, "user_id": outsider.id}
        )
        Batch = self.env["emowaten.scan.batch"]
        self.assertEqual(
            Batch.with_user(self.agent).search([("id", "=", batch.id)]), batch
        )
        self.assertFalse(Batch.with_user(outsider).search([("id", "=", batch.id)]))
        with self.assertRaises(AccessError):
            batch.with_user(outsider).read(["name"])
        # an agent creates batches for their office, uploads and queues them
        own = Batch.with_user(self.agent).create({"office_id": self.office.id})
        own._emowaten_add_files([("b.pdf", png_to_pdf([small_page("Salut")]))])
        own.action_process()
        self.assertEqual(own.state, "queued")
        with self.assertRaises(AccessError):
            Batch.with_user(self.agent).create({"office_id": other_office.id})
        # hosting usage counts the scans against the office's body
        from datetime import datetime, timedelta  # noqa: PLC0415

        Usage = self.env["emowaten.hosting.usage"]
        queries = Usage._emowaten_usage_queries(datetime.now() + timedelta(days=1))
        usage = Usage._emowaten_measure(datetime.now() + timedelta(days=1))
        self.assertTrue(any("emowaten_scan_batch" in sql for sql, _params in queries))
        uploaded = sum(batch.line_ids.attachment_id.mapped("file_size"))
        self.assertGreaterEqual(usage[self.body.id][1], uploaded)
