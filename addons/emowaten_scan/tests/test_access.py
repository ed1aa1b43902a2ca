from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

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
        # nor move his office's scans to another office
        moved = Batch.with_user(self.agent).create({"office_id": self.office.id})
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            moved.write({"office_id": other_office.id})
        self.assertEqual(moved.sudo().office_id, self.office)
        # hosting usage counts the scans against the office's body
        from datetime import datetime, timedelta  # noqa: PLC0415

        Usage = self.env["emowaten.hosting.usage"]
        queries = Usage._emowaten_usage_queries(datetime.now() + timedelta(days=1))
        usage = Usage._emowaten_measure(datetime.now() + timedelta(days=1))
        self.assertTrue(any("emowaten_scan_batch" in sql for sql, _params in queries))
        uploaded = sum(batch.line_ids.attachment_id.mapped("file_size"))
        self.assertGreaterEqual(usage[self.body.id][1], uploaded)


@tagged("post_install", "-at_install")
class TestRequestFormRoles(ScanCase):
    """Correspondents and signatories open the files of their bodies: the form must
    not need the scanned paper, which only the offices' staff may read."""

    def test_correspondent_and_signatory_open_a_scanned_request(self):
        correspondent = new_test_user(
            self.env,
            login="scan_correspondent",
            groups="emowaten_base.group_emowaten_correspondent",
        )
        signatory = new_test_user(
            self.env,
            login="scan_signatory",
            groups="emowaten_base.group_emowaten_signatory",
        )
        self.body.correspondent_ids = correspondent
        self.body.signatory_user_ids = signatory
        rtype = self.env["emowaten.request.type"].create(
            {"name": "Scan form petition", "code": "scan_form_petition"}
        )
        request = self.env["emowaten.request"].create(
            {
                "office_id": self.office.id,
                "body_id": self.body.id,
                "partner_id": self.partner.id,
                "type_id": rtype.id,
                "subject": "Paper letter",
                "state": "registered",
            }
        )
        batch = self.env["emowaten.scan.batch"].create({"office_id": self.office.id})
        document = self.env["emowaten.scan.document"].create(
            {"batch_id": batch.id, "request_id": request.id}
        )
        self.env["emowaten.scan.proposal"].create(
            {"document_id": document.id, "kind": "phone", "value": "+21620000000"}
        )
        for user in (correspondent, signatory):
            with self.subTest(user=user.login):
                # Form loads the form view of the user and web_reads its fields
                form = Form(request.with_user(user))
                self.assertEqual(form.subject, "Paper letter")
                self.assertNotIn("scan_proposal_ids", form._view["fields"])
        # the office's agent still sees the proposals
        form = Form(request.with_user(self.agent))
        self.assertEqual(len(form.scan_proposal_ids), 1)
        self.assertEqual(form.scan_document_count, 1)
