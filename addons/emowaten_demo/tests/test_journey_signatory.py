"""The signatory's journey on the demo database, in Arabic and in French.

The demo signatory of the Governorate of Tunis (``signataire.tunis``) opens the answers
waiting for their signature, tries a wrong PIN first (clear message, the answer still
waits), then signs with the demo key and PIN; the citizen's e-mail carrying the signed
letter is queued.
"""

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools.translate import code_translations

from .journey_common_cs import JourneyCase

SIGNATORY_LOGIN = "signataire.tunis"
# the PIN of the demo SoftHSM2 token, or the passphrase of the demo PKCS#12 files
# (emowaten_signature's README, "Demo")
DEMO_PINS = {"server_pkcs11": "1234", "pkcs12": "emowaten"}
WRONG_PIN = "999999"


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestJourneySignatory(JourneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.signatory = env["res.users"].search(
            [("login", "=", SIGNATORY_LOGIN)], limit=1
        )
        if not cls.signatory:
            raise AssertionError("the demo signatory signataire.tunis is missing")
        Wizard = env["emowaten.signature.sign.wizard"].with_user(cls.signatory)
        try:
            action = Wizard.action_open_pending()
            wizard = Wizard.browse(action["res_id"])
            cls.pending = wizard.answer_ids.sudo()
        except UserError:
            # nothing waits for the signatory in the demo data
            wizard = Wizard._emowaten_open(env["emowaten.answer"])
            wizard = Wizard.browse(wizard["res_id"])
            cls.pending = env["emowaten.answer"]
        cls.certificate = wizard.certificate_id.sudo()
        wizard.unlink()
        # the answer the journey signs: a waiting one whose citizen has an e-mail
        # address, so that the e-mail with the signed letter can be checked
        cls.answer = cls.pending.filtered(lambda a: a.request_id.partner_id.email)[:1]
        if not cls.answer:
            cls.answer = cls._make_pending_answer()
        cls.pin = DEMO_PINS.get(cls.certificate.flow, "")

    @classmethod
    def _make_pending_answer(cls):
        """A favourable answer awaiting signature at the Tunis office, for demo data
        that has none with a citizen's e-mail."""
        env = cls.env
        office = env["emowaten.office"].search(
            [("body_id", "=", env.ref("emowaten_base.emowaten_body_gov_11").id)],
            limit=1,
        )
        citizen = env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "Youssef Gharbi",
                "emowaten_cin": "08123456",
                "email": "youssef.gharbi@example.tn",
            }
        )
        request = (
            env["emowaten.request"]
            .with_context(mail_create_nolog=True)
            .create(
                {
                    "office_id": office.id,
                    "type_id": env.ref("emowaten_petitions.request_type_petition").id,
                    "partner_id": citizen.id,
                    "channel": "counter",
                    "subject": "Journey: favourable answer to sign",
                    "description": "Request of the signatory journey.",
                    "state_id": office.state_id.id,
                    "state": "registered",
                }
            )
        )
        request.action_start_study()
        answer = env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "favourable",
                "lang": "ar",
                "body_html": "<p>نعلمكم بقبول مطلبكم.</p>",
            }
        )
        answer.action_submit()
        return answer

    def _signatory_journey(self, lang):
        self.signatory.lang = lang
        answer = self.answer
        others = self.pending - answer
        cookies = {
            "emowaten_journey_ref": answer.request_id.name,
            "emowaten_journey_pin": self.pin,
            "emowaten_journey_wrong_pin": WRONG_PIN,
            "emowaten_journey_lang": lang[:2],
        }
        mails_before = self.env["mail.mail"].sudo().search([])
        duration = self.run_journey(
            "/odoo",
            "emowaten_demo_signatory_tour",
            f"journey_signatory_{lang}",
            login=SIGNATORY_LOGIN,
            cookies=cookies,
        )

        with self.checking_after_tour():
            answer.invalidate_recordset()
            self.assertEqual(answer.state, "sent", "the answer was signed and sent")
            self.assertTrue(answer.signed_attachment_id, "the signed letter is stored")
            self.assertEqual(answer.signatory_id, self.signatory)
            self.assertEqual(answer.signed_attachment_id.mimetype, "application/pdf")
            logs = answer.emowaten_signature_log_ids
            self.assertIn("signed", logs.mapped("event"))
            self.assertIn("refused", logs.mapped("event"), "the wrong PIN is audited")
            # the wrong PIN refused the run and lost nothing
            self.assertTrue(
                all(a.state == "to_sign" for a in others),
                "the other waiting answers were not touched",
            )
            mails = self.env["mail.mail"].sudo().search([]) - mails_before
            to_citizen = mails.filtered(
                lambda m: m.model == "emowaten.request"
                and m.res_id == answer.request_id.id
                and answer.signed_attachment_id in m.attachment_ids
            )
            self.assertTrue(
                to_citizen, "the citizen's e-mail with the signed letter is queued"
            )
            citizen = answer.request_id.partner_id
            self.assertIn(citizen, to_citizen.recipient_ids)
            # the citizen reads the e-mail in their own language, whatever the
            # signatory's
            source = "Answer to your request %s"
            translated = code_translations.get_python_translations(
                "emowaten_petitions", citizen.lang
            ).get(source, source)
            self.assertEqual(
                to_citizen[:1].subject,
                translated % answer.request_id.name,
                f"the e-mail to a citizen whose language is {citizen.lang} is written "
                f"in it, not in the signatory's ({lang})",
            )
        return duration

    def test_signatory_journey_arabic(self):
        self._signatory_journey("ar_001")

    def test_signatory_journey_french(self):
        self._signatory_journey("fr_FR")
