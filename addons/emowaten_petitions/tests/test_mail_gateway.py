from odoo.tests import tagged

from .common import EmowatenPetitionsCase

MAIL = """Return-Path: <{email_from}>
From: {name} <{email_from}>
To: {to}
Subject: {subject}
Message-ID: {msg_id}
{extra}MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="BOUNDARY"

--BOUNDARY
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

{body}
--BOUNDARY
Content-Type: application/pdf; name="facture-steg.pdf"
Content-Disposition: attachment; filename="facture-steg.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcfsj6IKMSAwIG9iago8PD4+CmVuZG9iagp0cmFpbGVyCjw8Pj4KJSVFT0YK
--BOUNDARY--
"""


@tagged("post_install", "-at_install")
class TestMailGateway(EmowatenPetitionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alias_domain = cls.env["mail.alias.domain"].create({"name": "brc.test.tn"})
        cls.office_a.write(
            {"alias_name": "brc-testville", "alias_domain_id": cls.alias_domain.id}
        )

    def test_email_creates_request_with_attachment_and_reply_threads(self):
        raw = MAIL.format(
            email_from="hedi.mansour@example.tn",
            name="Hedi Mansour",
            to="brc-testville@brc.test.tn",
            subject="تشكي من انقطاع الماء",
            msg_id="<first-123@example.tn>",
            extra="",
            body="الماء مقطوع منذ أسبوع في حي النصر.",
        )
        request_id = self.env["mail.thread"].message_process(None, raw)
        request = self.env["emowaten.request"].browse(request_id)
        self.assertEqual(request.office_id, self.office_a)
        self.assertEqual(request.channel, "email")
        self.assertEqual(request.state, "registered")
        self.assertTrue(request.name.startswith("TST-"))
        self.assertEqual(request.subject, "تشكي من انقطاع الماء")
        self.assertIn("حي النصر", request.description)
        self.assertEqual(request.partner_id.email, "hedi.mansour@example.tn")
        self.assertTrue(request.partner_id.emowaten_is_citizen)
        self.assertIn("facture-steg.pdf", request.attachment_ids.mapped("name"))
        self._run_cron("emowaten_petitions.ir_cron_request_receipts")
        receipt = request.message_ids.filtered(
            lambda m: m.subject and request.name in m.subject
        )
        self.assertTrue(receipt, "the e-mail filer receives the receipt")
        # the agent asks for documents; the citizen's reply threads, restarts the clock
        request.action_suspend("copie de la CIN")
        reply = MAIL.format(
            email_from="hedi.mansour@example.tn",
            name="Hedi Mansour",
            to="brc-testville@brc.test.tn",
            subject="Re: تشكي من انقطاع الماء",
            msg_id="<second-456@example.tn>",
            extra="In-Reply-To: <first-123@example.tn>\nReferences: "
            "<first-123@example.tn>\n",
            body="Voici la copie de ma CIN.",
        )
        count = self.env["emowaten.request"].search_count([])
        self.assertEqual(
            self.env["mail.thread"].message_process(None, reply), request.id
        )
        self.assertEqual(self.env["emowaten.request"].search_count([]), count)
        self.assertFalse(request.deadline_suspended)
        names = request.attachment_ids.mapped("name")
        self.assertEqual(
            names.count("facture-steg.pdf"), 2, "the reply's file is kept too"
        )

    def test_nul_characters_do_not_bounce_the_mail(self):
        """A NUL in the subject or body (broken or hostile mailer) is dropped: the
        message is filed instead of failing in PostgreSQL."""
        raw = MAIL.format(
            email_from="nul.sender@example.tn",
            name="Nul Sender",
            to="brc-testville@brc.test.tn",
            subject="طلب\x00 إرشاد",
            msg_id="<nul-789@example.tn>",
            extra="",
            body="نص\x00 الطلب",
        )
        request_id = self.env["mail.thread"].message_process(None, raw)
        request = self.env["emowaten.request"].browse(request_id)
        self.assertEqual(request.subject, "طلب إرشاد")
        self.assertNotIn("\x00", request.description)
        self.assertIn("facture-steg.pdf", request.attachment_ids.mapped("name"))

    def test_emailed_reply_notifies_the_staff_following_the_file(self):
        request = (
            self.env["emowaten.request"]
            .with_user(self.user_agent)
            .create(
                {
                    "office_id": self.office_a.id,
                    "type_id": self.type_petition.id,
                    "partner_id": self.citizen.id,
                    "subject": "Éclairage public",
                    "channel": "counter",
                    "state": "registered",
                    "user_id": self.user_manager.id,
                }
            )
        )
        request.action_suspend("copie de la CIN")
        asked = request.message_ids.filtered("message_id")[:1]
        reply = MAIL.format(
            email_from=self.citizen.email,
            name=self.citizen.name,
            to="brc-testville@brc.test.tn",
            subject=f"Re: {request.name}",
            msg_id="<reply-789@example.tn>",
            extra=f"In-Reply-To: {asked.message_id}\nReferences: {asked.message_id}\n",
            body="Voici la copie de ma CIN.",
        )
        self.assertEqual(
            self.env["mail.thread"].message_process(None, reply), request.id
        )
        message = request.message_ids.filtered(
            lambda m: m.message_id == "<reply-789@example.tn>"
        )
        self.assertEqual(message.author_id, self.citizen)
        notified = (
            self.env["mail.notification"]
            .search([("mail_message_id", "=", message.id)])
            .res_partner_id
        )
        self.assertEqual(notified, (self.user_agent | self.user_manager).partner_id)
