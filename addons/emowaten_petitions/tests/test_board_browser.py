from freezegun import freeze_time

from odoo.tests import HttpCase, tagged

from .common import EmowatenPetitionsCase

# waits for a selector in the page, then runs the check; any error fails the test
WAIT = """
const wait = (selector) => new Promise((resolve, reject) => {
    let tries = 0;
    const timer = setInterval(() => {
        const element = document.querySelector(selector);
        if (element) { clearInterval(timer); resolve(element); }
        if (++tries > 150) {
            clearInterval(timer);
            reject(new Error("not found: " + selector));
        }
    }, 100);
});
(async () => { %s; console.log("test successful"); })()
    .catch((error) => console.error(error.message));
"""


@tagged("post_install", "-at_install")
class TestBoardsInTheBrowser(HttpCase, EmowatenPetitionsCase):
    """The boards as the web client draws them, for the roles that open them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        with freeze_time("2026-01-05 09:00:00"):
            late = cls._request(type_id=cls.type_guidance.id)
        late.action_screen_admissible()
        late.action_route(cls.body_x)
        for user in (cls.user_agent, cls.user_correspondent, cls.user_manager):
            user.password = user.login

    def _check(self, action, login, check):
        self.browser_js(f"/odoo/action-{action}", WAIT % check, login=login)

    def test_overdue_card_has_a_ribbon_and_a_red_deadline(self):
        self._check(
            "emowaten_petitions.emowaten_request_action_open",
            "emw_agent",
            "await wait('.o_kanban_record .ribbon');"
            "await wait('.o_kanban_record .badge.text-bg-danger')",
        )

    def test_correspondent_opens_on_his_bodies(self):
        self._check(
            "emowaten_petitions.emowaten_request_action_open",
            "emw_corr",
            "await wait('.o_kanban_record');"
            "const facets = [...document.querySelectorAll('.o_searchview_facet')]"
            ".map((facet) => facet.innerText).join('|');"
            "if (!facets.includes('My Bodies')) throw new Error('facets: ' + facets)",
        )

    def test_a_link_to_the_requests_opens_in_its_app(self):
        """The Requests menu runs a server action: its list came up under Discuss
        after a reload or from a shared link (no menu pointed at the list)."""
        app = self.env.ref("emowaten_petitions.emowaten_petitions_menu_root").name
        self.browser_js(
            "/odoo/emowaten-requests",
            WAIT
            % (
                "await wait('.o_kanban_record');"
                "const brand = await wait('.o_menu_brand');"
                f"if (brand.innerText.trim() !== {app!r})"
                " throw new Error('app: ' + brand.innerText);"
                "if (!location.pathname.endsWith('/emowaten-requests'))"
                " throw new Error('path: ' + location.pathname)"
            ),
            login="emw_agent",
        )

    def test_deadline_board_counts(self):
        self._check(
            "emowaten_petitions.emowaten_request_action_board",
            "emw_manager",
            "const measure = await wait('.o_pivot .o_pivot_measure_row');"
            "const row = await wait('.o_pivot tbody .o_pivot_header_cell_closed');"
            "if (!measure.innerText.includes('Count'))"
            " throw new Error('measure: ' + measure.innerText);"
            "if (measure.innerText.includes('Rating'))"
            " throw new Error('measure: ' + measure.innerText);"
            "if (!row.innerText.includes('Testville'))"
            " throw new Error('row: ' + row.innerText)",
        )
