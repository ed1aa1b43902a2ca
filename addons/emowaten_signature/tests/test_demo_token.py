"""The demo database's SoftHSM2 token (made by the demo data) and the messages the
signing dialog gives when a token cannot sign. Real SoftHSM2 tokens in temporary
directories; the process's SoftHSM configuration is put back after each class."""

import base64
import datetime
import os
import shutil
import tempfile
import time

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from ..models.emowaten_signature_certificate import (
    DEMO_CA_NAME,
    DEMO_TOKEN_LABEL,
    DEMO_USER_PIN,
    SIGNING_STATES,
)
from ..tools import pades, softhsm
from .common import EmowatenSignatureCase

TIME_LIMIT_TEXT = "time limit"


class DemoTokenCase(EmowatenSignatureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.user_demo = new_test_user(
            env,
            "sig_demo",
            groups="emowaten_base.group_emowaten_signatory",
            name="سلمى الحامدي — Salma Hamdi",
        )
        env["emowaten.signature.authority"].create(
            {
                "user_id": cls.user_demo.id,
                "body_id": cls.body.id,
                "kind": "titular",
                "date_from": datetime.date.today() - datetime.timedelta(days=30),
                "function_ar": "والي سيغفيل",
                "function_fr": "Gouverneur de Sigville",
            }
        )
        cls.citizen.email = "amira.bensalah@example.tn"
        cls.token_root = tempfile.mkdtemp(prefix="emowaten-demo-token-")
        # the process's SoftHSM goes back to the shared test token afterwards
        cls.addClassCleanup(softhsm.use_conf, softhsm.SOFTHSM_LIB, cls.token.conf)
        cls.addClassCleanup(shutil.rmtree, cls.token_root, True)
        Certificate = env["emowaten.signature.certificate"]
        started = time.monotonic()
        Certificate._emowaten_demo_token_certificates(
            cls.user_demo.ids, root=cls.token_root
        )
        cls.setup_seconds = time.monotonic() - started
        cls.cert_demo = Certificate.search([("user_id", "=", cls.user_demo.id)])
        cls.demo_anchor = env["emowaten.signature.trust.anchor"].search(
            [("name", "=", DEMO_CA_NAME)]
        )

    def _wizard(self, answers, lang="en_US"):
        action = answers.with_user(self.user_demo).action_emowaten_sign()
        return (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_demo)
            .with_context(lang=lang)
            .browse(action["res_id"])
        )

    def _demo_valid(self, pdf):
        with pades.quiet_validation():
            # the trust anchors: the demo's test CA (the signer) and the test
            # time-stamping authority's
            report = pades.validate_pdf(
                pdf,
                self.env["emowaten.signature.trust.anchor"]._emowaten_certificates(),
            )
        self.assertTrue(report.valid, report.error)
        return report


