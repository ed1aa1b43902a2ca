"""Revocation fails closed, and the certification path is checked by
pyhanko-certvalidator.

The CRL distribution point is a local HTTP server speaking the real protocol (it
stands in for TunTrust's); it is stopped in the middle of the tests to play an
unreachable server. Signatures are made with real keys (PKCS#12, the fastest flow:
revocation is checked before any flow opens its key)."""

import base64
import datetime

from odoo.tests import tagged

from ..tools import pades
from ..tools.localservices import LocalServices
from ..tools.testpki import TestPKI, utcnow
from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestRevocation(EmowatenSignatureCase):
    def setUp(self):
        super().setUp()
        # a CA of its own, whose CRL server this test may stop
        self.crl_server = LocalServices().start()
        self.addCleanup(self._stop_server)
        self.own_pki = TestPKI(
            crl_url=self.crl_server.crl_url, ca_name="e-Mowaten TEST Revocation CA"
        )
        self.crl_server.crl_provider = self.own_pki.crl
        self.env["emowaten.signature.trust.anchor"].create(
            {
                "name": "Revocation TEST CA",
                "pem": self.own_pki.root.cert_pem.decode(),
                "is_test": True,
            }
        )
        self.Settings = self.env["res.config.settings"]

    def _stop_server(self):
        if self.crl_server is not None:
            self.crl_server.stop()
            self.crl_server = None

    def _certificate(self, pki=None, **issue_kw):
        issued = (pki or self.own_pki).issue(self.user_sign.name, **issue_kw)
        cert = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "flow": "pkcs12",
                "cert_file": base64.b64encode(issued.cert_der),
                "pkcs12_file": base64.b64encode(issued.pkcs12("secret")),
            }
        )
        return cert, issued

    def _unchecked_certificate(self):
        """A certificate whose CRL server is down and whose stored CRL is out of
        date: no current revocation information."""
        cert, _issued = self._certificate()
        self._stop_server()
        outdated = self.own_pki.crl(
            next_update_days=-1, last_update=utcnow() - datetime.timedelta(days=8)
        )
        cert.sudo().write({"crl_data": base64.b64encode(outdated)})
        cert.action_check()
        return cert

    def _sign(self, answers, certificate, secret="secret", user=None):
        return super()._sign(answers, certificate, secret=secret, user=user)

    def _allow_unchecked(self, allowed):
        """Through the settings screen, as the administrator does it."""
        self.Settings.create({"emowaten_signature_allow_unchecked": allowed}).execute()

    # ------------------------------------------------------------ revocation
    def test_revoked_stays_revoked_when_the_crl_server_is_down(self):
        """The attack of the issue: revoked, then the CRL server becomes
        unreachable. The stored CRL (current, listing the certificate) is used: the
        certificate stays revoked and signs nothing, with B-LT on or off."""
        cert, issued = self._certificate()
        self.assertEqual((cert.state, cert.revocation_state), ("valid", "good"))
        self.own_pki.revoke(issued.cert)
        cert.action_check()
        self.assertEqual(cert.state, "revoked")
        self._stop_server()
        for embed in ("1", "0"):
            self.env["ir.config_parameter"].set_param(
                "emowaten_signature.embed_revocation", embed
            )
            cert.action_check()
            self.assertEqual(cert.state, "revoked", "not 'not checked'")
            answer = self._answer()
            result = self._sign(answer, cert)
            self.assertFalse(result["signed"])
            self.assertEqual([r[1] for r in result["refused"]], ["cert_revoked"])
            self.assertEqual(answer.state, "to_sign")
            self.assertTrue(self._refusals(answer, "cert_revoked"))
        # even allowed to sign unchecked, a revoked certificate does not sign
        self._allow_unchecked(True)
        result = self._sign(self._answer(), cert)
        self.assertEqual([r[1] for r in result["refused"]], ["cert_revoked"])

    def test_revocation_seen_is_final(self):
        """Once seen revoked, no answer at all (the stored CRL gone out of date and
        the server down) does not make it usable again."""
        cert, issued = self._certificate()
        self.own_pki.revoke(issued.cert)
        cert.action_check()
        self._stop_server()
        cert.sudo().write({"crl_data": False})
        cert.action_check()
        self.assertEqual(cert.state, "revoked")

    def test_server_stopped_falls_back_on_the_current_stored_crl(self):
        """A good certificate keeps signing while the stored CRL is current, and
        says where its status came from."""
        cert, _issued = self._certificate()
        self.assertTrue(cert.crl_data)
        self._stop_server()
        cert.action_check()
        self.assertEqual((cert.state, cert.revocation_state), ("valid", "good"))
        self.assertTrue(cert.revocation_detail.startswith("stored CRL valid until"))
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertEqual(result["signed"], answer)
        with pades.quiet_validation():
            report = pades.validate_pdf(
                self._signed_pdf(answer),
                [self.own_pki.root.cert_der, self.pki.root.cert_der],
            )
        self.assertTrue(report.valid, [s.summary for s in report.signatures])

    def test_no_current_revocation_information_refuses(self):
        """The server down and the stored CRL out of date: not checked, and signing
        is refused with the message saying why; the explicit setting allows it, and
        each such signature is logged and noted on the certificate."""
        cert = self._unchecked_certificate()
        self.assertEqual(cert.state, "not_checked")
        self.assertEqual(cert.revocation_state, "unknown")
        self.assertIn("crl_outdated", cert.revocation_detail)
        # off by default: a fresh database has no such setting
        self.assertFalse(self.Settings.create({}).emowaten_signature_allow_unchecked)
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertEqual([r[1] for r in result["refused"]], ["cert_not_checked"])
        message = result["refused"][0][2]
        self.assertIn("could not be checked", message)
        # in Arabic too
        ar = self.env["emowaten.signature.service"].with_context(lang="ar_001")
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_signature"], ["ar_001"], overwrite=True
        )
        ar_message = ar._emowaten_refusal("cert_not_checked", cert="X").args[0]
        self.assertNotIn("could not", ar_message)
        self.assertRegex(ar_message, "[\u0600-\u06ff]")
        # the administrator allows it explicitly: the signature is made, and logged
        self._allow_unchecked(True)
        answer = self._answer()
        with self.assertLogs(
            "odoo.addons.emowaten_signature.models.emowaten_signature_service",
            "WARNING",
        ) as logs:
            result = self._sign(answer, cert)
        self.assertEqual(result["signed"], answer)
        self.assertIn("revocation could not be checked", logs.output[0])
        self.assertIn(
            "could not be checked", cert.message_ids[0].body, "noted on the chatter"
        )
        # and unticked again, it is refused again
        self._allow_unchecked(False)
        result = self._sign(self._answer(), cert)
        self.assertEqual([r[1] for r in result["refused"]], ["cert_not_checked"])

    def test_forged_or_foreign_crls_are_not_believed(self):
        """A stored CRL signed by another key under the same CA name, or a CRL of
        another CA, gives no revocation information."""
        cert, _issued = self._certificate()
        self._stop_server()
        impostor = TestPKI(ca_name=self.own_pki.ca_name)  # same name, another key
        for crl in (impostor.crl(), self.pki.crl()):
            cert.sudo().write({"crl_data": base64.b64encode(crl)})
            cert.action_check()
            self.assertEqual(cert.state, "not_checked")

    def test_replayed_older_crl_does_not_hide_a_revocation(self):
        """The server answers with an older CRL (from before the revocation, still
        current): the stored one listing the certificate wins."""
        cert, issued = self._certificate()
        before = self.own_pki.crl(
            next_update_days=30, last_update=utcnow() - datetime.timedelta(days=1)
        )
        self.own_pki.revoke(issued.cert)
        cert.action_check()
        self.assertEqual(cert.state, "revoked")
        self.crl_server.crl_provider = lambda: before
        cert.action_check()
        self.assertEqual(cert.state, "revoked")

    def test_settings_flags_read_as_the_settings_screen_writes_them(self):
        """The settings screen stores "True" and removes the parameter when
        unticked: both read as they were meant."""
        service = self.env["emowaten.signature.service"]
        self._allow_unchecked(True)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "emowaten_signature.allow_unchecked_revocation"
            ),
            "True",
        )
        self.assertTrue(service._emowaten_flag("allow_unchecked_revocation"))
        self._allow_unchecked(False)
        self.assertFalse(service._emowaten_flag("allow_unchecked_revocation"))

    # ------------------------------------------------------ certification path
    def test_intermediate_ca_chain(self):
        """A certificate issued by a registered intermediate CA chains to the root;
        an expired intermediate, or one that is no CA, does not."""
        Anchor = self.env["emowaten.signature.trust.anchor"]
        cases = (
            ("Sub CA", {}, "valid"),
            (
                "Expired Sub CA",
                {"not_after": utcnow() - datetime.timedelta(days=1)},
                "untrusted",
            ),
            ("Not a CA", {"ca": False}, "untrusted"),
        )
        for name, kw, state in cases:
            with self.subTest(name):
                sub = self.own_pki.intermediate(
                    name, crl_url=self.crl_server.crl_url, **kw
                )
                Anchor.create(
                    {
                        "name": name,
                        "pem": sub.root.cert_pem.decode(),
                        "is_root": False,
                        "is_test": True,
                    }
                )
                self.crl_server.crl_provider = sub.crl
                cert, _issued = self._certificate(pki=sub)
                self.assertEqual(cert.state, state, cert.chain_detail)
                if state == "valid":
                    self.assertEqual(cert.anchor_id.name, "Revocation TEST CA")
                else:
                    self.assertTrue(cert.chain_detail)
                    result = self._sign(self._answer(), cert)
                    self.assertEqual(
                        [r[1] for r in result["refused"]], ["cert_untrusted"]
                    )

    def test_same_name_other_key_is_untrusted(self):
        """A certificate from a CA bearing the registered CA's name but another key
        does not chain (the old check compared issuer names first)."""
        impostor = TestPKI(
            crl_url=self.crl_server.crl_url, ca_name=self.own_pki.ca_name
        )
        cert, _issued = self._certificate(pki=impostor)
        self.assertEqual(cert.state, "untrusted")
        self.assertFalse(cert.anchor_id)

    def test_certificate_without_non_repudiation_cannot_sign(self):
        """An authentication certificate (no nonRepudiation key usage) is not a
        signature certificate."""
        cert, _issued = self._certificate(non_repudiation=False)
        self.assertEqual(cert.state, "bad_usage")
        self.assertIn("non repudiation", cert.chain_detail)
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertEqual([r[1] for r in result["refused"]], ["cert_bad_usage"])
        self.assertIn("non-repudiation", result["refused"][0][2])

    def test_signing_dialog_offers_unchecked_only_when_allowed(self):
        """The dialog offers what may sign: an unchecked certificate only with the
        explicit setting; otherwise it is listed with the reason."""
        cert = self._unchecked_certificate()
        Wizard = self.env["emowaten.signature.sign.wizard"].with_user(self.user_sign)
        wizard = Wizard.create({})
        self.assertNotIn(cert, wizard.usable_certificate_ids)
        self.assertIn(self.cert_rsa, wizard.usable_certificate_ids)
        self.assertIn("could not be checked", wizard.certificate_notes_html)
        self._allow_unchecked(True)
        self.assertIn(cert, Wizard.create({}).usable_certificate_ids)
