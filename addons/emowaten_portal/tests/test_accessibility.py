import html
import json
import os
import re

from odoo.tests import tagged
from odoo.tools import file_open

from .common import EmowatenPortalCase

# axe-core is installed by the set-up (scripts/lib.sh, emw_axe_core) outside the
# checkout; scripts/lib.sh exports its path as EMOWATEN_AXE_JS.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# The page loads axe-core from this address; the test browser asks the test case for
# every address outside the test server (HttpCase.fetch_proxy), which answers with
# the installed file: nothing is downloaded.
AXE_URL = "https://axe-core.emowaten.test/axe.min.js"
DESKTOP = ("1440x900", False)
# the login form, once Odoo's script has shown it (it is hidden until then)
LOGIN_FORM = "form.oe_login_form:not(.d-none)"
PHONE = ("390x844", True)


def axe_core_path():
    home = os.environ.get("EMOWATEN_HOME") or "/var/lib/emowaten"
    default = os.path.join(home, "node", "node_modules", "axe-core", "axe.min.js")
    return os.environ.get("EMOWATEN_AXE_JS") or default


@tagged("post_install", "-at_install")
class TestAccessibility(EmowatenPortalCase):
    """axe-core (WCAG 2.0 and 2.1, levels A and AA) on every public page of the portal
    and the login page, in Arabic and in French, on a desktop and on a phone, with
    the error messages of invalid submissions shown, and on the citizen's own request
    pages once signed in. Any violation fails; so does a missing axe-core."""

    _axe_source = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["ar_001", "fr_FR"], overwrite=True
        )
        cls.token = cls.request_a._portal_ensure_token()

    def setUp(self):
        super().setUp()
        path = axe_core_path()
        if not os.path.isfile(path):
            self.fail(
                f"axe-core was not found at {path}: the set-up installs it "
                "(scripts/lib.sh, emw_axe_core; run `make test` or `scripts/odoo` "
                "without EMOWATEN_SKIP_SETUP once), or set EMOWATEN_AXE_JS"
            )
        if TestAccessibility._axe_source is None:
            with open(path, "rb") as handle:
                TestAccessibility._axe_source = handle.read()
        self.assertIn(b"axe", TestAccessibility._axe_source[:2000])

    def fetch_proxy(self, url):
        if url.split("?", 1)[0] == AXE_URL:
            response = self.make_fetch_proxy_response(self._axe_source)
            response["responseHeaders"].append(
                {"name": "content-type", "value": "text/javascript"}
            )
            return response
        return super().fetch_proxy(url)

    def _pages(self, lang, prefix):
        # the filing form's valid values (those of the HTTP tests), the checkbox
        # ticked
        valid = dict(self._form_data(phone=None), consent=True)
        file_url = f"{prefix}/emowaten/file"
        track_url = f"{prefix}/emowaten/track"
        login_url = f"/web/login?lang={lang}"
        my_request = f"{prefix}/my/requests/{self.request_a.id}"
        return [
            {"name": "home", "url": f"{prefix}/", "expect": "#emw_home_code"},
            {"name": "filing form", "url": file_url, "expect": "#emw_subject"},
            {
                "name": "filing form sent empty",
                "url": file_url,
                "submit": {"field": "#emw_subject", "values": {}},
                "expect": "#emowaten_form_errors",
            },
            {
                "name": "filing form with a bad CIN",
                "url": file_url,
                "submit": {"field": "#emw_subject", "values": dict(valid, cin="12")},
                "expect": "#cin_error",
            },
            {
                "name": "receipt",
                "url": file_url,
                "submit": {"field": "#emw_subject", "values": valid},
                "expect": ".o_emowaten_tracking_code",
            },
            {"name": "tracking", "url": track_url, "expect": "#emw_track_code"},
            {
                "name": "tracking with a wrong code",
                "url": track_url,
                "submit": {
                    "field": "#emw_track_code",
                    "values": {"tracking_code": "ABCD-EFGH-JKLM-NPQR"},
                },
                "expect": "#emowaten_track_error",
            },
            {
                "name": "tracking with a wrong CIN",
                "url": track_url,
                "submit": {
                    "field": "#emw_track_reference",
                    "values": {"reference": self.request_a.name, "cin": "11111111"},
                },
                "expect": "#emowaten_track_error",
            },
            {
                "name": "statistics",
                "url": f"{prefix}/emowaten/statistics",
                "expect": ".o_emowaten_stats_table",
            },
            {
                "name": "request opened with its tracking link",
                "url": f"{my_request}?access_token={self.token}",
                "expect": ".o_emowaten_request_detail",
            },
            {"name": "login", "url": login_url, "expect": LOGIN_FORM},
            {
                "name": "login with a wrong password",
                "url": login_url,
                "submit": {
                    "field": "#password",
                    "values": {"login": "citizen_a", "password": "wrong"},
                },
                "expect": f"{LOGIN_FORM} .alert-danger",
            },
            {
                "name": "my requests (signed in)",
                "url": login_url,
                "submit": {
                    "field": "#password",
                    "values": {
                        "login": "citizen_a",
                        "password": "citizen_a",
                        "redirect": f"{prefix}/my/requests",
                    },
                },
                "expect": "a.btn[href='/emowaten/file']",
            },
            {
                "name": "my account (signed in)",
                "url": f"{prefix}/my",
                "expect": ".o_portal_my_home",
            },
            {"name": "my request", "url": my_request, "expect": "#actions"},
            {
                "name": "my request, withdrawal not confirmed",
                "url": my_request,
                "submit": {
                    "field": "#emw_withdraw_confirm",
                    "values": {"reason": "No longer needed", "confirm": False},
                },
                "expect": "#emowaten_action_error",
            },
        ]

    def _audit(self, lang, prefix, size):
        self.browser_size, self.touch_enabled = size
        # the signed-in pages speak the citizen's language
        self.user_a.lang = lang
        with file_open("emowaten_portal/tests/a11y_audit.js") as handle:
            code = handle.read()
        code = (
            code.replace("__PAGES__", json.dumps(self._pages(lang, prefix)))
            .replace("__AXE_URL__", json.dumps(AXE_URL))
            .replace("__AXE_TAGS__", json.dumps(AXE_TAGS))
        )
        self.browser_js(f"{prefix}/emowaten/track", code, timeout=240)

    def test_arabic_desktop(self):
        self._audit("ar_001", "/ar", DESKTOP)

    def test_arabic_phone(self):
        self._audit("ar_001", "/ar", PHONE)

    def test_french_desktop(self):
        self._audit("fr_FR", "/fr", DESKTOP)

    def test_french_phone(self):
        self._audit("fr_FR", "/fr", PHONE)


