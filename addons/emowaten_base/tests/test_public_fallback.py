from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestFallbackHostileInput(HttpCase):
    """A NUL byte in a URL that matches no route answered 500 (the attachment lookup
    of the not-found fallback sent it to PostgreSQL); found by the adversarial suite."""

    def test_nul_in_unmatched_urls(self):
        for path in (
            "/anything%00",
            "/emowaten/file%00",
            "/my/requests/%00",
            "/x?a=%00",
        ):
            with self.subTest(path=path):
                response = self.url_open(path, allow_redirects=False)
                self.assertEqual(response.status_code, 400, path)
        # an ordinary unknown URL is still a plain 404
        self.assertEqual(self.url_open("/no-such-page").status_code, 404)
