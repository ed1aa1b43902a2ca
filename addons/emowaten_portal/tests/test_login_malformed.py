from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger


@tagged("post_install", "-at_install")
class TestLoginMalformed(HttpCase):
    """A login POST without a login or a password is a bad request, not a server
    error (Odoo's login read credential["login"] unchecked: HTTP 500)."""

    def _csrf(self):
        page = self.url_open("/web/login").text
        marker = 'name="csrf_token" value="'
        return page.split(marker, 1)[1].split('"', 1)[0]

    def test_login_post_without_credentials(self):
        self.authenticate(None, None)
        token = self._csrf()
        with mute_logger("odoo.http"):
            for body, ctype in (
                ('{"login": "admin"}', "application/json"),
                ("<a/>", "text/xml"),
                (
                    f"csrf_token={token}&login=admin",
                    "application/x-www-form-urlencoded",
                ),
                (f"csrf_token={token}&password=x", "application/x-www-form-urlencoded"),
            ):
                response = self.url_open(
                    f"/web/login?csrf_token={token}",
                    data=body,
                    headers={"Content-Type": ctype},
                    allow_redirects=False,
                )
                self.assertEqual(response.status_code, 400, body)

    def test_login_post_wrong_password_still_answers(self):
        self.authenticate(None, None)
        token = self._csrf()
        response = self.url_open(
            "/web/login",
            data={"csrf_token": token, "login": "admin", "password": "wrong"},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 200)
