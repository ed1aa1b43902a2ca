import json

from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestSignaturePublicInput(HttpCase):
    """NUL bytes, invalid UTF-8 and oversized fields on the public signature routes
    answer 400 with a message, never 500 (issue 16, finding 5)."""

    def _assert_refused(self, response):
        self.assertEqual(response.status_code, 400, response.text[:300])
        self.assertRegex(response.text, "not allowed|not valid UTF-8|too long")

    def test_agent_job_nul(self):
        self._assert_refused(self.url_open("/emowaten/signature/agent/%00"))
        self._assert_refused(self.url_open("/emowaten/signature/agent/%FF%FE"))
        self._assert_refused(self.url_open("/emowaten/signature/agent/x?t=%00"))
        # an unknown but clean token keeps its answer
        response = self.url_open("/emowaten/signature/agent/unknown")
        self.assertEqual(response.status_code, 404)

    def test_agent_submit_nul(self):
        response = self.url_open(
            "/emowaten/signature/agent/%00/submit",
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        self.assertLess(response.status_code, 500)
        self.assertNotIn('"result"', response.text)
        # a NUL byte inside the JSON-RPC body is refused before the route runs
        response = self.url_open(
            "/emowaten/signature/agent/sometoken/submit",
            data=json.dumps(
                {"jsonrpc": "2.0", "method": "call", "params": {"error": "a\u0000"}}
            ),
            headers={"Content-Type": "application/json"},
        )
        self.assertLess(response.status_code, 500)
        self.assertIn("not allowed", response.text)

    def test_verification_pages(self):
        self._assert_refused(self.url_open("/emowaten/verify/%00"))
        self._assert_refused(self.url_open("/emowaten/verify?code=%00"))
        self._assert_refused(self.url_open("/emowaten/verify?code=" + "A" * 30000))
        response = self.url_open("/emowaten/verify/UNKNOWN")
        self.assertEqual(response.status_code, 200)
