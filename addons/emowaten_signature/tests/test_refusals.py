import datetime

from odoo.tests import tagged

from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestRefusals(EmowatenSignatureCase):
    def assertRefused(self, result, answer, code):
        self.assertFalse(result["signed"])
        self.assertEqual([r[1] for r in result["refused"]], [code])
        self.assertEqual(answer.state, "to_sign", "a refused answer must stay to sign")
        self.assertFalse(answer.signed_attachment_id)
        self.assertTrue(self._refusals(answer, code), "no audit entry for the refusal")

    def test_not_authorised_signatory(self):
        cert = self._token_certificate("sig-rsa", b"\x01", self.user_other)
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertRefused(result, answer, "not_authorised")
        self.assertIn(self.user_other.name, result["refused"][0][2])

    def test_authority_outside_dates(self):
        """A delegation only covers its dates."""
        today = datetime.date.today()
        self.env["emowaten.signature.authority"].create(
            {
                "user_id": self.user_delegate.id,
                "body_id": self.body.id,
                "kind": "delegation",
                "delegator_id": self.user_sign.id,
                "date_from": today - datetime.timedelta(days=20),
                "date_to": today - datetime.timedelta(days=1),
            }
        )
        cert = self._token_certificate("sig-rsa", b"\x01", self.user_delegate)
        answer = self._answer()
        self.assertRefused(self._sign(answer, cert), answer, "not_authorised")

    def test_delegation_in_force_signs(self):
        today = datetime.date.today()
        self.env["emowaten.signature.authority"].create(
            {
                "user_id": self.user_delegate.id,
                "body_id": self.body.id,
                "kind": "interim",
                "delegator_id": self.user_sign.id,
                "date_from": today,
                "date_to": today + datetime.timedelta(days=10),
                "function_ar": "والي سيغفيل",
                "function_fr": "Gouverneur de Sigville",
            }
        )
        cert = self._token_certificate("sig-rsa", b"\x01", self.user_delegate)
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertFalse(result["refused"], result["refused"])
        self.assertValidPades(self._signed_pdf(answer))

    def test_expired_certificate(self):
        now = self._now()
        cert, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=800),
            not_after=now - datetime.timedelta(days=1),
        )
        self.assertEqual(cert.state, "expired")
        answer = self._answer()
        self.assertRefused(
            self._sign(answer, cert, secret="secret"), answer, "cert_expired"
        )

    def test_not_yet_valid_certificate(self):
        now = self._now()
        cert, _issued = self._pki_certificate(
            self.user_sign, not_before=now + datetime.timedelta(days=2)
        )
        self.assertEqual(cert.state, "not_yet_valid")
        answer = self._answer()
        self.assertRefused(
            self._sign(answer, cert, secret="secret"), answer, "cert_not_yet_valid"
        )

    def test_revoked_certificate(self):
        cert, issued = self._pki_certificate(self.user_sign)
        self.assertEqual(cert.state, "valid")
        self.pki.revoke(issued.cert)
        answer = self._answer()
        # the CRL is fetched again at signing time: the revocation is seen at once
        self.assertRefused(
            self._sign(answer, cert, secret="secret"), answer, "cert_revoked"
        )
        self.assertEqual(cert.state, "revoked")

    def test_wrong_pin(self):
        answer = self._answer()
        self.assertRefused(
            self._sign(answer, self.cert_rsa, secret="0000"), answer, "bad_pin"
        )

    def test_wrong_pkcs12_passphrase(self):
        cert, _issued = self._pki_certificate(self.user_sign, passphrase="right")
        answer = self._answer()
        self.assertRefused(self._sign(answer, cert, secret="wrong"), answer, "bad_pin")

    def test_document_changed_since_prepared(self):
        answer = self._answer()
        # someone edits the letter text after it was prepared for signature
        answer.write({"body_html": "<p>نوافق على طلبكم مع تعديل.</p>"})
        self.assertRefused(
            self._sign(answer, self.cert_rsa), answer, "document_changed"
        )

    def test_workstation_document_changed_and_mismatch(self):
        """Workstation flow: the letter changes between preparation and the agent's
        answer; and a signature that is not over the prepared digest."""
        self.cert_rsa.flow = "workstation"
        answer, answer2 = self._answer(), self._answer()
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        job, _refused = service._emowaten_prepare_job(
            answer | answer2, self.cert_rsa.with_user(self.user_sign)
        )
        answer.write({"body_html": "<p>نص آخر</p>"})
        line1, line2 = job.line_ids.sorted("id")
        payload = {
            "signatures": [
                {"id": line1.id, "signature": "AAAA"},
                {"id": line2.id, "signature": "AAAA"},
            ]
        }
        result = job._emowaten_submit(payload)
        self.assertFalse(result["ok"])
        self.assertTrue(self._refusals(answer, "document_changed"))
        self.assertTrue(self._refusals(answer2, "signature_mismatch"))
        self.assertEqual(job.state, "failed")
        self.assertEqual(answer2.state, "to_sign")

    def test_workstation_agent_reports_wrong_pin(self):
        self.cert_rsa.flow = "workstation"
        answer = self._answer()
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        job, _refused = service._emowaten_prepare_job(
            answer, self.cert_rsa.with_user(self.user_sign)
        )
        result = job._emowaten_submit({"error": "bad_pin", "detail": "PinIncorrect"})
        self.assertFalse(result["ok"])
        self.assertTrue(self._refusals(answer, "bad_pin"))

    def test_wizard_shows_refusal(self):
        answer = self._answer()
        wizard = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_other)
            .create({"answer_ids": [(6, 0, answer.ids)]})
        )
        cert = self._token_certificate("sig-rsa", b"\x01", self.user_other)
        wizard.certificate_id = cert
        wizard.with_context(emowaten_secret="2468").action_sign()
        self.assertIn("not an authorised signatory", wizard.result_html)
        self.assertEqual(answer.state, "to_sign")
