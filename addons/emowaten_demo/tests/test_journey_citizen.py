"""The citizen's journey on the demo database, in Arabic and in French.

A visitor without an account files a request on the public form, reads the receipt,
follows the request with the tracking code, signs in with the demo citizen's portal
account, finds the request among "my requests", writes to the office, adds a document,
and rates an answered request.
"""

from urllib.parse import quote

from odoo.tests import tagged

from .journey_common_cs import DEMO_PASSWORD, LANG_URL_CODES, JourneyCase

CITIZEN_LOGIN = "citoyen"
DOCUMENT_NAME = "journey-document.pdf"
INTAKE_DOCUMENT_NAME = "journey-intake.pdf"


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestJourneyCitizen(JourneyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.citizen_user = env["res.users"].search(
            [("login", "=", CITIZEN_LOGIN)], limit=1
        )
        if not cls.citizen_user:
            # the demo data has no portal citizen (yet): the journey brings its own
            cls.citizen_user = env["res.users"].create(
                {
                    "name": "Amira Ben Salah",
                    "login": CITIZEN_LOGIN,
                    "password": DEMO_PASSWORD,
                    "email": "citoyen@example.tn",
                    "group_ids": [(6, 0, [env.ref("base.group_portal").id])],
                }
            )
            cls.citizen_user.partner_id.write(
                {"emowaten_is_citizen": True, "emowaten_cin": "09876543"}
            )
        cls.citizen = cls.citizen_user.partner_id
        Request = env["emowaten.request"]
        cls.answered = Request.search(
            [
                ("partner_id", "=", cls.citizen.id),
                ("state", "in", ("answered", "closed")),
                ("rating", "in", (False, 0)),
            ],
            order="id desc",
            limit=1,
        )
        if not cls.answered:
            cls.answered = cls._make_answered_request()

    @classmethod
    def _make_answered_request(cls):
        """An answered request of the citizen, the way the demo data builds them."""
        env = cls.env
        office = env["emowaten.office"].search([("kind", "!=", "central")], limit=1)
        request = (
            env["emowaten.request"]
            .with_context(mail_create_nolog=True, emowaten_no_receipt=True)
            .create(
                {
                    "office_id": office.id,
                    "type_id": env.ref("emowaten_petitions.request_type_petition").id,
                    "partner_id": cls.citizen.id,
                    "channel": "portal",
                    "subject": "Journey: answered request to rate",
                    "description": "An answered request of the journey.",
                    "state_id": office.state_id.id,
                    "state": "registered",
                }
            )
        )
        answer = env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "information",
                "lang": "ar",
                "body_html": "<p>Réponse d'information.</p>",
            }
        )
        answer.write({"state": "sent"})
        request.write({"state": "answered"})
        return request

    def _citizen_journey(self, lang):
        code = LANG_URL_CODES[lang]
        subject = f"Journey {code}: pothole in front of the school"
        reply = f"Journey {code}: here is the photo of the pothole."
        comment = f"Journey {code}: clear answer, thank you."
        values = {
            "subject": subject,
            "cin": self.citizen.emowaten_cin or "",
            "email": self.citizen.email or "",
            "login": CITIZEN_LOGIN,
            "password": DEMO_PASSWORD,
            "reply": reply,
            "comment": comment,
            "answered": self.answered.name,
            "lang": code,
        }
        duration = self.run_journey(
            f"/{code}/emowaten/file",
            "emowaten_demo_citizen_tour",
            f"journey_citizen_{lang}",
            cookies={
                f"emowaten_journey_{key}": quote(value, safe="")
                for key, value in values.items()
            },
        )

        with self.checking_after_tour():
            Request = self.env["emowaten.request"].sudo()
            filed = Request.search([("subject", "=", subject)])
            self.assertEqual(len(filed), 1, "the public form created one request")
            self.assertTrue(
                filed.name and filed.name != "/", "the request has a reference"
            )
            self.assertEqual(filed.channel, "portal")
            self.assertEqual(filed.state, "registered")
            self.assertEqual(
                filed.partner_id,
                self.citizen,
                "filed with the citizen's CIN, the request is the citizen's",
            )
            self.assertTrue(filed.tracking_code)
            messages = filed.message_ids
            added = messages.filtered(
                lambda m: DOCUMENT_NAME in m.attachment_ids.mapped("name")
            )
            self.assertEqual(len(added), 1, "the document added on the portal is kept")
            self.assertEqual(added.author_id, self.citizen)
            self.assertEqual(added.attachment_ids.mimetype, "application/pdf")
            written = messages.filtered(lambda m: reply in (m.body or ""))
            self.assertEqual(len(written), 1, "the citizen's message reached the file")
            self.assertEqual(written.author_id, self.citizen)
            # the e-mailed receipt: queued at registration, rendered by its cron
            if self.citizen.email:
                self.assertTrue(filed.receipt_pending, "the e-mailed receipt is queued")
                Mail = self.env["mail.mail"].sudo()
                domain = [("model", "=", filed._name), ("res_id", "=", filed.id)]
                before = Mail.search(domain)
                # (a real PDF, not the HTML that tests render reports as by default)
                filed.with_context(
                    force_report_rendering=True
                )._emowaten_deliver_receipt()
                mail = Mail.search(domain) - before
                self.assertTrue(mail, "the receipt e-mail is queued")
                self.assertIn(self.citizen, mail.recipient_ids)
                self.assertIn(
                    "application/pdf",
                    mail.attachment_ids.mapped("mimetype"),
                    "the receipt e-mail carries the PDF receipt",
                )
            self.answered.invalidate_recordset()
            self.assertEqual(self.answered.rating, 4, "the rating was stored")
            self.assertEqual(self.answered.rating_comment, comment)
            self.assertTrue(self.answered.rating_date)
            # last: the document sent with the public form, as the citizen sees it
            stored = (
                self.env["ir.attachment"]
                .sudo()
                .search([("res_model", "=", filed._name), ("res_id", "=", filed.id)])
            )
            self.assertIn(
                INTAKE_DOCUMENT_NAME,
                messages.attachment_ids.mapped("name"),
                f"the document sent with the public form is in the request's history "
                f"(attachments of the request: {stored.mapped('name')}; messages: "
                f"{messages.mapped('body')})",
            )
        return duration

    def test_citizen_journey_arabic(self):
        self._citizen_journey("ar_001")

    def test_citizen_journey_french(self):
        self._citizen_journey("fr_FR")
