"""Hostile input on the public routes: someone else's CIN, header injection, NUL
bytes, invalid UTF-8, oversized fields and pixel bombs (issue 16, findings 3-5)."""

import io
from unittest.mock import patch

from PIL import Image

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import EmowatenPortalCase

ATTACKER = "attacker@evil.example"


def big_png(width, height):
    """A PNG of ``width`` x ``height`` pixels that weighs a few kilobytes."""
    buffer = io.BytesIO()
    Image.new("1", (width, height)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestContactNotRedirected(EmowatenPortalCase):
    """Anyone who knows a CIN can file in that citizen's name: what they type never
    changes her contact data, and no notice goes to an address she never gave."""

    def _last_request(self):
        return self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)

    def _mails_to(self, address):
        self.env.invalidate_all()
        mails = self.env["mail.mail"].sudo().search([])
        return mails.filtered(
            lambda m: address in (m.email_to or "")
            or address in m.recipient_ids.mapped("email")
        )

    def test_public_filing_keeps_the_email_on_file(self):
        citizen = self.user_a.partner_id
        response = self._file(
            cin="01234567", name="Citizen A", email=ATTACKER, phone="71 123 456"
        )
        self.assertIn("/emowaten/file/thanks", response.url)
        record = self._last_request()
        self.assertEqual(record.partner_id, citizen)
        self.env.invalidate_all()
        self.assertEqual(citizen.email, "a@example.com")
        self.assertFalse(citizen.phone, "a public filing completes nothing either")
        self.assertEqual(record.filed_email, ATTACKER)
        self.assertEqual(record.filed_phone, "+21671123456")
        self.assertFalse(record.filed_name, "same name: nothing to check")
        self.assertFalse(self._mails_to(ATTACKER))
        self.assertIn("emowaten_receipt_not_mailed", response.text)

    def test_public_filing_citizen_without_email(self):
        citizen = self.env["res.partner"].create(
            {
                "name": "Citizen C",
                "emowaten_is_citizen": True,
                "emowaten_cin": "03333333",
            }
        )
        response = self._file(cin="03333333", name="Someone Else", email=ATTACKER)
        record = self._last_request()
        self.assertEqual(record.partner_id, citizen)
        self.env.invalidate_all()
        self.assertFalse(citizen.email)
        self.assertEqual(citizen.name, "Citizen C")
        self.assertEqual(record.filed_email, ATTACKER)
        self.assertEqual(record.filed_name, "Someone Else")
        self.assertFalse(record.receipt_pending, "no address on file: no e-mail")
        self.assertFalse(self._mails_to(ATTACKER))
        self.assertIn("emowaten_receipt_not_mailed", response.text)
        self.assertNotIn("was sent to your e-mail address", response.text)

    def test_new_citizen_gets_the_typed_contact(self):
        self._file(cin="04444444", name="New Citizen", email="new@example.com")
        record = self._last_request()
        self.assertEqual(record.partner_id.email, "new@example.com")
        self.assertFalse(record.filed_email)

    def test_portal_account_contact_unchanged(self):
        self.authenticate("citizen_a", "citizen_a")
        self._file(cin="01234567", name="Citizen A", email=ATTACKER, phone="71123456")
        record = self._last_request()
        citizen = self.user_a.partner_id
        self.assertEqual(record.partner_id, citizen)
        self.env.invalidate_all()
        self.assertEqual(citizen.email, "a@example.com")
        self.assertFalse(citizen.phone)
        self.assertEqual(record.filed_email, ATTACKER)
        self.assertFalse(self._mails_to(ATTACKER))

    def test_staff_apply_the_filed_contact(self):
        self._file(cin="01234567", name="Citizen A", email="new-a@example.com")
        record = self._last_request()
        record.action_apply_filed_contact()
        self.assertEqual(record.partner_id.email, "new-a@example.com")
        self.assertFalse(record.filed_email)
        self._file(cin="01234567", name="Citizen A", email="other@example.com")
        record = self._last_request()
        record.action_dismiss_filed_contact()
        self.assertFalse(record.filed_email)
        self.assertEqual(record.partner_id.email, "new-a@example.com")

    def test_agent_of_the_office_applies_the_filed_contact(self):
        agent = new_test_user(
            self.env, "ptl_agent", groups="emowaten_base.group_emowaten_agent"
        )
        outsider = new_test_user(
            self.env, "ptl_supervisor", groups="emowaten_base.group_emowaten_supervisor"
        )
        self.office.member_ids = [
            Command.create({"user_id": agent.id, "role": "agent"})
        ]
        self._file(cin="01234567", name="Citizen A", phone="71 555 666")
        record = self._last_request()
        self.assertEqual(record.office_id, self.office)
        # the read-only supervisor may not apply it
        with self.assertRaises(AccessError):
            record.with_user(outsider).action_apply_filed_contact()
        record.with_user(agent).action_apply_filed_contact()
        self.assertEqual(self.user_a.partner_id.phone, "+21671555666")
        self.assertFalse(record.filed_phone)


