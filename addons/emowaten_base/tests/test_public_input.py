import io
import re

from PIL import Image

from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from ..tools.public_input import (
    bad_text_reason,
    clean_multiline,
    image_pixels,
    single_line,
)


@tagged("post_install", "-at_install")
class TestPublicInputTools(TransactionCase):
    def test_single_line(self):
        self.assertEqual(single_line("A\r\nBcc: x@y"), "A Bcc: x@y")
        self.assertEqual(single_line("  A\t\x00\x0b B\u2028C "), "A B C")
        self.assertEqual(single_line("سامي  بن صالح"), "سامي بن صالح")
        self.assertIsNone(single_line(None))

    def test_clean_multiline(self):
        self.assertEqual(clean_multiline("a\r\nb\rc\x00\x0b\td"), "a\nb\nc\td")

    def test_bad_text_reason(self):
        self.assertEqual(bad_text_reason("a\x00"), "nul")
        self.assertEqual(bad_text_reason("a\ufffd"), "encoding")
        self.assertEqual(bad_text_reason("a" * 20001), "length")
        self.assertIsNone(bad_text_reason("عربي\n"))

    def test_image_pixels_from_the_header(self):
        buffer = io.BytesIO()
        Image.new("1", (12000, 12000)).save(buffer, format="PNG")
        self.assertEqual(image_pixels(buffer.getvalue()), 144_000_000)
        self.assertIsNone(image_pixels(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64))


@tagged("post_install", "-at_install")
class TestCitizenOneLine(TransactionCase):
    def test_crlf_in_citizen_name(self):
        Partner = self.env["res.partner"]
        citizen = Partner.create(
            {
                "name": "A\r\nBcc: x@y.example",
                "emowaten_is_citizen": True,
                "street": "1 rue\nX",
            }
        )
        self.assertEqual(citizen.name, "A Bcc: x@y.example")
        self.assertEqual(citizen.street, "1 rue X")
        citizen.write({"name": "B\rC\x00D"})
        self.assertEqual(citizen.name, "B C D")
        found = Partner._emowaten_find_or_create_citizen(
            {"name": "E\r\nF", "cin": "01111111"}
        )
        self.assertEqual(found.name, "E F")

    def test_find_without_completing(self):
        Partner = self.env["res.partner"]
        citizen = Partner.create(
            {"name": "Citizen", "emowaten_is_citizen": True, "emowaten_cin": "02222222"}
        )
        found = Partner._emowaten_find_or_create_citizen(
            {"cin": "02222222", "email": "x@evil.example", "phone": "71123456"},
            complete=False,
        )
        self.assertEqual(found, citizen)
        self.assertFalse(citizen.email)
        self.assertFalse(citizen.phone)
        # the back office still completes the citizen it sees
        Partner._emowaten_find_or_create_citizen(
            {"cin": "02222222", "email": "c@example.com"}
        )
        self.assertEqual(citizen.email, "c@example.com")


@tagged("post_install", "-at_install")
class TestSessionCookie(HttpCase):
    def test_session_cookie_samesite_lax(self):
        new_test_user(self.env, login="cookie_user", password="cookie_user_pw1")
        page = self.url_open("/web/login")
        self.assertEqual(page.status_code, 200)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            "/web/login",
            data={
                "login": "cookie_user",
                "password": "cookie_user_pw1",
                "csrf_token": token,
            },
            allow_redirects=False,
        )
        cookies = [
            value
            for key, value in response.raw.headers.items()
            if key.lower() == "set-cookie" and value.startswith("session_id=")
        ]
        self.assertTrue(cookies, response.headers)
        for cookie in cookies:
            self.assertIn("SameSite=Lax", cookie)
            self.assertIn("HttpOnly", cookie)
