from datetime import timedelta

from odoo import fields
from odoo.fields import Domain
from odoo.tests import tagged

from .common import EmowatenPrivacyCase

STAT_GROUPBY = [
    "office_id",
    "body_id",
    "type_id",
    "state",
    "state_id",
    "delegation_id",
    "channel",
    "registration_date:day",
    "close_date:day",
    "date_deadline:day",
]


@tagged("post_install", "-at_install")
class TestRetention(EmowatenPrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "emowaten_privacy.retention_days", "365"
        )
        cls.Request = cls.env["emowaten.request"]
        long_ago = fields.Datetime.now() - timedelta(days=400)
        recently = fields.Datetime.now() - timedelta(days=30)
        # citizen_other: one old closed request and nothing else -> fully anonymised
        cls.old_other = cls._request(cls.office_b, partner=cls.citizen_other)
        # citizen: one old closed request, one recent closed, one still open
        cls.old = cls._request(cls.office_a)
        cls.recent = cls._request(cls.office_a)
        cls.live = cls._request(cls.office_a)
        (cls.old | cls.recent | cls.old_other).write({"state": "closed"})
        (cls.old | cls.old_other).write({"close_date": long_ago})
        cls.recent.write({"close_date": recently})
        cls.old.write(
            {
                "intake_cin": "08123456",
                "intake_phone": "+21620123456",
                "intake_name": "Amel Ben Salah",
            }
        )
        cls.old.message_post(body="Amel Ben Salah called from +21620123456")
        cls.attachment = cls.env["ir.attachment"].create(
            {
                "name": "cin-amel.pdf",
                "raw": b"%PDF-1.4 CIN scan",
                "res_model": "emowaten.request",
                "res_id": cls.old.id,
            }
        )
        cls.answer = cls.env["emowaten.answer"].create(
            {
                "request_id": cls.old.id,
                "kind": "unfavourable",
                "reason": "Mrs Ben Salah's file is incomplete",
                "body_html": "<p>Dear Mrs Ben Salah</p>",
            }
        )

    def _stats(self):
        return self.Request.sudo()._read_group(
            [("id", "in", (self.old | self.recent | self.live | self.old_other).ids)],
            STAT_GROUPBY,
            ["__count"],
        )

    def test_expired_closed_requests_are_anonymised_and_statistics_stay(self):
        before = self._stats()
        expired = self.Request._emowaten_privacy_expired_domain()
        self.assertEqual(
            self.Request.search(
                expired & Domain("id", "in", (self.old | self.recent).ids)
            ),
            self.old,
        )
        self.Request._emowaten_privacy_run()
        self.env.invalidate_all()
        self.assertEqual(self._stats(), before)
        self.assertTrue(self.old.privacy_anonymised)
        self.assertNotIn("Water", self.old.subject)
        self.assertFalse(self.old.description)
        # the counter's copies of the CIN, phone and name went too
        self.assertFalse(self.old.intake_cin)
        self.assertFalse(self.old.intake_phone)
        self.assertFalse(self.old.intake_name)
        self.assertNotIn("Ben Salah", self.answer.reason)
        self.assertNotIn("Ben Salah", self.answer.body_html)
        self.assertFalse(self.attachment.exists())
        bodies = " ".join(self.old.message_ids.mapped("body"))
        self.assertNotIn("Ben Salah", bodies)
        self.assertNotIn("21620123456", bodies)
        # what must not move
        self.assertEqual(self.old.state, "closed")
        self.assertEqual(self.old.office_id, self.office_a)
        self.assertEqual(self.old.state_id, self.gov_a)
        self.assertEqual(self.old.partner_id, self.citizen)
        self.assertEqual(self.answer.kind, "unfavourable")
        # recent and open requests keep everything
        self.assertFalse(self.recent.privacy_anonymised)
        self.assertIn("Water", self.recent.subject)
        self.assertFalse(self.live.privacy_anonymised)

    def test_citizen_is_pseudonymised_once_no_live_request_remains(self):
        self.Request._emowaten_privacy_run()
        self.env.invalidate_all()
        # citizen still has a recent closed and an open request: untouched
        self.assertFalse(self.citizen.privacy_anonymised)
        self.assertEqual(self.citizen.emowaten_cin, "08123456")
        # citizen_other had only the old request
        other = self.citizen_other
        self.assertTrue(other.privacy_anonymised)
        self.assertNotIn("Karim", other.name)
        self.assertFalse(other.emowaten_cin)
        self.assertFalse(other.email)
        self.assertEqual(other.state_id, self.gov_b)
        self.assertFalse(self.portal_other.sudo().active)
        # the pseudonym is stable
        self.assertIn(other._emowaten_privacy_pseudonym(), other.name)

    def test_request_type_retention_overrides_the_setting(self):
        self.type_petition.privacy_retention_days = 10
        self.Request._emowaten_privacy_run()
        self.assertTrue(self.recent.privacy_anonymised)
        self.assertFalse(self.live.privacy_anonymised)

    def test_zero_retention_keeps_everything(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "emowaten_privacy.retention_days", "0"
        )
        self.Request._emowaten_privacy_run()
        self.assertFalse(self.old.privacy_anonymised)

    def test_cron_runs_in_batches_with_progress(self):
        cron = self.env.ref("emowaten_privacy.ir_cron_emowaten_privacy_anonymise")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertTrue(self.old.privacy_anonymised)
        self.assertTrue(self.old_other.privacy_anonymised)
        self.assertTrue(self.citizen_other.privacy_anonymised)

    def test_settings_field(self):
        settings = self.env["res.config.settings"].create(
            {"emowaten_privacy_retention_days": 42}
        )
        settings.execute()
        param = self.env["ir.config_parameter"].sudo()
        self.assertEqual(param.get_param("emowaten_privacy.retention_days"), "42")
