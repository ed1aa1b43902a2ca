import logging
import time

from odoo.tests import tagged

from .common import EmowatenDemoCase

_logger = logging.getLogger(__name__)

# The e-Mowaten applications of the home menu (the root menus of our addons).
APPS = (
    "emowaten_base.emowaten_base_menu_root",
    "emowaten_petitions.emowaten_petitions_menu_root",
    "emowaten_reporting.emowaten_reporting_menu_root",
)


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestClickEverywhere(EmowatenDemoCase):
    """Odoo's clickbot opens every e-Mowaten menu, every view and every filter, as each
    demo role, in Arabic and in French: no error dialog, no failed RPC (access errors
    included), and no menu silently landing on another screen (our guard)."""

    allow_end_on_form = True

    def _click_everywhere(self, login, lang):
        user = self.demo_user(login, lang)
        menus = self.env["ir.ui.menu"].with_user(user).load_menus(False)
        visible = {menus[app]["xmlid"] for app in menus["root"]["children"]}
        apps = [xmlid for xmlid in APPS if xmlid in visible]
        self.assertTrue(apps, f"{login} sees no e-Mowaten application")
        timings = {}
        for xmlid in apps:
            with self.subTest(login=login, lang=lang, app=xmlid):
                start = time.monotonic()
                try:
                    self.browser_js(
                        "/odoo",
                        f"window.emowatenGuardedClickEverywhere({xmlid!r});",
                        "odoo.isReady === true",
                        login=login,
                        timeout=600,
                        success_signal="clickbot test succeeded",
                    )
                finally:
                    timings[xmlid] = time.monotonic() - start
        _logger.info(
            "emowaten_demo: clickbot as %s in %s: %.1fs (%s)",
            login,
            lang,
            sum(timings.values()),
            ", ".join(f"{k.split('.')[0]} {v:.1f}s" for k, v in timings.items()),
        )

    def test_admin_ar(self):
        self._click_everywhere("admin.emowaten", "ar_001")

    def test_admin_fr(self):
        self._click_everywhere("admin.emowaten", "fr_FR")

    def test_supervisor_ar(self):
        self._click_everywhere("superviseur", "ar_001")

    def test_supervisor_fr(self):
        self._click_everywhere("superviseur", "fr_FR")

    def test_manager_ar(self):
        self._click_everywhere("chef.tunis", "ar_001")

    def test_manager_fr(self):
        self._click_everywhere("chef.tunis", "fr_FR")

    def test_agent_ar(self):
        self._click_everywhere("agent.tunis", "ar_001")

    def test_agent_fr(self):
        self._click_everywhere("agent.tunis", "fr_FR")

    def test_correspondent_ar(self):
        self._click_everywhere("corr.sante", "ar_001")

    def test_correspondent_fr(self):
        self._click_everywhere("corr.sante", "fr_FR")

    def test_signatory_ar(self):
        self._click_everywhere("signataire.tunis", "ar_001")

    def test_signatory_fr(self):
        self._click_everywhere("signataire.tunis", "fr_FR")
