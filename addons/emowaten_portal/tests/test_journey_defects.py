"""Defects met on the citizen's journey (emowaten_demo), each checked on an empty
database: the page language, the login page's language, the document sent with the
public form, the answer letter, the answer message's language and the rating."""

import re
from unittest.mock import patch

from odoo import SUPERUSER_ID
from odoo.tests import tagged

from .common import PDF_BYTES, EmowatenPortalCase

HTML_LANG_RE = re.compile(r"<html[^>]*\blang=\"([^\"]+)\"")


@tagged("post_install", "-at_install")
class TestJourneyDefects(EmowatenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ["web", "emowaten_petitions", "emowaten_portal"],
            ["ar_001", "fr_FR"],
            overwrite=True,
        )

    def _html_lang(self, response):
        self.assertEqual(response.status_code, 200, response.url)
        match = HTML_LANG_RE.search(response.text)
        return match and match.group(1)

    def _sent_answer(self, request, lang="fr"):
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "information",
                "lang": lang,
                "body_html": "<p>Information.</p>",
            }
        )
        answer.write({"state": "sent"})
        request.write({"state": "answered"})
        return answer

    # ------------------------------------------------------------ D1 <html lang>
    def test_portal_pages_declare_their_language(self):
        for url in ("/fr/emowaten/file", "/fr/emowaten/track"):
            self.assertEqual(self._html_lang(self.url_open(url)), "fr-FR", url)
        self.assertEqual(self._html_lang(self.url_open("/ar/emowaten/track")), "ar-001")
        token = self.request_a._portal_ensure_token()
        page = self.url_open(
            f"/fr/my/requests/{self.request_a.id}?access_token={token}"
        )
        self.assertEqual(self._html_lang(page), "fr-FR")
        self.authenticate("citizen_a", "citizen_a")
        self.assertEqual(self._html_lang(self.url_open("/ar/my/requests")), "ar-001")

    # ------------------------------------------------------- D2 the login page
    def test_login_page_follows_the_visitor_language(self):
        # the portal pages leave the visitor's language in the frontend_lang cookie
        self.url_open("/fr/emowaten/track")
        self.assertEqual(self.opener.cookies.get("frontend_lang"), "fr_FR")
        page = self.url_open(f"/web/login?redirect=/my/requests/{self.request_a.id}")
        self.assertEqual(self._html_lang(page), "fr-FR")
        self.assertIn("Mot de passe", page.text)
        # an explicit language wins over the cookie; URL codes are understood
        page = self.url_open("/web/login?lang=ar")
        self.assertEqual(self._html_lang(page), "ar-001")
        self.assertRegex(page.text, r'<html[^>]*lang="ar-001"')
        # an unknown language is ignored
        page = self.url_open("/web/login?lang=xx_YY")
        self.assertEqual(self._html_lang(page), "fr-FR")

    def test_sign_in_link_carries_the_language(self):
        token = self.request_a._portal_ensure_token()
        page = self.url_open(
            f"/fr/my/requests/{self.request_a.id}?access_token={token}"
        )
        self.assertIn(
            f"/web/login?redirect=/my/requests/{self.request_a.id}&amp;lang=fr_FR",
            page.text,
        )

    # ------------------------------------------- D3 the public form's document
    def test_public_form_document_is_on_the_citizen_message(self):
        response = self._file(
            files=[("attachments", ("id-card.pdf", PDF_BYTES, "application/pdf"))],
            subject="Document on the message",
        )
        self.assertEqual(response.status_code, 200)
        record = self.env["emowaten.request"].search(
            [("subject", "=", "Document on the message")]
        )
        self.assertEqual(len(record), 1)
        message = record.message_ids.filtered("attachment_ids")
        self.assertEqual(len(message), 1, "the citizen's message carries the file")
        self.assertEqual(message.author_id, record.partner_id)
        attachment = message.attachment_ids
        self.assertEqual(attachment.name, "id-card.pdf")
        self.assertEqual(attachment.mimetype, "application/pdf")
        self.assertEqual(
            (attachment.res_model, attachment.res_id), (record._name, record.id)
        )
        self.assertIn(message, record._emowaten_portal_messages())

    # -------------------------------------------------- D4 the answer letter
    def test_sent_answer_without_letter_renders_it_once(self):
        answer = self._sent_answer(self.request_a, lang="fr")
        self.assertFalse(answer.letter_attachment_id)
        calls = []
        Answer = type(self.env["emowaten.answer"])

        def render(answer_self):
            calls.append((answer_self.env.uid, answer_self.env.lang))
            return PDF_BYTES

        self.authenticate("citizen_a", "citizen_a")
        page = self.url_open(f"/my/requests/{self.request_a.id}")
        self.assertIn("o_emowaten_letter", page.text)
        self.assertFalse(calls, "showing the page renders no letter")
        url = f"/my/requests/{self.request_a.id}/letter/{answer.id}"
        with patch.object(Answer, "_emowaten_render_letter_pdf", render):
            first = self.url_open(url)
            second = self.url_open(url)
        for response in (first, second):
            self.assertEqual(response.status_code, 200)
            self.assertEqual(response.content, PDF_BYTES)
            self.assertIn("attachment", response.headers["Content-Disposition"])
        self.assertEqual(
            calls, [(SUPERUSER_ID, "fr_FR")], "rendered once, in the letter's language"
        )
        self.assertTrue(answer.letter_attachment_id, "the letter is stored")

    def test_signed_letter_wins(self):
        answer = self._sent_answer(self.request_a)
        signed = self.env["ir.attachment"].create(
            {
                "name": "signed.pdf",
                "raw": PDF_BYTES,
                "res_model": "emowaten.request",
                "res_id": self.request_a.id,
            }
        )
        letter = self.env["ir.attachment"].create(
            {
                "name": "letter.pdf",
                "raw": b"%PDF-1.4 unsigned",
                "res_model": "emowaten.request",
                "res_id": self.request_a.id,
            }
        )
        answer.write(
            {"signed_attachment_id": signed.id, "letter_attachment_id": letter.id}
        )
        self.assertEqual(self.request_a._emowaten_portal_letter(answer), signed)
        answer.signed_attachment_id = False
        self.assertEqual(self.request_a._emowaten_portal_letter(answer), letter)
        draft = self.env["emowaten.answer"].create(
            {"request_id": self.request_a.id, "body_html": "<p>Draft</p>"}
        )
        self.assertFalse(self.request_a._emowaten_portal_letter(draft))

    # ------------------------------------ D6 the answer in the citizen's language
    def test_answer_message_in_the_citizen_language(self):
        self.user_a.partner_id.lang = "ar_001"
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": self.request_a.id,
                "kind": "information",
                "lang": "ar",
                "body_html": "<p>Information.</p>",
            }
        )
        name = self.request_a.name
        with patch.object(
            type(answer), "_emowaten_render_letter_pdf", lambda self: PDF_BYTES
        ):
            answer.with_context(lang="fr_FR").action_send()
        self.assertEqual(answer.state, "sent")
        message = self.request_a.message_ids.filtered(
            lambda m: name in (m.subject or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.subject, f"الرد على مطلبكم {name}")
        self.assertIn(f"رد كتابي على {name}", message.body)

    # ----------------------------------------------------------- the rating
    def test_rating_is_shown_and_in_the_history(self):
        self._sent_answer(self.request_a)
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/rate"
        response = self._post_as(url, {"score": "4", "comment": "Clear, thank you."})
        self.assertEqual(response.status_code, 200)
        self.assertIn("Thank you for rating the answer.", response.text)
        self.assertRegex(
            response.text,
            r'<textarea id="emw_rating_comment"[^>]*>Clear, thank you\.</textarea>',
        )
        rated = self.request_a._emowaten_portal_messages().filtered(
            lambda m: "4/5" in (m.body or "")
        )
        self.assertEqual(len(rated), 1, "the rating message is in the history")
        self.assertEqual(rated.author_id, self.user_a.partner_id)
        history = response.text.split('id="emw_history_title"', 1)[1]
        self.assertIn("4/5", history)

    # ------------------------------------------------- typed text, either way
    def test_typed_text_takes_its_own_direction(self):
        self.authenticate("citizen_a", "citizen_a")
        page = self.url_open(f"/my/requests/{self.request_a.id}").text
        self.assertIn(
            f'<span dir="auto">{self.request_a.subject}</span>', page, "the subject"
        )
        self.assertRegex(page, r'class="o_emowaten_description[^"]*" dir="auto"')
        self.assertRegex(page, r'<textarea id="emw_reply_message"[^>]*dir="auto"')
        form = self.url_open("/emowaten/file").text
        for field in ("emw_subject", "emw_description", "emw_name"):
            self.assertRegex(form, rf'id="{field}"[^>]*dir="auto"', field)
