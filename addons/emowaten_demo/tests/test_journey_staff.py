from urllib.parse import quote

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EmowatenDemoCase

QUIET_REPORT = "odoo.addons.base.models.ir_actions_report"


def _users(env, login):
    return env["res.users"].search([("login", "=", login)])


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestCorrespondentJourney(EmowatenDemoCase):
    """corr.sante sees the file routed to the Ministry of Health in the view the
    Requests app opens for him, opens it and answers it from a template."""

    def _routed_file(self):
        corr = _users(self.env, "corr.sante")
        Request = self.env["emowaten.request"]
        routed = Request.search(
            [("correspondent_id", "=", corr.id), ("state", "=", "routed")], limit=1
        )
        if not routed:
            # the demo data routes nothing to the Ministry of Health yet: the agent
            # routes a registered file of the Tunis office, as at the counter
            agent = _users(self.env, "agent.tunis")
            office = (
                self.env["emowaten.office.member"]
                .search([("user_id", "=", agent.id)], limit=1)
                .office_id
            )
            parent = Request.search(
                [
                    ("office_id", "=", office.id),
                    ("state", "=", "registered"),
                    ("parent_id", "=", False),
                ],
                limit=1,
            )
            health = self.env["emowaten.body"].search([("code", "=", "MIN-SAN")])
            parent.with_user(agent).action_route(health)
            routed = parent.child_ids.filtered(lambda r: r.body_id == health)
        self.assertEqual(routed.correspondent_id, corr)
        routed.subject = "Journey correspondent: vaccination of a newborn"
        return routed

    def _journey(self, lang):
        request = self._routed_file()
        template = self.env["emowaten.answer.template"].search(
            [("kind", "=", "information")], limit=1
        )
        cookies = {
            "emw_request": quote("Journey correspondent"),
            "emw_template": quote(template.with_context(lang=lang).name),
        }
        self.run_journey(
            "emowaten_demo_correspondent_tour", "corr.sante", lang, cookies=cookies
        )
        answer = request.answer_ids
        self.assertEqual(len(answer), 1)
        self.assertEqual(answer.template_id, template)
        self.assertEqual(answer.kind, template.kind)
        self.assertTrue(answer.body_html)
        self.assertNotEqual(answer.state, "draft")
        self.assertEqual(answer.author_id, _users(self.env, "corr.sante"))

    def test_correspondent_journey_ar(self):
        self._journey("ar_001")

    def test_correspondent_journey_fr(self):
        self._journey("fr_FR")


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestManagerJourney(EmowatenDemoCase):
    """chef.tunis: the overdue files on the deadline board, the office dashboard and
    the XLSX statistics."""

    def _journey(self, lang):
        chef = self.demo_user("chef.tunis", lang)
        office = (
            self.env["emowaten.office.member"]
            .search([("user_id", "=", chef.id), ("role", "=", "manager")], limit=1)
            .office_id
        )
        overdue = self.env["emowaten.request"].search(
            [
                ("office_id", "=", office.id),
                ("date_deadline", "<", "today"),
                (
                    "state",
                    "not in",
                    ("answered", "closed", "inadmissible", "withdrawn"),
                ),
            ],
            limit=1,
        )
        self.assertTrue(overdue, "the demo data has overdue files in Tunis")
        self.run_journey(
            "emowaten_demo_manager_tour",
            "chef.tunis",
            lang,
            cookies={"emw_overdue": quote(overdue.name)},
        )
        # the statistics the manager printed are a real XLSX workbook
        wizard = self.env["emowaten.reporting.wizard"].with_user(chef).create({})
        action = wizard.action_print()
        self.assertEqual(
            action["report_name"], "emowaten_reporting.periodic_statistics_xlsx"
        )
        with mute_logger(QUIET_REPORT):
            content, fmt = (
                self.env["ir.actions.report"]
                .with_user(chef)
                ._render_xlsx(action["report_name"], wizard.ids, action.get("data"))
            )
        self.assertEqual(fmt, "xlsx")
        self.assertTrue(content.startswith(b"PK"))

    def test_manager_journey_ar(self):
        self._journey("ar_001")

    def test_manager_journey_fr(self):
        self._journey("fr_FR")


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestSupervisorJourney(EmowatenDemoCase):
    """superviseur reads the national view and the readiness board, read-only."""

    def _journey(self, lang):
        supervisor = self.demo_user("superviseur", lang)
        self.run_journey("emowaten_demo_supervisor_tour", "superviseur", lang)
        readiness = self.env["emowaten.readiness"].with_user(supervisor)
        self.assertFalse(readiness.has_access("create"))
        self.assertFalse(readiness.browse().has_access("write"))

    def test_supervisor_journey_ar(self):
        self._journey("ar_001")

    def test_supervisor_journey_fr(self):
        self._journey("fr_FR")


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestAdministratorJourney(EmowatenDemoCase):
    """admin.emowaten creates a body, an office with members and an alias, and a
    request type with its deadline."""

    def _journey(self, lang):
        agent = _users(self.env, "agent.tunis")
        chef = _users(self.env, "chef.tunis")
        cookies = {
            "emw_agent": quote(agent.with_context(lang=lang).display_name),
            "emw_manager": quote(chef.with_context(lang=lang).display_name),
        }
        Member = self.env["emowaten.office.member"].with_context(lang=lang)
        roles = dict(Member._fields["role"]._description_selection(Member.env))
        cookies["emw_role_agent"] = quote(roles["agent"])
        cookies["emw_role_manager"] = quote(roles["manager"])
        self.run_journey(
            "emowaten_demo_admin_tour", "admin.emowaten", lang, cookies=cookies
        )
        body = self.env["emowaten.body"].search([("code", "=", "JRN-AG")])
        self.assertEqual(len(body), 1)
        self.assertEqual(body.name, "Journey Agency for Digital Services")
        office = self.env["emowaten.office"].search([("code", "=", "JRN-OFF")])
        self.assertEqual(len(office), 1)
        self.assertEqual(office.body_id, body)
        self.assertEqual(office.reference_prefix, "JRN")
        self.assertEqual(office.alias_name, "journey-office")
        members = {(m.user_id, m.role) for m in office.member_ids}
        self.assertEqual(members, {(agent, "agent"), (chef, "manager")})
        rtype = self.env["emowaten.request.type"].search([("code", "=", "JRN-CERT")])
        self.assertEqual(len(rtype), 1)
        self.assertEqual(rtype.deadline_days, 45)

    def test_admin_journey_ar(self):
        self._journey("ar_001")

    def test_admin_journey_fr(self):
        self._journey("fr_FR")