@tagged("post_install", "-at_install")
class TestPageSemantics(EmowatenPortalCase):
    """What axe-core does not judge: each page has its own translated title, the
    login page speaks the language chosen in its address, and its icon button has a
    translated name."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["ar_001", "fr_FR"], overwrite=True
        )

    def _title(self, response):
        self.assertEqual(response.status_code, 200)
        match = re.search(r"<title>(.*?)</title>", response.text, flags=re.DOTALL)
        self.assertTrue(match, "the page has no title")
        return html.unescape(match.group(1).strip())

    def test_distinct_translated_titles(self):
        token = self.request_a._portal_ensure_token()
        pages = {
            "/fr/emowaten/file": "Déposer une demande | e-Mowaten",
            "/fr/emowaten/track": "Suivre une demande | e-Mowaten",
            "/fr/emowaten/statistics": "Statistiques publiques | e-Mowaten",
            "/web/login?lang=fr_FR": "Se connecter | e-Mowaten",
            f"/fr/my/requests/{self.request_a.id}?access_token={token}": (
                f"{self.request_a.name} | e-Mowaten"
            ),
        }
        titles = {}
        for url, expected in pages.items():
            titles[url] = self._title(self.url_open(url))
            self.assertEqual(titles[url], expected, url)
        self.assertEqual(len(set(titles.values())), len(pages))
        arabic = self._title(self.url_open("/ar/emowaten/file"))
        self.assertEqual(arabic, "إيداع مطلب | e-Mowaten")
        # a page sent back with errors says so in its title
        self.opener.cookies.clear()
        response = self._file(cin="12")
        self.assertEqual(
            self._title(response), "Correct the form: file a request | e-Mowaten"
        )
        response = self._track(tracking_code="ABCD-EFGH-JKLM-NPQR")
        self.assertEqual(
            self._title(response), "Request not found: follow a request | e-Mowaten"
        )
        self.assertNotIn("<title>Odoo</title>", response.text)
        self.authenticate("citizen_a", "citizen_a")
        self.assertEqual(self._title(self.url_open("/fr/my")), "Mon compte | e-Mowaten")
        self.assertEqual(
            self._title(self.url_open("/fr/my/requests")), "Mes demandes | e-Mowaten"
        )

    def test_login_language_from_the_address(self):
        for url in ("/fr/web/login", "/web/login?lang=fr"):
            self.opener.cookies.clear()
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertRegex(response.text, r'<html[^>]*lang="fr-FR"', url)
            self.assertRegex(response.text, r'<html[^>]*dir="ltr"', url)
            self.assertIn(
                'aria-label="Afficher ou masquer le mot de passe"', response.text
            )
            # the choice goes with the form: the page after a wrong password is
            # French too
            self.assertIn('name="lang" value="fr_FR"', response.text, url)
            token = re.search(r'name="csrf_token" value="([^"]+)"', response.text)
            response = self.url_open(
                "/web/login",
                data={
                    "csrf_token": token.group(1),
                    "login": "citizen_a",
                    "password": "wrong",
                    "lang": "fr_FR",
                    "type": "password",
                },
            )
            self.assertRegex(response.text, r'<html[^>]*lang="fr-FR"', url)
            self.assertIn("alert-danger", response.text)
        self.opener.cookies.clear()
        response = self.url_open("/ar/web/login")
        self.assertRegex(response.text, r'<html[^>]*lang="ar-001"')
        self.assertRegex(response.text, r'<html[^>]*dir="rtl"')
        self.assertIn('aria-label="إظهار كلمة المرور أو إخفاؤها"', response.text)
        # without a valid choice in the address the form carries no language
        self.opener.cookies.clear()
        response = self.url_open("/web/login?lang=xx_XX")
        self.assertEqual(response.status_code, 200)
        self.assertNotIn('name="lang"', response.text)

    def test_statistics_tables_scroll_by_keyboard(self):
        response = self.url_open("/fr/emowaten/statistics")
        regions = re.findall(r'<div class="table-responsive[^"]*"[^>]*>', response.text)
        self.assertEqual(len(regions), 2)
        for region in regions:
            self.assertIn('tabindex="0"', region)
            self.assertIn('role="region"', region)
            label = re.search(r'aria-labelledby="([^"]+)"', region).group(1)
            self.assertRegex(response.text, rf'<caption id="{label}">\s*\S')
