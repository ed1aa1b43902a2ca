from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestAudit(EmowatenSignatureCase):
    def test_log_is_append_only(self):
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.user_id, self.user_sign)
        self.assertTrue(log.hash_before and log.hash_after and log.cert_fingerprint)
        for user in (self.user_sign, self.user_admin):
            entry = log.with_user(user)
            with self.assertRaises(UserError):
                entry.write({"message": "changed"})
            with self.assertRaises(UserError):
                entry.unlink()
        # not even the superuser through the ORM, without the explicit retention purge
        with self.assertRaises(UserError):
            log.sudo().write({"hash_after": "0" * 64})
        with self.assertRaises(UserError):
            log.sudo().unlink()
        with self.assertRaises(AccessError):
            self.env["emowaten.signature.log"].with_user(self.user_sign).create(
                {"event": "signed", "user_id": self.user_sign.id}
            )

    def test_signatory_sees_own_events_only(self):
        answer = self._answer()
        self._sign(answer, self.cert_rsa)
        Log = self.env["emowaten.signature.log"]
        self.assertTrue(
            Log.with_user(self.user_sign).search([("answer_id", "=", answer.id)])
        )
        self.assertFalse(
            Log.with_user(self.user_other).search([("answer_id", "=", answer.id)])
        )

    def test_log_records_the_validators_verdict(self):
        """The entry holds pyhanko's verdict with its revision analysis: the DSS (and
        document time-stamp) written after the signature are signature maintenance,
        not "ILLEGAL_MODIFICATIONS"."""
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertIn(log.level, ("B-LT", "B-LTA"))
        self.assertEqual(log.validation_verdict, "valid")
        self.assertIn(log.modification_level, ("LTA_UPDATES", "FORM_FILLING"))
        self.assertNotIn("ILLEGAL", log.message)
        self.assertIn("ACCEPTABLE_MODIFICATIONS", log.message)
        # without TSA nor revocation data: one revision, which the signature covers
        self.env["ir.config_parameter"].set_param("emowaten_signature.tsa_url", "")
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.embed_revocation", "0"
        )
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.level, "B-B")
        self.assertEqual(log.validation_verdict, "valid")
        self.assertEqual(log.modification_level, "NONE")
        self.assertIn("UNTOUCHED", log.message)
