import base64
import json
import subprocess
import sys

from odoo.tests import HttpCase, tagged

from ..tools.softhsm import SOFTHSM_LIB
from .common import PIN, EmowatenSignatureCase
from .test_signing_flows import AGENT


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

    def test_upload_intact_and_tampered(self):
        response = self._upload(self.pdf)
        self.assertIn('data-valid="1"', response.text)
        self.assertIn(self.answer.request_id.name, response.text)
        # one byte changed inside the signed range
        pos = self.pdf.find(b"/Type /Page")
        tampered = self.pdf[:pos] + b"/Type /Pagf" + self.pdf[pos + 11 :]
        self.assertIn('data-valid="0"', self._upload(tampered).text)
        # truncated file
        self.assertIn(
            'data-valid="0"', self._upload(self.pdf[: len(self.pdf) // 2]).text
        )
        # not a PDF at all
        self.assertIn('data-valid="0"', self._upload(b"hello").text)

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
