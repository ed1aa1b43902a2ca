import base64
import datetime
import io

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from pyhanko.pdf_utils.reader import PdfFileReader

from odoo.tests import tagged

from ..tools import pades
from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestLongTerm(EmowatenSignatureCase):
    """Long-term signatures through pyhanko's own options (issue 21.2): with a
    time-stamping authority pyhanko embeds the DSS and the document time-stamp
    (B-LTA); the answer stays verifiable after its certificate expired."""

    def _structure(self, pdf):
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        return (
            len(reader.embedded_regular_signatures),
            len(reader.embedded_timestamp_signatures),
            "/DSS" in reader.root,
        )

    def _validate(self, pdf, when=None, fetch=True):
        with pades.quiet_validation():
            return pades.validate_pdf(
                pdf,
                [self.pki.root.cert_der],
                require_revocation=True,
                fetch_timeout=5 if fetch else None,
                validation_time=when,
            )

    def _set(self, key, value):
        self.env["ir.config_parameter"].set_param(f"emowaten_signature.{key}", value)

    def test_server_signature_is_b_lta(self):
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.level, "B-LTA")
        self.assertEqual(log.modification_level, "LTA_UPDATES")
        pdf = self._signed_pdf(answer)
        # one signature, then the DSS and pyhanko's document time-stamp
        self.assertEqual(self._structure(pdf), (1, 1, True))
        # everything needed is inside: valid with the CRL server down
        provider = self.services.crl_provider
        self.services.crl_provider = None
        self.addCleanup(setattr, self.services, "crl_provider", provider)
        report = self._validate(pdf)
        self.assertEqual(report.verdict, "valid", report.signatures[0].summary)
        sig = report.signatures[0]
        self.assertEqual(sig.level, "B-LTA")
        self.assertEqual(sig.revocation_source, "embedded")
        self.assertTrue(sig.timestamp_time)

    def test_valid_after_the_certificate_expired(self):
        """Validated at a moment past the certificate's not_after, with the embedded
        data only (no fetching): pyhanko's PAdES-LTA validation proves the signature
        was made while the certificate was valid. A B-T answer of the same
        certificate is no longer verifiable then."""
        now = self._now()
        cert, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=1),
            not_after=now + datetime.timedelta(days=2),
        )
        answer = self._answer()
        result = self._sign(answer, cert, secret="secret")
        self.assertFalse(result["refused"], result["refused"])
        self.assertEqual(result["logs"].level, "B-LTA")
        pdf = self._signed_pdf(answer)
        later = now + datetime.timedelta(days=4)
        self.assertGreater(later.replace(tzinfo=None), cert.not_after)
        report = self._validate(pdf, when=later, fetch=False)
        self.assertEqual(report.verdict, "valid", report.signatures[0].summary)
        self.assertTrue(report.signatures[0].long_term)
        # the same certificate without the long-term data (B-T)
        self._set("embed_revocation", "0")
        answer_bt = self._answer()
        self.assertEqual(
            self._sign(answer_bt, cert, secret="secret")["logs"].level, "B-T"
        )
        report = self._validate(self._signed_pdf(answer_bt), when=later, fetch=False)
        self.assertNotEqual(report.verdict, "valid")

    def test_workstation_flow_reaches_b_lta(self):
        """The agent's two-step flow ends with pyhanko's post-signing instructions:
        the same DSS and document time-stamp as the one-step flow."""
        cert, issued = self._pki_certificate(self.user_sign, flow="workstation")
        answer = self._answer()
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        job, refused = service._emowaten_prepare_job(
            answer, cert.with_user(self.user_sign)
        )
        self.assertFalse(refused)
        line = job.line_ids
        # what the token does: sign the signed attributes (SHA-256, PKCS#1 v1.5)
        signature = issued.key.sign(
            bytes.fromhex(line.prepared_data["signed_attrs"]),
            padding.PKCS1v15(),
            hashes.SHA256(),
        )
        result = job._emowaten_submit(
            {
                "signatures": [
                    {"id": line.id, "signature": base64.b64encode(signature).decode()}
                ]
            }
        )
        self.assertTrue(result["ok"], result)
        log = answer.emowaten_signature_log_ids.filtered(lambda x: x.event == "signed")
        self.assertEqual(log.level, "B-LTA")
        self.assertEqual(log.modification_level, "LTA_UPDATES")
        pdf = self._signed_pdf(answer)
        self.assertEqual(self._structure(pdf), (1, 1, True))
        self.assertEqual(self._validate(pdf).verdict, "valid")

    def test_without_tsa(self):
        """No TSA: pyhanko's embed_validation_info alone gives B-LT; without revocation
        data either, B-B. Both valid."""
        self._set("tsa_url", "")
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.level, "B-LT")
        pdf = self._signed_pdf(answer)
        self.assertEqual(self._structure(pdf), (1, 0, True))
        report = self._validate(pdf)
        self.assertEqual(report.verdict, "valid")
        self.assertEqual(report.signatures[0].level, "B-LT")
        self._set("embed_revocation", "0")
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.level, "B-B")
        pdf = self._signed_pdf(answer)
        self.assertEqual(self._structure(pdf), (1, 0, False))
        self.assertEqual(self._validate(pdf).verdict, "valid")
