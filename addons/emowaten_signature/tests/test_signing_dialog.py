"""The signing dialog: which certificates it offers and why the others are not,
its token messages, the note about runs that ran out of time, and a signatory of
another body."""

import base64
import datetime
from unittest.mock import patch

from pkcs11 import exceptions as p11_exc

from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import new_test_user, tagged
from odoo.tools.safe_eval import safe_eval

from ..tools import pades
from ..tools.testpki import TestPKI
from .common import PIN, EmowatenSignatureCase, make_pdf

# the note of a run that ran out of time, in English
TIME_LIMIT_TEXT = "time limit"


@tagged("post_install", "-at_install")
class TestSigningDialog(EmowatenSignatureCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        # like the demo's signataire.sante: signs for a ministry, not for Sigville
        cls.health = env["emowaten.body"].create(
            {
                "name": "Ministry of Health of Sigville",
                "name_ar": "وزارة الصحة",
                "code": "SIG-MIN-HEALTH",
                "body_type": "ministry",
            }
        )
        cls.health_office = env["emowaten.office"].create(
            {
                "name": "Citizen Relations Office of the Ministry of Health",
                "code": "SIG-BRC-HEALTH",
                "reference_prefix": "SAN",
                "kind": "ministry",
                "body_id": cls.health.id,
                "member_ids": [Command.create({"user_id": cls.user_agent.id})],
            }
        )
        cls.user_health = new_test_user(
            env,
            "sig_sante",
            groups="emowaten_base.group_emowaten_signatory",
            name="Faouzi Mahjoub",
        )
        env["emowaten.signature.authority"].create(
            {
                "user_id": cls.user_health.id,
                "body_id": cls.health.id,
                "kind": "titular",
                "date_from": datetime.date.today() - datetime.timedelta(days=30),
            }
        )
        cls.cert_health = cls._token_certificate("sig-rsa", b"\x01", cls.user_health)

    def _wizard(self, answers, user=None):
        user = user or self.user_sign
        action = answers.with_user(user).action_emowaten_sign()
        return (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(user)
            .browse(action["res_id"])
        )

    def _offered(self, wizard):
        """The certificates the dialog's selection offers (its field's domain)."""
        domain = safe_eval(
            wizard._fields["certificate_id"].domain,
            {
                "uid": wizard.env.uid,
                "usable_certificate_ids": wizard.usable_certificate_ids.ids,
            },
        )
        return wizard.env["emowaten.signature.certificate"].search(domain)

    def _health_answer(self):
        """An answer of the ministry's office, awaiting signature."""
        request = self.env["emowaten.request"].create(
            {
                "office_id": self.health_office.id,
                "type_id": self.type_petition.id,
                "partner_id": self.citizen.id,
                "subject": "طلب",
                "description": "طلب",
                "channel": "counter",
                "state": "registered",
            }
        )
        answer = self.env["emowaten.answer"].create(
            {"request_id": request.id, "kind": "favourable", "body_html": "<p>نعم</p>"}
        )
        answer.write({"state": "to_sign"})
        pdf = make_pdf()
        answer._emowaten_store_letter(pdf)
        answer.write(
            {
                "emowaten_letter_sha256": pades.sha256_hex(pdf),
                "emowaten_content_sha256": answer._emowaten_content_hash(),
            }
        )
        self.assertEqual(answer.body_id, self.health)
        return answer

    # ------------------------------------------------------- certificates
    def test_only_usable_certificates_offered(self):
        """Expired, revoked, untrusted and unchecked certificates are not offered;
        each is listed with the reason, the expiry with its date."""
        now = self._now()
        expired, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=800),
            not_after=now - datetime.timedelta(days=3),
        )
        expired.name = "Old ID-Trust"
        revoked, issued = self._pki_certificate(self.user_sign)
        self.pki.revoke(issued.cert)
        revoked._emowaten_check()
        revoked.name = "Revoked ID-Trust"
        untrusted = self.env["emowaten.signature.certificate"].create(
            {
                "user_id": self.user_sign.id,
                "cert_file": base64.b64encode(TestPKI().issue("Someone").cert_der),
            }
        )
        untrusted.name = "Stranger ID"
        self.assertEqual(
            (expired.state, revoked.state, untrusted.state),
            ("expired", "revoked", "untrusted"),
        )
        answer = self._answer()
        wizard = self._wizard(answer)
        self.assertEqual(wizard.certificate_id, self.cert_rsa)
        self.assertTrue(wizard.has_usable_certificate)
        self.assertEqual(self._offered(wizard), self.cert_rsa)
        notes = wizard.certificate_notes_html
        self.assertIn("Certificates you cannot sign with", notes)
        self.assertIn(
            "Old ID-Trust expired on {}".format(expired.not_after.strftime("%m/%d/%Y")),
            notes,
        )
        self.assertIn("Revoked ID-Trust has been revoked", notes)
        self.assertIn("Stranger ID does not chain up", notes)
        self.assertNotIn(self.cert_rsa.name, notes)

    def test_no_usable_certificate(self):
        now = self._now()
        self.cert_rsa.active = False
        self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=800),
            not_after=now - datetime.timedelta(days=1),
        )
        wizard = self._wizard(self._answer())
        self.assertFalse(wizard.certificate_id)
        self.assertFalse(wizard.has_usable_certificate)
        self.assertFalse(self._offered(wizard))
        self.assertIn(
            "You have no certificate you can sign with", wizard.certificate_notes_html
        )
        self.assertIn("expired on", wizard.certificate_notes_html)

    # ----------------------------------------- refusals and the time-limit note
    def _sign_batch(self, certificate, secret=PIN, count=2):
        answers = self.env["emowaten.answer"]
        for _i in range(count):
            answers |= self._answer()
        wizard = self._wizard(answers)
        # the refused certificates are not offered, but a dialog left open (or a
        # client) may still send one
        wizard.write({"certificate_id": certificate.id, "pin": secret})
        wizard.action_sign()
        self.assertFalse(wizard.done)
        self.assertEqual(wizard.remaining_ids, answers)
        self.assertEqual(set(answers.mapped("state")), {"to_sign"})
        return wizard

    def test_refusals_say_nothing_of_the_time_limit(self):
        """Expired, revoked, wrong PIN: the refusal and "none was lost", never the
        note about a run that ran out of time."""
        now = self._now()
        expired, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=800),
            not_after=now - datetime.timedelta(days=1),
        )
        revoked, issued = self._pki_certificate(self.user_sign)
        self.pki.revoke(issued.cert)
        for certificate, secret, text in (
            (expired, "secret", "has expired"),
            (revoked, "secret", "has been revoked"),
            (self.cert_rsa, "0000", "Wrong PIN"),
        ):
            with self.subTest(text=text):
                wizard = self._sign_batch(certificate, secret)
                self.assertIn(text, wizard.result_html)
                self.assertIn("none was lost", wizard.result_html)
                self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
                self.assertNotIn("Enter your PIN again", wizard.result_html)

    def test_time_limit_note_when_the_run_ran_out(self):
        """The note is there for what it describes: a run that stopped starting
        answers because its time was spent."""
        self.env["ir.config_parameter"].set_param("emowaten_signature.run_seconds", "0")
        answers = self._answer() | self._answer()
        wizard = self._wizard(answers)
        wizard.write({"certificate_id": self.cert_rsa.id, "pin": PIN})
        wizard.action_sign()
        self.assertEqual(wizard.signed_count, 1)
        self.assertIn(TIME_LIMIT_TEXT, wizard.result_html)
        # then a wrong PIN for the rest: the refusal, not the note
        wizard.pin = "0000"
        wizard.action_sign()
        self.assertIn("Wrong PIN", wizard.result_html)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
        wizard.pin = PIN
        wizard.action_sign()
        self.assertTrue(wizard.done)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)

    # ------------------------------------------------------ token messages
    def test_locked_pin_message(self):
        """SoftHSM2 never locks a PIN: the token's answer is simulated."""

        class LockedToken:
            def open(self, **kw):
                raise p11_exc.PinLocked()

        answer = self._answer()
        wizard = self._wizard(answer)
        wizard.pin = PIN
        with patch.object(pades, "find_token", return_value=LockedToken()):
            wizard.action_sign()
        self.assertIn("is locked after too many wrong entries", wizard.result_html)
        self.assertIn(self.token.label, wizard.result_html)
        self.assertNotIn(TIME_LIMIT_TEXT, wizard.result_html)
        self.assertTrue(self._refusals(answer, "pin_locked"))

    def test_workstation_token_errors_reported_by_the_agent(self):
        """What an agent reports is told as happening on the signatory's computer."""
        self.cert_rsa.flow = "workstation"
        service = self.env["emowaten.signature.service"].with_user(self.user_sign)
        for code, text in (
            ("token_absent", "no token plugged into your computer"),
            ("bad_pin", "Wrong PIN: the token on your computer"),
            ("pin_locked", "is locked after too many wrong entries"),
            ("token_library", "could not load the token software"),
        ):
            with self.subTest(code=code):
                answer = self._answer()
                job, _refused = service._emowaten_prepare_job(
                    answer, self.cert_rsa.with_user(self.user_sign)
                )
                result = job._emowaten_submit({"error": code, "detail": "x"})
                self.assertFalse(result["ok"])
                self.assertIn(text, result["message"])
                self.assertTrue(self._refusals(answer, code))
                self.assertEqual(job.state, "failed")

    # ------------------------------------------- a signatory of another body
    def test_signatory_of_another_body(self):
        """signataire.sante opens Sigville's answer (which he cannot even read):
        told he does not sign for that body, not given an access error."""
        answer = self._answer()
        with self.assertRaises(AccessError):
            answer.with_user(self.user_health).request_id.name  # noqa: B018
        with self.assertRaises(UserError) as caught:
            answer.with_user(self.user_health).action_emowaten_sign()
        self.assertNotIsInstance(caught.exception, AccessError)
        self.assertIn(
            "You are not an authorised signatory of Governorate of Sigville",
            str(caught.exception),
        )
        # a dialog that holds it anyway (opened when he could sign it, say): the
        # refusal, in the dialog
        wizard = (
            self.env["emowaten.signature.sign.wizard"]
            .with_user(self.user_health)
            .create({"certificate_id": self.cert_health.id, "pin": PIN})
        )
        wizard.sudo().answer_ids = answer
        wizard.action_sign()
        self.assertIn(
            "is not an authorised signatory of Governorate", wizard.result_html
        )
        self.assertEqual(answer.state, "to_sign")
        self.assertTrue(self._refusals(answer, "not_authorised"))
        # the workstation flow says the same
        self.cert_health.flow = "workstation"
        wizard.write({"done": False, "runs": 0})
        wizard.action_sign()
        self.assertIn(
            "is not an authorised signatory of Governorate", wizard.result_html
        )

    def test_selection_with_another_body(self):
        """A selection mixing both bodies: his body's answer is offered, the other
        left out and said why."""
        mine = self._health_answer()
        other = self._answer()
        wizard = self._wizard(mine | other, user=self.user_health)
        self.assertEqual(wizard.answer_ids, mine)
        self.assertIn("1 answer(s) were left out", wizard.left_out_html)
        self.assertIn("Governorate of Sigville", wizard.left_out_html)
        wizard.pin = PIN
        wizard.action_sign()
        self.assertTrue(wizard.done, wizard.result_html)
        self.assertEqual(mine.state, "sent")
        self.assertEqual(other.state, "to_sign")

    def test_not_authorised_message_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_signature"], ["fr_FR"], overwrite=True
        )
        self.user_health.lang = "fr_FR"
        answer = self._answer()
        with self.assertRaises(UserError) as caught:
            answer.with_user(self.user_health).with_context(
                lang="fr_FR"
            ).action_emowaten_sign()
        self.assertIn(
            "Vous n'êtes pas signataire habilité de Governorate of Sigville",
            str(caught.exception),
        )
        # and the reasons of the certificates that cannot sign
        self.user_sign.lang = "fr_FR"
        now = self._now()
        expired, _issued = self._pki_certificate(
            self.user_sign,
            not_before=now - datetime.timedelta(days=800),
            not_after=now - datetime.timedelta(days=1),
        )
        wizard = self._wizard(self._answer()).with_context(lang="fr_FR")
        self.assertIn(
            f"{expired.name} a expiré le {expired.not_after.strftime('%d/%m/%Y')}",
            wizard.certificate_notes_html,
        )
        self.assertIn(
            "Certificats avec lesquels vous ne pouvez pas signer",
            wizard.certificate_notes_html,
        )
