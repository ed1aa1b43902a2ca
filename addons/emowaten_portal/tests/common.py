import re

from odoo.tests import HttpCase, new_test_user

PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
JPEG_BYTES = b"\xff\xd8\xff\xe0" + b"\x00" * 64

CSRF_RE = re.compile(r'name="csrf_token" value="([^"]+)"')


class EmowatenPortalCase(HttpCase):
    """Fixtures shared by the portal tests: one office, one type, one governorate and
    two citizens with portal accounts. Built here, never from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                mail_create_nolog=True,
                mail_notrack=True,
                no_reset_password=True,
            )
        )
        # the portal is bilingual; receipts print Arabic and French
        for code in ("ar_001", "fr_FR"):
            cls.env["res.lang"]._activate_lang(code)
        params = cls.env["ir.config_parameter"].sudo()
        # generous limits for the tests that are not about rate limiting
        for scope in ("intake_ip", "intake_cin", "track_ip", "track_ref"):
            params.set_param(f"emowaten_portal.{scope}_limit", 1000)
        tunisia = cls.env.ref("base.tn")
        # a governorate of our own, so that no shipped office competes for it
        cls.governorate = cls.env["res.country.state"].create(
            {
                "name": "Portal Test Governorate",
                "code": "TN-98",
                "country_id": tunisia.id,
            }
        )
        cls.body = cls.env["emowaten.body"].create(
            {"name": "Portal Test Ministry", "code": "PTL-MIN", "body_type": "ministry"}
        )
        cls.office = cls.env["emowaten.office"].create(
            {
                "name": "Portal Test Office",
                "code": "PTL",
                "reference_prefix": "PTL",
                "kind": "governorate",
                "state_id": cls.governorate.id,
                "body_id": cls.body.id,
            }
        )
        cls.rtype = cls.env["emowaten.request.type"].create(
            {"name": "Portal test petition", "code": "portal_test", "deadline_days": 60}
        )
        cls.user_a = new_test_user(
            cls.env, login="citizen_a", groups="base.group_portal", name="Citizen A"
        )
        cls.user_b = new_test_user(
            cls.env, login="citizen_b", groups="base.group_portal", name="Citizen B"
        )
        cls.user_a.partner_id.write(
            {
                "emowaten_is_citizen": True,
                "emowaten_cin": "01234567",
                "email": "a@example.com",
            }
        )
        cls.user_b.partner_id.write(
            {
                "emowaten_is_citizen": True,
                "emowaten_cin": "09876543",
                "email": "b@example.com",
            }
        )
        cls.request_a = cls._make_request(
            cls.user_a.partner_id, "Water cut in my street"
        )
        cls.request_b = cls._make_request(cls.user_b.partner_id, "Road full of holes")

    @classmethod
    def _make_request(cls, partner, subject):
        return (
            cls.env["emowaten.request"]
            .sudo()
            ._emowaten_create_from_intake(
                {
                    "partner_id": partner.id,
                    "type_id": cls.rtype.id,
                    "office_id": cls.office.id,
                    "subject": subject,
                    "description": "Details of: " + subject,
                    "state_id": cls.governorate.id,
                    "channel": "portal",
                }
            )
        )

    # ------------------------------------------------------------------ helpers
    def _csrf(self, url="/emowaten/file"):
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        match = CSRF_RE.search(response.text)
        self.assertTrue(match, "the page has no CSRF token")
        return match.group(1)

    def _form_data(self, **overrides):
        data = {
            "type_id": str(self.rtype.id),
            "subject": "Street lighting",
            "description": "The streetlight is broken.",
            "state_id": str(self.governorate.id),
            "name": "Sami Ben Salah",
            "cin": "04567890",
            "phone": "",
            "email": "sami@example.com",
            "consent": "1",
        }
        data.update(overrides)
        return {key: value for key, value in data.items() if value is not None}

    def _file(self, files=None, csrf=True, **overrides):
        data = self._form_data(**overrides)
        if csrf:
            data["csrf_token"] = self._csrf()
        return self.url_open("/emowaten/file", data=data, files=files or None)

    def _count_requests(self):
        return self.env["emowaten.request"].sudo().search_count([])

    def _track(self, **data):
        data["csrf_token"] = self._csrf("/emowaten/track")
        return self.url_open("/emowaten/track", data=data)

    def _track_error(self, response):
        pattern = r'id="emowaten_track_error"[^>]*>(.*?)</div>'
        match = re.search(pattern, response.text, flags=re.DOTALL)
        return match and match.group(1).strip()

    def _post_as(self, url, data, files=None):
        """POST a portal form of a logged-in page, with that page's CSRF token."""
        data = dict(data, csrf_token=self._csrf(url.rsplit("/", 1)[0]))
        return self.url_open(url, data=data, files=files)
