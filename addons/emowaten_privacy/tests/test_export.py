import base64
import io
import json
import zipfile

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPrivacyCase


@tagged("post_install", "-at_install")
class TestExport(EmowatenPrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.req_a = cls._request(cls.office_a)
        cls.req_b = cls._request(cls.office_b, subject="Road in Sfax")
        cls.req_a.message_post(body="Citizen phoned about the water cut")
        cls.env["ir.attachment"].create(
            {
                "name": "../../etc/passwd scan.pdf",
                "raw": b"%PDF-1.4 scan",
                "res_model": "emowaten.request",
                "res_id": cls.req_a.id,
            }
        )

    def _export(self, user):
        wizard = (
            self.env["emowaten.privacy.export"]
            .with_user(user)
            .with_context(active_model="res.partner", active_id=self.citizen.id)
            .create({})
        )
        self.assertEqual(wizard.partner_id, self.citizen)
        wizard.action_export()
        archive = zipfile.ZipFile(io.BytesIO(base64.b64decode(wizard.data_file)))
        return wizard, archive, json.loads(archive.read("citizen.json"))

    def test_manager_exports_what_their_office_holds(self):
        wizard, archive, data = self._export(self.manager)
        self.assertEqual(data["citizen"]["emowaten_cin"], "08123456")
        self.assertTrue(data["citizen"]["state_id"].startswith("Privacy Gov A"))
        self.assertEqual([r["name"] for r in data["requests"]], [self.req_a.name])
        self.assertTrue(any("water cut" in m["body"] for m in data["messages"]))
        [attachment] = data["attachments"]
        self.assertNotIn(
            "..", attachment["file"].replace("attachments/", "", 1).split("-")[0]
        )
        self.assertNotIn("/", attachment["file"].split("/", 1)[1])
        self.assertEqual(archive.read(attachment["file"]), b"%PDF-1.4 scan")
        self.assertEqual(wizard.request_count, 1)
        log = (
            self.env["emowaten.privacy.access.log"]
            .sudo()
            .search([("user_id", "=", self.manager.id), ("access_type", "=", "export")])
        )
        self.assertIn(self.req_a, log.request_id)
        self.assertIn("res.partner", log.mapped("res_model"))

    def test_central_bureau_exports_every_office(self):
        _wizard, _archive, data = self._export(self.supervisor)
        self.assertEqual(
            sorted(r["name"] for r in data["requests"]),
            sorted([self.req_a.name, self.req_b.name]),
        )

    def test_agents_cannot_export(self):
        with self.assertRaises(AccessError):
            self.env["emowaten.privacy.export"].with_user(self.agent).create(
                {"partner_id": self.citizen.id}
            )
