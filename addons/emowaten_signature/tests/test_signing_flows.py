import base64
import json
import os
import subprocess
import sys
import tempfile

from odoo.exceptions import UserError
from odoo.tests import Form, tagged
from odoo.tools import mute_logger

from ..tools import pades
from ..tools.softhsm import SOFTHSM_LIB
from .common import PIN, EmowatenSignatureCase

# the agent's package, run as a path (python .../emowaten_sign_agent)
AGENT = os.path.join(
    os.path.dirname(os.path.dirname(__file__)), "agent", "emowaten_sign_agent"
)


@tagged("post_install", "-at_install")
class TestSigningFlows(EmowatenSignatureCase):
    def test_flow_server_pkcs11_b_lt(self):
        """Flow a: the key stays on the server's token; B-LTA (time-stamp, CRL in
        DSS, document time-stamp)."""
        answer = self._answer()
        result = self._sign(answer, self.cert_rsa)
        self.assertFalse(result["refused"])
        self.assertEqual(answer.state, "sent")
        self.assertEqual(answer.signatory_id, self.user_sign)
        log = result["logs"]
        self.assertEqual(log.event, "signed")
        self.assertEqual(log.level, "B-LTA")
        self.assertEqual(log.cert_serial, self.cert_rsa.serial)
        pdf = self._signed_pdf(answer)
        self.assertEqual(log.hash_after, pades.sha256_hex(pdf))
        self.assertNotEqual(log.hash_before, log.hash_after)
        report = self.assertValidPades(pdf, level="B-LT")
        self.assertEqual(report.signatures[0].signer_name, self.user_sign.name)
        self.assertTrue(
            answer.emowaten_verification_url.endswith(log.verification_token)
        )

    def test_flow_server_pkcs11_ecdsa_raw(self):
        """ECDSA key through SoftHSM needs the raw mechanism (a certificate setting)."""
        cert = self._token_certificate("sig-ec", b"\x02", self.user_sign, kind="ec")
        self.assertTrue(cert.use_raw_mechanism)
        answer = self._answer()
        result = self._sign(answer, cert)
        self.assertFalse(result["refused"], result["refused"])
        self.assertValidPades(self._signed_pdf(answer), level="B-LT")

    def test_flow_b_b_and_b_t(self):
        """Without a TSA the signature is B-B; with a TSA and no CRL, B-T."""
        self.env["ir.config_parameter"].set_param("emowaten_signature.tsa_url", "")
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.embed_revocation", "0"
        )
        answer = self._answer()
        log = self._sign(answer, self.cert_rsa)["logs"]
        self.assertEqual(log.level, "B-B")
        report = self.assertValidPades(self._signed_pdf(answer))
        self.assertFalse(report.signatures[0].timestamp_time)
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.tsa_url", self.services.tsa_url
        )
        answer2 = self._answer()
        log2 = self._sign(answer2, self.cert_rsa)["logs"]
        self.assertEqual(log2.level, "B-T")
        self.assertValidPades(self._signed_pdf(answer2), level="B-T")

    def test_flow_pkcs12(self):
        """Flow c: PKCS#12 file (development)."""
        cert, _issued = self._pki_certificate(self.user_sign, passphrase="dev-secret")
        self.assertEqual(cert.state, "valid")
        answer = self._answer()
        result = self._sign(answer, cert, secret="dev-secret")
        self.assertFalse(result["refused"], result["refused"])
        self.assertEqual(result["logs"].flow, "pkcs12")
        self.assertValidPades(self._signed_pdf(answer), level="B-LT")

    def _run_agent(self, job, pin=PIN, key_label="sig-rsa"):
        """Run the real workstation agent (separate process, own PKCS#11 session) in
        offline mode on the job the server prepared."""
        with tempfile.TemporaryDirectory() as tmp:
            job_file = os.path.join(tmp, "job.json")
            out_file = os.path.join(tmp, "out.json")
            with open(job_file, "w", encoding="utf-8") as fh:
                json.dump(job._emowaten_payload(), fh)
            env = dict(self.token.env, EMOWATEN_TEST_PIN=pin)
            proc = subprocess.run(
                [
                    sys.executable,
                    AGENT,
                    "--job-file",
                    job_file,
                    "--out",
                    out_file,
                    "--module",
                    SOFTHSM_LIB,
                    "--token-label",
                    self.token.label,
                    "--key-label",
                    key_label,
                    "--pin-env",
                    "EMOWATEN_TEST_PIN",
                ],
                capture_output=True,
                text=True,
                env=env,
                timeout=120,
                check=False,
            )
            with open(out_file, encoding="utf-8") as fh:
                return proc, json.load(fh)

    def test_flow_workstation_agent(self):
        """Flow b: server prepares the digests, the agent signs them with the token in
        another process, the server embeds and verifies."""
        self.cert_rsa.flow = "workstation"
        answers = self._answer() | self._answer()
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        job, refused = service._emowaten_prepare_job(
            answers, self.cert_rsa.with_user(self.user_sign)
        )
        self.assertFalse(refused)
        self.assertEqual(len(job.line_ids), 2)
        self.assertEqual(set(answers.mapped("state")), {"to_sign"})
        proc, payload = self._run_agent(job)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(len(payload["signatures"]), 2)
        result = job._emowaten_submit(payload)
        self.assertTrue(result["ok"], result)
        self.assertEqual(job.state, "done")
        for answer in answers:
            self.assertEqual(answer.state, "sent")
            self.assertValidPades(self._signed_pdf(answer), level="B-LT")
        logs = self.env["emowaten.signature.log"].search([("batch_ref", "=", job.name)])
        self.assertEqual(
            sorted(logs.mapped("event")), ["prepared", "prepared", "signed", "signed"]
        )

    def test_nothing_pending_opens_the_empty_list(self):
        """The signatory's menu answered an error dialog when nothing waited (the
        clickbot reads it as a crash): it opens the empty list and says why."""
        action = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_other)
            .action_open_pending()
        )
        self.assertEqual(action["res_model"], "emowaten.answer")
        self.assertIn("No answer is awaiting your signature.", str(action["help"]))

    def test_batch_one_pin(self):
        """Batch: all pending answers of the signatory in one action, one PIN entry."""
        answers = self._answer() | self._answer() | self._answer(pages=3)
        wizard_action = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_sign)
            .action_open_pending()
        )
        wizard = self.env["emowaten.signature.sign.wizard"].browse(
            wizard_action["res_id"]
        )
        self.assertTrue(answers <= wizard.answer_ids)
        self.assertEqual(wizard.certificate_id.user_id, self.user_sign)
        wizard.write({"certificate_id": self.cert_rsa.id, "pin": PIN})
        wizard.with_user(self.user_sign).action_sign()
        self.assertTrue(wizard.done)
        self.assertFalse(wizard.pin, "the PIN is blanked once used")
        self.assertEqual(set(answers.mapped("state")), {"sent"})
        logs = answers.emowaten_signature_log_ids
        self.assertEqual(len(set(logs.mapped("batch_ref"))), 1)
        for answer in answers:
            self.assertValidPades(self._signed_pdf(answer), level="B-LT")

    def _batch_wizard(self, answers):
        wizard = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_sign)
            .create(
                {
                    "answer_ids": [(6, 0, answers.ids)],
                    "certificate_id": self.cert_rsa.id,
                }
            )
        )
        return wizard

    def test_batch_in_runs(self):
        """A run starts no answer once its time is spent (here: none at all, so one
        answer per run); the rest stays in the wizard, which asks for the PIN again.
        Every run's answers are whole: signed, stored, sent and logged."""
        self.env["ir.config_parameter"].set_param("emowaten_signature.run_seconds", "0")
        answers = self._answer() | self._answer() | self._answer()
        wizard = self._batch_wizard(answers)
        for run in (1, 2, 3):
            wizard.pin = PIN
            wizard.action_sign()
            self.assertFalse(wizard.pin, "the PIN is blanked once used")
            self.assertEqual(wizard.signed_count, run)
            self.assertEqual(len(wizard.remaining_ids), 3 - run)
            self.assertEqual(wizard.done, run == 3)
            signed = answers.filtered(lambda a: a.state == "sent")
            self.assertEqual(len(signed), run)
            self.assertEqual(len(signed.emowaten_signature_log_ids), run)
            self.assertFalse(signed & wizard.remaining_ids)
            if run < 3:
                self.assertIn("still await your signature", wizard.result_html)
        self.assertIn("3 answer(s) signed and sent", wizard.result_html)
        self.assertNotIn("still await", wizard.result_html)
        logs = answers.emowaten_signature_log_ids
        self.assertEqual(len(set(logs.mapped("batch_ref"))), 1, "one batch, 3 runs")
        self.assertTrue(logs[0].batch_ref)
        for answer in answers:
            self.assertValidPades(self._signed_pdf(answer), level="B-LT")
        with self.assertRaises(UserError):
            wizard.action_sign()

    def test_batch_wrong_pin_keeps_the_batch(self):
        """A wrong PIN refuses the run, not the answers: they stay in the wizard and
        the right PIN signs them."""
        answers = self._answer() | self._answer()
        wizard = self._batch_wizard(answers)
        wizard.pin = "0000"
        wizard.action_sign()
        self.assertFalse(wizard.done)
        self.assertEqual(wizard.remaining_ids, answers)
        self.assertIn("Wrong PIN", wizard.result_html)
        self.assertEqual(set(answers.mapped("state")), {"to_sign"})
        wizard.pin = PIN
        wizard.action_sign()
        self.assertTrue(wizard.done)
        self.assertEqual(set(answers.mapped("state")), {"sent"})
        self.assertIn("2 answer(s) signed and sent", wizard.result_html)
        self.assertNotIn("Wrong PIN", wizard.result_html)

    def test_bad_run_length_setting(self):
        """A run length typed by hand as garbage falls back to the default."""
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.run_seconds", "half a minute"
        )
        answers = self._answer() | self._answer()
        wizard = self._batch_wizard(answers)
        wizard.pin = PIN
        wizard.action_sign()
        self.assertTrue(wizard.done)
        self.assertEqual(set(answers.mapped("state")), {"sent"})

    def test_sign_button_and_wizard_form(self):
        """The answer's Sign button opens the wizard; the form (PIN field) drives it."""
        answer = self._answer()
        action = answer.with_user(self.user_sign).action_emowaten_sign()
        wizard = (
            self.env[action["res_model"]]
            .with_user(self.user_sign)
            .browse(action["res_id"])
        )
        self.assertEqual(wizard.answer_ids, answer)
        with Form(wizard) as form:
            form.certificate_id = self.cert_rsa
            form.pin = PIN
        wizard.action_sign()
        self.assertEqual(answer.state, "sent")
        self.assertFalse(wizard.pin)
        self.assertIn("signed", wizard.result_html)

    def test_real_letter_submit_and_sign(self):
        """The real letter (QWeb + wkhtmltopdf) is prepared on submit and signed."""
        # the letterhead prints the office in both languages
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.lang"]._activate_lang("ar_001")
        # the letter embeds its own style: keep wkhtmltopdf away from the test HTTP
        # server, which waits for this test's transaction
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        # Odoo renders reports as HTML in test mode unless forced
        answer = self._answer(prepare=False).with_context(force_report_rendering=True)
        answer.state = "draft"
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            answer.action_submit()
        self.assertEqual(answer.state, "to_sign")
        self.assertTrue(answer.emowaten_letter_sha256)
        letter = base64.b64decode(answer.letter_attachment_id.datas)
        self.assertTrue(letter.startswith(b"%PDF"))
        result = self._sign(answer, self.cert_rsa)
        self.assertFalse(result["refused"], result["refused"])
        self.assertValidPades(self._signed_pdf(answer), level="B-LT")
        # to look at the stamp: EMOWATEN_SIGNATURE_DUMP=/tmp/x.pdf, then pdftoppm -png
        # -r 150
        dump = os.environ.get("EMOWATEN_SIGNATURE_DUMP")
        if dump:
            with open(dump, "wb") as fh:
                fh.write(self._signed_pdf(answer))
