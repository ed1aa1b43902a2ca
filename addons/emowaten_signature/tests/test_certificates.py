import base64
import datetime

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from ..tools.testpki import TestPKI
from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestCertificates(EmowatenSignatureCase):
    def test_signatory_cannot_hand_her_certificate_over(self):
        """The write rule was checked on the certificate as it was: its holder could
        give it (and its key file) to another user, who then read it."""
        cert = self.cert_rsa.with_user(self.user_sign)
        with self.assertRaises(AccessError):
            cert.write({"user_id": self.user_other.id})
        self.assertEqual(self.cert_rsa.user_id, self.user_sign)
        cert.write({"name": "Renamed by its holder"})
        self.assertEqual(self.cert_rsa.name, "Renamed by its holder")

    def test_key_file_is_write_only(self):
        """A signatory who is also a manager read every certificate, key file
        included (the rules of her two groups add up): the key file is never read
        back through the ORM, not even by its holder or an administrator."""
        base = "emowaten_base.group_emowaten_"
        sign_manager = new_test_user(
            self.env,
            "emw_sign_manager",
            groups=f"{base}signatory,{base}manager",
            name="Signatory and manager",
        )
        cert, _issued = self._pki_certificate(self.user_sign)
        self.assertTrue(cert.has_pkcs12)
        for user in (sign_manager, self.user_sign, self.user_admin):
            with self.assertRaises(AccessError):
                cert.with_user(user).read(["pkcs12_file"])
            self.assertFalse(cert.with_user(user).pkcs12_upload)
            self.assertTrue(cert.with_user(user).has_pkcs12)
        # nor can she plant a key on another signatory's certificate
        with self.assertRaises(AccessError):
            cert.with_user(sign_manager).write(
                {"pkcs12_upload": base64.b64encode(b"x")}
            )
        # its holder replaces it
        key_file = self.pki.issue(self.user_sign.name).pkcs12("other")
        cert.with_user(self.user_sign).write(
            {"pkcs12_upload": base64.b64encode(key_file)}
        )
        self.assertEqual(base64.b64decode(cert.sudo().pkcs12_file), key_file)

    def test_tuntrust_root_shipped(self):
        root = self.env.ref("emowaten_signature.trust_anchor_tuntrust_root")
        self.assertIn("TunTrust Root CA", root.subject)
        self.assertIn("Agence Nationale de Certification Electronique", root.subject)
        self.assertEqual(
            root.fingerprint,
            "2e44102ab58cb85419451c8e19d9acf3662cafbc614b6a53960a30f7d0e2eb41",
        )
        self.assertFalse(root.is_test)

    def test_import_pem_and_der(self):
        issued = self.pki.issue("Imed Kefi")
        Cert = self.env["emowaten.signature.certificate"]
        der_cert = Cert.create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(issued.cert_der),
            }
        )
        pem_cert = Cert.create(
            {
                "user_id": self.user_delegate.id,
                "cert_file": base64.b64encode(issued.cert_pem),
            }
        )
        for cert in der_cert | pem_cert:
            self.assertEqual(cert.name, "Imed Kefi")
            self.assertIn("CN=Imed Kefi", cert.subject)
            self.assertIn("TEST Root CA", cert.issuer)
            self.assertEqual(cert.serial, f"{issued.cert.serial_number:X}")
            self.assertIn("nonRepudiation", cert.key_usage)
            self.assertEqual(cert.key_type, "RSA-2048")
            self.assertEqual(cert.state, "valid")
            self.assertEqual(cert.anchor_id, self.anchor)
            self.assertEqual(cert.revocation_state, "good")
            self.assertTrue(cert.crl_data)

    def test_bad_file(self):
        with self.assertRaises(ValidationError):
            self.env["emowaten.signature.certificate"].create(
                {
                    "user_id": self.user_sign.id,
                    "cert_file": base64.b64encode(b"not a cert"),
                }
            )

    def test_read_from_token(self):
        self.assertIn("CN=Mohamed Ben Ali", self.cert_rsa.subject)
        self.assertEqual(self.cert_rsa.state, "valid")

    def test_untrusted_chain(self):
        stranger = TestPKI().issue("Someone")
        cert = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(stranger.cert_der),
            }
        )
        self.assertEqual(cert.state, "untrusted")
        self.assertFalse(cert.anchor_id)

    def test_expiring_soon_schedules_activity(self):
        now = self._now()
        cert, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=700),
            not_after=now + datetime.timedelta(days=20),
        )
        self.assertEqual(cert.state, "expiring")
        activity = cert.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.user_sign)
        self.assertEqual(activity.date_deadline, cert.not_after.date())
        cert._emowaten_check()
        self.assertEqual(len(cert.activity_ids), 1, "the reminder is not duplicated")

    def test_crl_unreachable_is_not_checked(self):
        """When the CRL cannot be fetched the state says so: no silent pass."""
        pki = TestPKI(crl_url="http://127.0.0.1:9/unreachable.crl")
        self.env["emowaten.signature.trust.anchor"].create(
            {
                "name": "Other TEST CA",
                "pem": pki.root.cert_pem.decode(),
                "is_test": True,
            }
        )
        issued = pki.issue("Unchecked Signer")
        cert = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(issued.cert_der),
            }
        )
        self.assertEqual(cert.state, "not_checked")
        self.assertEqual(cert.revocation_state, "unknown")
        # the administrator can forbid signing with an unchecked certificate
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.allow_unchecked_revocation", "0"
        )
        answer = self._answer()
        cert.write({"flow": "pkcs12"})
        result = self._sign(answer, cert, secret="x")
        self.assertEqual([r[1] for r in result["refused"]], ["cert_not_checked"])

    def test_ocsp_status(self):
        """A certificate naming an OCSP responder (and no CRL) gets its status from it,
        the responder's answer being checked against the issuer."""
        pki = TestPKI(ocsp_url=self.services.ocsp_url)
        self.env["emowaten.signature.trust.anchor"].create(
            {"name": "OCSP TEST CA", "pem": pki.root.cert_pem.decode(), "is_test": True}
        )
        issued = pki.issue("Ocsp Signer")
        known = {issued.cert.serial_number: issued.cert}
        self.services.ocsp_provider = lambda req: pki.ocsp_response(req, known)
        self.addCleanup(setattr, self.services, "ocsp_provider", None)
        cert = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(issued.cert_der),
            }
        )
        self.assertEqual(cert.state, "valid")
        self.assertEqual(cert.revocation_state, "good")
        self.assertTrue(cert.revocation_detail.startswith("OCSP"))
        pki.revoke(issued.cert)
        cert.action_check()
        self.assertEqual(cert.state, "revoked")
        # a responder signing with another key is not believed: a revocation seen
        # stays (it is final), and a certificate never checked is "not checked"
        impostor = TestPKI()
        self.services.ocsp_provider = lambda req: impostor.ocsp_response(req, known)
        cert.action_check()
        self.assertEqual(cert.state, "revoked")
        other = pki.issue("Other Ocsp Signer")
        known[other.cert.serial_number] = other.cert
        cert = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(other.cert_der),
            }
        )
        self.assertEqual(cert.revocation_state, "unknown")
        self.assertEqual(cert.state, "not_checked")

    def test_cron_checks(self):
        """The daily check, run as the scheduler runs it (a commit per certificate,
        savepoints here), sees a revocation and keeps the others valid."""
        cert, issued = self._pki_certificate(self.user_sign)
        self.assertEqual(cert.state, "valid")
        self.pki.revoke(issued.cert)
        cron = self.env.ref("emowaten_signature.ir_cron_check_certificates").sudo()
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
        self.assertEqual(self.cert_rsa.state, "valid")
        self.assertEqual(cert.state, "revoked")