@tagged("post_install", "-at_install")
class TestDemoToken(DemoTokenCase):
    def test_setup_on_fresh_database(self):
        """The demo set-up makes a token under the given directory, a test anchor
        and a server PKCS#11 certificate read back from the token; run again, it
        reuses all of them."""
        conf = os.path.join(self.token_root, "softhsm2.conf")
        self.assertTrue(os.path.isfile(conf))
        self.assertEqual(
            self.env["ir.config_parameter"].get_param(
                "emowaten_signature.softhsm2_conf"
            ),
            conf,
        )
        self.assertEqual(len(self.demo_anchor), 1)
        self.assertTrue(self.demo_anchor.is_test)
        self.assertEqual(len(self.cert_demo), 1)
        self.assertEqual(self.cert_demo.flow, "server_pkcs11")
        self.assertEqual(self.cert_demo.token_label, DEMO_TOKEN_LABEL)
        self.assertIn(self.cert_demo.state, SIGNING_STATES)
        self.assertEqual(self.cert_demo.anchor_id, self.demo_anchor)
        self.assertEqual(self.cert_demo.signer_name_ar, "سلمى الحامدي")
        fingerprint = self.cert_demo.fingerprint
        self.env["emowaten.signature.certificate"]._emowaten_demo_token_certificates(
            self.user_demo.ids, root=self.token_root
        )
        self.assertEqual(
            self.env["emowaten.signature.certificate"].search(
                [("user_id", "=", self.user_demo.id)]
            ),
            self.cert_demo,
        )
        self.assertEqual(
            self.env["emowaten.signature.trust.anchor"].search_count(
                [("name", "=", DEMO_CA_NAME)]
            ),
            1,
        )
        self.assertEqual(self.cert_demo.fingerprint, fingerprint)
        self.assertLess(self.setup_seconds, 30)

    def test_wizard_signs_with_demo_token(self):
        """The signatory opens the dialog on an answer: the token certificate is
        proposed, the demo PIN signs, the PAdES PDF validates against the test CA
        and the citizen's e-mail with the signed letter is queued."""
        answer = self._answer()
        wizard = self._wizard(answer)
        self.assertEqual(wizard.certificate_id, self.cert_demo)
        self.assertEqual(wizard.flow, "server_pkcs11")
        wizard.pin = DEMO_USER_PIN
        started = time.monotonic()
        wizard.action_sign()
        elapsed = time.monotonic() - started
        self.assertTrue(wizard.done, wizard.result_html)
        self.assertIn("1 answer(s) signed and sent", wizard.result_html)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
        self.assertEqual(answer.state, "sent")
        self.assertEqual(answer.signatory_id, self.user_demo)
        report = self._demo_valid(self._signed_pdf(answer))
        self.assertTrue(report.signatures[-1].intact)
        self.assertEqual(report.signatures[-1].signer_name, "Salma Hamdi")
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.citizen.ids)], order="id desc", limit=1
        )
        self.assertTrue(mail, "the citizen's e-mail is queued")
        self.assertEqual(mail.state, "outgoing")
        self.assertIn(answer.signed_attachment_id, mail.attachment_ids)
        self.assertLess(elapsed, 30)

    def test_citizen_mail_in_citizen_language(self):
        """The e-mail with the signed letter is in the citizen's language, whatever
        the signatory's."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["fr_FR"], overwrite=True
        )
        self.citizen.lang = "fr_FR"
        answer = self._answer()
        wizard = self._wizard(answer, lang="en_US")
        wizard.pin = DEMO_USER_PIN
        wizard.action_sign()
        self.assertEqual(answer.state, "sent")
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", self.citizen.ids)], order="id desc", limit=1
        )
        self.assertEqual(
            mail.subject, f"Réponse à votre demande {answer.request_id.name}"
        )
        self.assertIn("signed", wizard.result_html, "the dialog stays in English")

    def test_wrong_pin_loses_nothing(self):
        """A wrong PIN refuses the run with the PIN message only (no word of a time
        limit), keeps the answers waiting in the dialog, and the right PIN then
        signs them."""
        answers = self._answer() | self._answer()
        wizard = self._wizard(answers)
        wizard.pin = "0000"
        wizard.action_sign()
        self.assertFalse(wizard.done)
        self.assertIn("Wrong PIN", wizard.result_html)
        self.assertIn("none was lost", wizard.result_html)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
        self.assertEqual(wizard.remaining_ids, answers)
        self.assertEqual(set(answers.mapped("state")), {"to_sign"})
        self.assertEqual(len(self._refusals(answers[0], "bad_pin")), 1)
        wizard.pin = DEMO_USER_PIN
        wizard.action_sign()
        self.assertTrue(wizard.done)
        self.assertEqual(set(answers.mapped("state")), {"sent"})
        self.assertNotIn("Wrong PIN", wizard.result_html)

    def test_wrong_pin_message_translated(self):
        """The token messages come in the signatory's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_signature"], ["fr_FR"], overwrite=True
        )
        self.user_demo.lang = "fr_FR"
        answer = self._answer()
        wizard = self._wizard(answer, lang="fr_FR")
        wizard.pin = "0000"
        wizard.action_sign()
        self.assertIn("Code PIN", wizard.result_html)
        self.assertNotIn("Wrong PIN", wizard.result_html)
        self.assertEqual(answer.state, "to_sign")


