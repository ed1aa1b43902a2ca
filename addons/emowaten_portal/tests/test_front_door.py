import re

from odoo.tests import new_test_user, tagged

from .common import EmowatenPortalCase


@tagged("post_install", "-at_install")
class TestFrontDoor(EmowatenPortalCase):
    """The site's root is the citizens' home; the thank-you page is the receipt."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # languages activated by the fixture get the addon's translations
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["ar_001", "fr_FR"], overwrite=True
        )

    def test_root_is_the_citizens_home(self):
        for url, lang_attr, texts in (
            ("/fr/", "fr-FR", ("Déposer une demande", "Suivre une demande")),
            ("/ar/", "ar-001", ("إيداع مطلب", "متابعة مطلب")),
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertNotIn("/web/login", response.url, "not the staff login page")
            self.assertIn(f'lang="{lang_attr}"', response.text)
            for text in texts:
                self.assertIn(text, response.text)
            self.assertIn('action="/emowaten/track"', response.text)
            self.assertIn('href="/web/login"', response.text)
            # the identity of the State, not Odoo's placeholder logo
            self.assertIn("الجمهورية التونسية · République Tunisienne", response.text)
            self.assertNotIn("Your logo", response.text)
            title = re.search(r"<title>(.*?)</title>", response.text, re.S).group(1)
            self.assertNotEqual(title.strip(), "Odoo")
        # a company with its own logo shows it
        self.env.company.logo = self.env.company.partner_id.image_128 or PNG_DOT
        response = self.url_open("/fr/")
        self.assertIn("/logo.png?company=", response.text)

    def test_tracking_from_the_home_page(self):
        self._file()
        record = self._request_filed()
        csrf = self._csrf("/")
        response = self.url_open(
            "/emowaten/track",
            data={"csrf_token": csrf, "tracking_code": record.tracking_code.lower()},
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn(record.name, response.text)

    def test_staff_go_on_to_the_back_office(self):
        new_test_user(self.env, "front_agent", groups="base.group_user")
        self.authenticate("front_agent", "front_agent")
        response = self.url_open("/", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/odoo", response.headers["Location"])

    def test_thanks_page_is_the_receipt(self):
        response = self._file()
        self.assertTrue(response.url.endswith("/emowaten/file/thanks"))
        record = self._request_filed()
        self.assertIn('src="data:image/png;base64,', response.text, "a QR code")
        self.assertIn('href="/emowaten/file/thanks/receipt"', response.text)
        self.assertIn(f'data-copy="{record.tracking_code}"', response.text)
        pdf = self.url_open("/emowaten/file/thanks/receipt")
        self.assertEqual(pdf.status_code, 200)
        self.assertEqual(pdf.headers["Content-Type"], "application/pdf")
        self.assertTrue(pdf.content.startswith(b"%PDF"))
        self.assertIn(".pdf", pdf.headers["Content-Disposition"])

    def test_receipt_only_for_the_session_that_filed(self):
        self._file()
        # another visitor (a new session) gets no receipt, only the form
        self.url_open("/web/session/logout")
        self.opener.cookies.clear()
        response = self.url_open("/emowaten/file/thanks/receipt")
        self.assertTrue(response.url.endswith("/emowaten/file"))
        self.assertNotEqual(response.headers.get("Content-Type"), "application/pdf")

    def _request_filed(self):
        return self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)


# a one-pixel PNG: a logo of the company's own
PNG_DOT = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAA"
    "AABJRU5ErkJggg=="
)
