import base64
import logging
import os
import pathlib
import time
from unittest.mock import patch

from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

_logger = logging.getLogger(__name__)

# The demonstration users of emowaten_base/demo/emowaten_body_demo.xml
DEMO_PASSWORD = "emowaten"
DEMO_LOGINS = (
    "admin.emowaten",
    "superviseur",
    "chef.tunis",
    "agent.tunis",
    "corr.sante",
    "signataire.tunis",
)
LANGS = ("ar_001", "fr_FR")


def artefacts_dir():
    """Where the journeys leave their screenshots: $EMOWATEN_ARTEFACTS, else the
    repository's .run/ folder."""
    root = os.environ.get("EMOWATEN_ARTEFACTS")
    if root:
        path = pathlib.Path(root)
    else:
        path = pathlib.Path(__file__).resolve().parents[3] / ".run"
    path = path / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


class EmowatenDemoCase(HttpCase):
    """Browser tests on the demonstration database: they log in as the demo users with
    their documented password, in the language asked for, and keep a screenshot of the
    last screen."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        users = cls.env["res.users"].search([("login", "in", DEMO_LOGINS)])
        missing = set(DEMO_LOGINS) - set(users.mapped("login"))
        if missing:
            raise AssertionError(
                f"The demo users {sorted(missing)} are missing: these tests run on the "
                "demonstration database only (test tag emowaten_demo)."
            )

    def authenticate(self, user, password, **kwargs):
        # browser_js logs in with the login as password; the demo users have one.
        if user in DEMO_LOGINS:
            password = DEMO_PASSWORD
        return super().authenticate(user, password, **kwargs)

    def demo_user(self, login, lang=None):
        user = self.env["res.users"].search([("login", "=", login)])
        self.assertEqual(len(user), 1, login)
        vals = {}
        if lang:
            vals["lang"] = lang
        if "tour_enabled" in user._fields:
            vals["tour_enabled"] = False
        if vals:
            user.write(vals)
        return user

    def _shooting(self, name):
        """Patch the browser so that, once the browser code succeeded, the last screen
        is saved as <artefacts>/screenshots/<name>.png."""
        original = ChromeBrowser._wait_code_ok
        target = artefacts_dir() / f"{name}.png"

        def wait_and_shoot(browser, code, timeout, error_checker=None):
            original(browser, code, timeout, error_checker=error_checker)
            try:
                future = browser._websocket_send(
                    "Page.captureScreenshot", with_future=True
                )
                data = future.result(timeout=30)["data"]
                target.write_bytes(base64.b64decode(data))
                _logger.info("emowaten_demo: screenshot %s", target)
            except Exception as exc:  # noqa: BLE001 - a missing picture is not a test failure
                _logger.info("emowaten_demo: no screenshot for %s: %s", name, exc)

        return patch.object(ChromeBrowser, "_wait_code_ok", wait_and_shoot)

    def run_journey(self, tour, login, lang, timeout=180, cookies=None):
        """Run the tour as the demo user in the language; return the elapsed seconds.
        The cookies pass the tour what only the server knows (ids, translated names)."""
        self.demo_user(login, lang)
        start = time.monotonic()
        with self._shooting(f"{tour}_{lang}"):
            self.start_tour(
                "/odoo", tour, login=login, timeout=timeout, cookies=cookies or {}
            )
        elapsed = time.monotonic() - start
        _logger.info("emowaten_demo: %s as %s in %s: %.1fs", tour, login, lang, elapsed)
        return elapsed
