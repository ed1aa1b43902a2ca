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