@tagged("post_install", "-at_install")
class TestHostileInput(EmowatenPortalCase):
    def _last_request(self):
        return self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)

    def test_crlf_in_name_and_subject_collapsed(self):
        self._file(
            cin="05555555",
            name="A\r\nBcc: x@y.example",
            subject="Lights\r\nBcc: x@y.example",
            description="Line 1\r\nLine 2\x0b",
        )
        record = self._last_request()
        self.assertEqual(record.partner_id.name, "A Bcc: x@y.example")
        self.assertEqual(record.subject, "Lights Bcc: x@y.example")
        self.assertEqual(record.description, "Line 1\nLine 2")
        # the receipt is e-mailed without breaking its headers
        record._emowaten_deliver_receipt()
        self.env.invalidate_all()
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("model", "=", record._name), ("res_id", "=", record.id)])
        )
        self.assertTrue(mails)
        mails.send(raise_exception=True)
        self.assertNotIn("exception", mails.mapped("state"))

    def _assert_refused(self, response):
        self.assertEqual(response.status_code, 400, response.text[:500])
        self.assertRegex(response.text, "not allowed|not valid UTF-8|too long")

    def test_nul_bytes_refused(self):
        before = self._count_requests()
        self._assert_refused(self._file(subject="Lights\x00"))
        self._assert_refused(self._file(name="Sami\x00"))
        self.assertEqual(self._count_requests(), before)
        self._assert_refused(self._track(reference="PTL\x00", cin="01234567"))
        self._assert_refused(self._track(tracking_code="\x00"))
        self._assert_refused(self.url_open("/emowaten/track/%00"))
        self._assert_refused(self.url_open("/emowaten/file?x=%00"))
        self._assert_refused(self.url_open("/emowaten/statistics?x=%00"))

    def test_nul_in_a_logged_in_reply_refused(self):
        self.authenticate("citizen_a", "citizen_a")
        before = len(self.request_a.message_ids)
        response = self._post_as(
            f"/my/requests/{self.request_a.id}/reply", {"message": "Hello\x00"}
        )
        self._assert_refused(response)
        self.env.invalidate_all()
        self.assertEqual(len(self.request_a.message_ids), before)

    def test_invalid_utf8_refused(self):
        before = self._count_requests()
        data = self._form_data()
        data["csrf_token"] = self._csrf()
        body = "&".join(f"{k}={v}" for k, v in data.items() if k != "subject")
        response = self.url_open(
            "/emowaten/file",
            data=(body + "&subject=%FF%FE").encode(),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        self._assert_refused(response)
        self.assertEqual(self._count_requests(), before)
        self._assert_refused(self.url_open("/emowaten/track/%C3%28"))

    def test_oversized_field_refused(self):
        before = self._count_requests()
        response = self._file(description="x" * 30000)
        self.assertLess(response.status_code, 500)
        self._assert_refused(response)
        self._assert_refused(self._track(reference="R" * 30000, cin="01234567"))
        self.assertEqual(self._count_requests(), before)

    def test_arabic_text_accepted(self):
        self._file(cin="06666666", name="سامي بن صالح", subject="إنارة الشارع")
        record = self._last_request()
        self.assertEqual(record.partner_id.name, "سامي بن صالح")

    def test_pixel_bomb_public_form(self):
        before = self._count_requests()
        attachments = self.env["ir.attachment"].sudo().search_count([])
        for size in (10000, 12000):
            png = big_png(size, size)
            self.assertLess(len(png), 5 * 1024 * 1024)
            response = self._file(files={"attachments": ("scan.png", png, "image/png")})
            self.assertEqual(response.status_code, 200)
            self.assertIn("is too large: at most 40 million pixels", response.text)
        self.assertEqual(self._count_requests(), before)
        self.assertEqual(self.env["ir.attachment"].sudo().search_count([]), attachments)

    def test_pixel_bomb_documents(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/documents"
        for size in (10000, 12000):
            response = self._post_as(
                url, {}, files={"attachments": ("scan.png", big_png(size, size))}
            )
            self.assertEqual(response.status_code, 200)
            self.assertIn("is too large: at most 40 million pixels", response.text)
        self.env.invalidate_all()
        self.assertFalse(
            self.env["ir.attachment"]
            .sudo()
            .search([("res_model", "=", "emowaten.request"), ("name", "=", "scan.png")])
        )

    def test_image_under_the_limit_accepted(self):
        self.authenticate("citizen_a", "citizen_a")
        url = f"/my/requests/{self.request_a.id}/documents"
        response = self._post_as(
            url, {}, files={"attachments": ("scan.png", big_png(2000, 1500))}
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("is too large", response.text)


@tagged("post_install", "-at_install")
class TestTrackingThrottlePerReference(EmowatenPortalCase):
    """Failures count per address and per reference: a shared address does not lock
    out its citizens, a reference under attack is locked for everybody."""

    def setUp(self):
        super().setUp()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("emowaten_portal.track_ip_limit", 3)
        params.set_param("emowaten_portal.track_ref_limit", 3)

    def _from(self, address, **data):
        with patch(
            "odoo.addons.emowaten_portal.controllers.main.client_ip",
            return_value=address,
        ):
            return self._track(**data)

    def test_blocked_address_still_opens_a_right_reference(self):
        # a neighbour behind the same address mistypes other references
        for i in range(4):
            self._from("10.0.0.1", reference=f"PTL-2026-00000{i}", cin="01234567")
        response = self._from("10.0.0.1", reference="PTL-2026-000009", cin="01234567")
        self.assertIn("Too many unsuccessful attempts", response.text)
        response = self._from("10.0.0.1", reference=self.request_a.name, cin="01234567")
        self.assertIn(self.request_a.subject, response.text)
        response = self._from("10.0.0.1", tracking_code=self.request_b.tracking_code)
        self.assertIn(self.request_b.subject, response.text)

    def test_reference_under_attack_locked_for_every_address(self):
        for i in range(3):
            self._from(f"10.0.1.{i}", reference=self.request_a.name, cin=f"0000000{i}")
        response = self._from("10.0.2.1", reference=self.request_a.name, cin="01234567")
        self.assertIn(
            "Too many unsuccessful attempts were made for this reference", response.text
        )
        self.assertNotIn(self.request_a.subject, response.text)
        # other references are not concerned
        response = self._from("10.0.2.1", reference=self.request_b.name, cin="09876543")
        self.assertIn(self.request_b.subject, response.text)