@tagged("post_install", "-at_install")
class TestTokenMessages(DemoTokenCase):
    def _refused_with(self, code, text):
        answer = self._answer()
        wizard = self._wizard(answer)
        wizard.pin = DEMO_USER_PIN
        wizard.action_sign()
        self.assertFalse(wizard.done)
        self.assertIn(text, wizard.result_html)
        self.assertNotIn("TokenCriteria", wizard.result_html)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
        self.assertEqual(answer.state, "to_sign")
        self.assertEqual(wizard.remaining_ids, answer)
        self.assertEqual(len(self._refusals(answer, code)), 1)
        return wizard

    def test_token_label_not_found(self):
        self.cert_demo.token_label = "agent-usb-token"
        wizard = self._refused_with("token_not_found", "agent-usb-token")
        self.assertIn(DEMO_TOKEN_LABEL, wizard.result_html, "the tokens found")

    def test_no_token_connected(self):
        empty = tempfile.mkdtemp(prefix="emowaten-no-token-")
        self.addCleanup(shutil.rmtree, empty, True)
        self.env["ir.config_parameter"].set_param(
            "emowaten_signature.softhsm2_conf", softhsm.write_conf(empty)
        )
        self._refused_with("token_absent", "No signing token is connected")

    def test_library_missing(self):
        self.cert_demo.pkcs11_module = "/usr/lib/nowhere/libtoken-pkcs11.so"
        self._refused_with("token_library", "/usr/lib/nowhere/libtoken-pkcs11.so")

    def test_key_not_on_token(self):
        self.cert_demo.key_label = "sig-someone-else"
        self._refused_with("key_not_found", "sig-someone-else")

    def test_demo_answers_to_sign(self):
        """The demo's answers waiting for a signature are made through the business
        flow: requests awaiting signature, favourable answers the signatory can
        open with their request; made again, none is added."""
        Answer = self.env["emowaten.answer"]
        answers = Answer._emowaten_demo_to_sign(self.office.ids)
        self.assertEqual(len(answers), 3)
        self.assertEqual(set(answers.mapped("state")), {"to_sign"})
        self.assertEqual(set(answers.mapped("kind")), {"favourable"})
        self.assertEqual(set(answers.request_id.mapped("state")), {"to_sign"})
        self.assertFalse(Answer._emowaten_demo_to_sign(self.office.ids))
        as_signatory = answers.with_user(self.user_demo)
        self.assertTrue(all(as_signatory.mapped("request_id.name")))
        wizard = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_demo)
            .browse(
                self.env["emowaten.signature.sign.wizard"]
                .with_user(self.user_demo)
                .action_open_pending()["res_id"]
            )
        )
        self.assertTrue(answers <= wizard.answer_ids)
        self.assertEqual(wizard.certificate_id, self.cert_demo)

    def test_demo_answer_signed_with_its_letter(self):
        """A demo answer's letter is rendered when it is signed, as a real PDF even
        in test mode (where Odoo renders reports as HTML), and signed."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["res.lang"]._activate_lang("ar_001")
        # the letter embeds its own style: keep wkhtmltopdf away from the test HTTP
        # server, which waits for this test's transaction
        self.env["ir.config_parameter"].set_param("report.url", "http://127.0.0.1:9")
        answer = self.env["emowaten.answer"]._emowaten_demo_to_sign(
            self.office.ids, per_office=1
        )
        self.assertFalse(answer.letter_attachment_id, "rendered when signed")
        wizard = self._wizard(answer)
        wizard.pin = DEMO_USER_PIN
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            wizard.action_sign()
        self.assertTrue(wizard.done, wizard.result_html)
        self.assertEqual(answer.state, "sent")
        self.assertTrue(
            base64.b64decode(answer.letter_attachment_id.datas).startswith(b"%PDF")
        )
        self._demo_valid(self._signed_pdf(answer))
