from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import PDF_BYTES, EmowatenPortalCase


@tagged("post_install", "-at_install")
class TestMyRequests(EmowatenPortalCase):
    def test_record_rule(self):
        Request = self.env["emowaten.request"].with_user(self.user_a)
        self.assertEqual(Request.search([]), self.request_a)
        self.request_a.with_user(self.user_a).check_access("read")
        with self.assertRaises(AccessError):
            self.request_b.with_user(self.user_a).check_access("read")
        with self.assertRaises(AccessError):
            self.request_a.with_user(self.user_a).write({"subject": "changed"})

    def test_list_only_own(self):
        self.authenticate("citizen_a", "citizen_a")
        response = self.url_open("/my/requests")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.request_a.name, response.text)
        self.assertNotIn(self.request_b.name, response.text)
        home = self.url_open("/my/home")
        self.assertIn("/my/requests", home.text)

    def test_list_requires_login(self):
        response = self.url_open("/my/requests")
        self.assertIn("/web/login", response.url)

    def test_detail_of_another_citizen(self):
        self.authenticate("citizen_a", "citizen_a")
        response = self.url_open(f"/my/requests/{self.request_b.id}")
        self.assertNotIn(self.request_b.subject, response.text)
        response = self.url_open(f"/my/requests/{self.request_a.id}")
        self.assertIn(self.request_a.subject, response.text)
        self.assertIn("Write to the office", response.text)

    def test_token_viewer_cannot_act(self):
        token = self.request_a.access_token
        url = f"/my/requests/{self.request_a.id}?access_token={token}"
        page = self.url_open(url)
        self.assertIn(self.request_a.subject, page.text)
        self.assertNotIn("Write to the office", page.text)

    def test_reply(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/reply"
        response = self._post_as(
            url, {"message": "Here is more <b>detail</b>\nsecond line"}
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("Your message was sent to the office.", response.text)
        message = self.request_a.message_ids.filtered(
            lambda m: m.author_id == self.user_a.partner_id
            and "second line" in (m.body or "")
        )
        self.assertEqual(len(message), 1)
        self.assertEqual(message.message_type, "comment")
        self.assertIn(
            "&lt;b&gt;detail&lt;/b&gt;", message.body, "the citizen's text is escaped"
        )
        self.assertIn("<br>", message.body)
        response = self._post_as(url, {"message": "   "})
        self.assertIn("Write a message before sending it.", response.text)

    def test_reply_to_another_citizen(self):
        self.authenticate("citizen_a", "citizen_a")
        messages_before = len(self.request_b.message_ids)
        data = {
            "message": "intrusion",
            "csrf_token": self._csrf(f"/my/requests/{self.request_a.id}"),
        }
        self.url_open(f"/my/requests/{self.request_b.id}/reply", data=data)
        self.request_b.invalidate_recordset()
        self.assertEqual(len(self.request_b.message_ids), messages_before)

    def test_reply_without_csrf(self):
        from odoo.tools import mute_logger

        self.authenticate("citizen_a", "citizen_a")
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/my/requests/{self.request_a.id}/reply", data={"message": "no token"}
            )
        self.assertEqual(response.status_code, 400)

    def test_add_documents(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/documents"
        response = self._post_as(
            url,
            {},
            files=[("attachments", ("proof.pdf", PDF_BYTES, "application/pdf"))],
        )
        self.assertIn("Your documents were added to the request.", response.text)
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "emowaten.request"),
                    ("res_id", "=", self.request_a.id),
                    ("name", "=", "proof.pdf"),
                ]
            )
        )
        self.assertEqual(attachment.mimetype, "application/pdf")
        response = self._post_as(
            url,
            {},
            files=[("attachments", ("evil.pdf", b"MZ\x90\x00", "application/pdf"))],
        )
        self.assertIn("is not accepted", response.text)
        response = self._post_as(url, {})
        self.assertIn("Choose at least one document to add.", response.text)

    def test_withdraw(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/withdraw"
        response = self._post_as(url, {"reason": "Solved meanwhile"})
        self.assertIn("Tick the box to confirm", response.text)
        self.assertEqual(self.request_a.state, "registered")
        response = self._post_as(url, {"reason": "Solved meanwhile", "confirm": "1"})
        self.assertIn("Your request was withdrawn.", response.text)
        self.assertEqual(self.request_a.state, "withdrawn")
        self.assertNotIn("Withdraw the request", response.text)
        # and not a second time
        data = {
            "confirm": "1",
            "csrf_token": self._csrf(f"/my/requests/{self.request_a.id}"),
        }
        response = self.url_open(url, data=data)
        self.assertIn("can no longer be withdrawn", response.text)

    def test_withdraw_another_citizen(self):
        self.authenticate("citizen_a", "citizen_a")
        data = {
            "confirm": "1",
            "csrf_token": self._csrf(f"/my/requests/{self.request_a.id}"),
        }
        self.url_open(f"/my/requests/{self.request_b.id}/withdraw", data=data)
        self.assertEqual(self.request_b.state, "registered")

    def test_rate(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/rate"
        response = self._post_as(url, {"score": "4"})
        self.assertIn("can only be rated once it has been answered", response.text)
        self.assertFalse(self.request_a.rating)
        self.request_a.sudo().write({"state": "answered"})
        response = self._post_as(url, {"score": "9"})
        self.assertIn("between 1 and 5", response.text)
        response = self._post_as(url, {"score": "4", "comment": "Quick and clear"})
        self.assertIn("Thank you for rating the answer.", response.text)
        self.assertEqual(self.request_a.rating, 4)
        self.assertEqual(self.request_a.rating_comment, "Quick and clear")
