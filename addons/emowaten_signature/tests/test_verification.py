import base64
import io
import json
import subprocess
import sys
from unittest.mock import patch

from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

from odoo.tests import HttpCase, tagged

from ..controllers import main as controllers
from ..tools import pades
from ..tools.softhsm import SOFTHSM_LIB
from ..tools.testpki import TestPKI
from .common import PIN, EmowatenSignatureCase, make_pdf
from .test_signing_flows import AGENT


def rewrite_first_page(pdf, text=b"FORGED"):
    """An incremental update after the signature that replaces the content of the
    first page (what a forger who keeps the signature would do)."""
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    content = generic.StreamObject(
        stream_data=b"BT /F1 24 Tf 72 700 Td (" + text + b") Tj ET"
    )
    page["/Contents"] = writer.add_object(content)
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestVerification(EmowatenSignatureCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("web.base.url", cls.base_url())
        cls.answer = cls._answer(cls)
        cls.result = cls._sign(cls, cls.answer, cls.cert_rsa)
        cls.pdf = cls._signed_pdf(cls, cls.answer)
        cls.token = cls.result["logs"].verification_token

    def _upload(self, pdf):
        self.authenticate(None, None)
        page = self.url_open("/emowaten/verify")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        return self.url_open(
            "/emowaten/verify/upload",
            data={"csrf_token": csrf},
            files={"document": ("answer.pdf", pdf, "application/pdf")},
        )

    def test_public_page_from_qr_code(self):
        response = self.url_open(f"/emowaten/verify/{self.token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn('data-valid="1"', response.text)
        self.assertIn("Mohamed Ben Ali", response.text)
        self.assertIn(self.cert_rsa.serial, response.text)
        # the code typed with dashes, as printed on the stamp
        dashed = "-".join(self.token[i : i + 4] for i in range(0, len(self.token), 4))
        response = self.url_open(f"/emowaten/verify?code={dashed}")
        self.assertIn('data-valid="1"', response.text)
        response = self.url_open("/emowaten/verify/DOESNOTEXIST")
        self.assertIn("No signed document has this verification code", response.text)

    def _verdict(self, response):
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.text.split('data-verdict="')[1].split('"')[0]

    def _sign_outside(self, issued, tsa=True):
        """A letter signed with pyhanko directly, as a forger or another body would:
        no e-Mowaten check, no embedded revocation data."""
        signer = pades.pkcs12_signer(issued.pkcs12("x"), "x")
        opts = pades.SignOptions(tsa_url=self.services.tsa_url if tsa else "")
        return pades.sign_pdf(make_pdf(), signer, opts)

    def test_upload_intact_and_tampered(self):
        response = self._upload(self.pdf)
        self.assertIn('data-valid="1"', response.text)
        self.assertEqual(self._verdict(response), "valid")
        self.assertIn(self.answer.request_id.name, response.text)
        # one byte changed inside the signed range
        pos = self.pdf.find(b"/Type /Page")
        tampered = self.pdf[:pos] + b"/Type /Pagf" + self.pdf[pos + 11 :]
        response = self._upload(tampered)
        self.assertIn('data-valid="0"', response.text)
        self.assertEqual(self._verdict(response), "modified")
        # truncated file
        response = self._upload(self.pdf[: len(self.pdf) // 2])
        self.assertIn('data-valid="0"', response.text)
        self.assertEqual(self._verdict(response), "unreadable")
        # not a PDF at all
        response = self._upload(b"hello")
        self.assertIn('data-valid="0"', response.text)
        self.assertEqual(self._verdict(response), "unreadable")
        # a PDF without any signature
        self.assertEqual(self._verdict(self._upload(make_pdf())), "no_signature")

    def test_page_rewritten_by_incremental_update(self):
        """A page replaced in an incremental update after the signature: the signed
        revision is intact and trusted, but pyhanko's revision analysis finds a
        change that is not signature maintenance."""
        forged = rewrite_first_page(self.pdf)
        with pades.quiet_validation():
            report = pades.validate_pdf(forged, [self.pki.root.cert_der])
        self.assertTrue(report.signatures[0].intact)
        self.assertEqual(report.signatures[0].modification, "OTHER")
        response = self._upload(forged)
        self.assertEqual(self._verdict(response), "modified")
        self.assertIn('data-valid="0"', response.text)
        self.assertIn("Modified after signing", response.text)
        self.assertNotIn("Intact and trusted", response.text)

    def test_untrusted_root_with_the_same_name(self):
        """A root of the same name as our test CA, but another key."""
        impostor = TestPKI(crl_url=self.services.crl_url)
        self.assertEqual(impostor.root.cert.subject, self.pki.root.cert.subject)
        pdf = self._sign_outside(impostor.issue("Mohamed Ben Ali"))
        # count what the page asks the CRL server the certificate names
        calls = []
        provider = self.services.crl_provider
        self.services.crl_provider = lambda: calls.append(1) or provider()
        self.addCleanup(setattr, self.services, "crl_provider", provider)
        response = self._upload(pdf)
        self.assertEqual(self._verdict(response), "untrusted")
        self.assertIn("Untrusted signer", response.text)
        # a certificate that does not chain up to our anchors makes the server
        # fetch nothing: an uploaded file does not choose the addresses we call
        self.assertFalse(calls)

    def test_revoked_certificate_without_embedded_data(self):
        """Revoked before signing, signed without embedded revocation data: the page
        fetches the CRL from the certificate's distribution point (the local CRL
        server) and finds the revocation."""
        issued = self.pki.issue("Revoked Signer")
        self.pki.revoke(issued.cert)
        pdf = self._sign_outside(issued)
        with pades.quiet_validation():
            self.assertFalse(
                pades.validate_pdf(pdf, [self.pki.root.cert_der]).signatures[0].has_dss
            )
        response = self._upload(pdf)
        self.assertEqual(self._verdict(response), "revoked")
        self.assertIn("Revoked at signing time", response.text)
        self.assertIn("Revoked Signer", response.text)

    def test_revocation_fetched_else_not_checked(self):
        """No embedded revocation data: fetched when the CRL server answers, "could
        not be checked" (never "valid") when it does not."""
        pdf = self._sign_outside(self.pki.issue("Outside Signer"))
        # trusted, revocation fetched, but not an answer signed by e-Mowaten
        self.assertEqual(self._verdict(self._upload(pdf)), "not_emowaten")
        provider = self.services.crl_provider
        self.services.crl_provider = None
        self.addCleanup(setattr, self.services, "crl_provider", provider)
        response = self._upload(pdf)
        self.assertEqual(self._verdict(response), "not_checked")
        self.assertIn('data-valid="0"', response.text)
        self.assertIn("could not be checked", response.text)
        # the signed answer itself carries its revocation data: still valid
        self.assertEqual(self._verdict(self._upload(self.pdf)), "valid")

    def test_signer_shown_not_the_issuer(self):
        response = self.url_open(f"/emowaten/verify/{self.token}")
        self.assertIn("Mohamed Ben Ali", response.text)
        self.assertRegex(response.text, "Signer(&#39;|')s certificate")
        self.assertIn(self.cert_rsa.serial, response.text)
        # the signer's subject, in its own cell, as its values (no English
        # attribute labels on an Arabic page); the issuer on its own line
        self.assertIn("Mohamed Ben Ali — e-Mowaten TEST — TN", response.text)
        self.assertNotIn("Common Name", response.text)
        self.assertIn("Issued by:", response.text)

    def test_bad_upload_is_a_4xx_page(self):
        self.authenticate(None, None)
        page = self.url_open("/emowaten/verify")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open("/emowaten/verify/upload", data={"csrf_token": csrf})
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choose the PDF file to verify", response.text)
        with patch.object(controllers, "MAX_UPLOAD", 100):
            response = self._upload(self.pdf)
        self.assertEqual(response.status_code, 413)
        self.assertIn("The file is too large", response.text)

    def test_agent_over_http(self):
        """The real agent talks to the server over HTTP with the job's URL."""
        self.cert_rsa.flow = "workstation"
        answer = self._answer()
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        job, _refused = service._emowaten_prepare_job(
            answer, self.cert_rsa.with_user(self.user_sign)
        )
        env = dict(self.token_env(), EMOWATEN_TEST_PIN=PIN)
        # an outside process has no test-cursor cookie: let the test server accept it
        with self.allow_requests(all_requests=True):
            proc = self._agent(job, env)
        self.assertEqual(proc.returncode, 0, proc.stdout + proc.stderr)
        self.env.invalidate_all()
        self.assertEqual(answer.state, "sent")
        self.assertValidPades(base64.b64decode(answer.signed_attachment_id.datas))
        # the job is closed: replay is refused
        response = self.url_open(job.agent_url)
        self.assertEqual(response.status_code, 410)
        self.assertEqual(json.loads(response.text)["error"], "job_closed")

    def _agent(self, job, env):
        return subprocess.run(
            [
                sys.executable,
                AGENT,
                "--url",
                job.agent_url,
                "--module",
                SOFTHSM_LIB,
                "--token-label",
                "emowaten-test",
                "--key-label",
                "sig-rsa",
                "--pin-env",
                "EMOWATEN_TEST_PIN",
            ],
            capture_output=True,
            text=True,
            env=env,
            timeout=120,
            check=False,
        )

    def token_env(self):
        from .common import shared  # noqa: PLC0415

        return shared()["token"].env

    def test_verdicts_translated(self):
        """The verdicts and the error pages in Arabic and French."""
        for code in ("ar_001", "fr_FR"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_signature"], ["ar_001", "fr_FR"], overwrite=True
        )
        response = self.url_open(f"/fr/emowaten/verify/{self.token}")
        self.assertIn("Signature valide.", response.text)
        self.assertIn("Certificat du signataire", response.text)
        response = self.url_open(f"/ar/emowaten/verify/{self.token}")
        self.assertIn("إمضاء صحيح.", response.text)
        self.authenticate(None, None)
        page = self.url_open("/fr/emowaten/verify")
        csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        response = self.url_open(
            "/fr/emowaten/verify/upload", data={"csrf_token": csrf}
        )
        self.assertEqual(response.status_code, 400)
        self.assertIn("Choisissez le fichier PDF à vérifier.", response.text)
