from urllib.parse import quote

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EmowatenDemoCase

QUIET_REPORT = "odoo.addons.base.models.ir_actions_report"


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestAgentJourney(EmowatenDemoCase):
    """agent.tunis at the counter: a new citizen's request, its receipt, the screening,
    the routing to a body, a transfer, and another request found inadmissible."""

    def _body_name(self, code, lang):
        body = self.env["emowaten.body"].search([("code", "=", code)])
        return body.with_context(lang=lang).display_name

    def _journey(self, lang, cin, phone):
        agent = self.demo_user("agent.tunis", lang)
        Request = self.env["emowaten.request"]
        self.assertFalse(
            self.env["res.partner"].search([("emowaten_cin", "=", cin)]),
            "the journey's citizen must be new",
        )
        office = (
            self.env["emowaten.office.member"]
            .search([("user_id", "=", agent.id)], limit=1)
            .office_id
        )
        self.assertTrue(office, "agent.tunis belongs to an office in the demo data")
        candidate = Request.search(
            [
                ("office_id", "=", office.id),
                ("state", "=", "registered"),
                ("parent_id", "=", False),
            ],
            limit=1,
        )
        self.assertTrue(candidate, "the demo data has a registered request to screen")
        candidate.subject = "Journey inadmissible: please grant me a loan"
        reason = self.env["emowaten.inadmissibility.reason"].search(
            [("code", "=", "aid_request")]
        )
        cookies = {
            "emw_cin": cin,
            "emw_candidate": quote(candidate.name),
            "emw_phone": quote(phone),
            "emw_route": str(
                self.env.ref("emowaten_petitions.emowaten_request_route_action").id
            ),
            "emw_transfer": str(
                self.env.ref("emowaten_petitions.emowaten_request_transfer_action").id
            ),
            "emw_screen": str(
                self.env.ref("emowaten_petitions.emowaten_request_screen_action").id
            ),
            "emw_reason": quote(reason.with_context(lang=lang).name),
            "emw_health": quote(self._body_name("MIN-SAN", lang)),
            "emw_tunis": quote(self._body_name("GOV-11", lang)),
            "emw_social": quote(self._body_name("MIN-MAS", lang)),
        }
        self.run_journey(
            "emowaten_demo_agent_tour", "agent.tunis", lang, cookies=cookies
        )

        request = Request.search(
            [
                ("subject", "=", "Journey agent: pothole in front of the school"),
                ("parent_id", "=", False),
            ]
        )
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "counter")
        self.assertEqual(request.office_id, office)
        self.assertEqual(request.partner_id.name, "Journey Citizen")
        self.assertEqual(request.partner_id.emowaten_cin, cin)
        self.assertIn(
            phone.replace(" ", "")[-8:],
            (request.partner_id.phone or "").replace(" ", ""),
        )
        self.assertTrue(request.tracking_code)
        self.assertEqual(request.state, "routed")
        health = self.env["emowaten.body"].search([("code", "=", "MIN-SAN")])
        self.assertEqual(request.child_ids.body_id, health)
        tunis = self.env["emowaten.body"].search([("code", "=", "GOV-11")])
        self.assertEqual(request.body_id, tunis)
        self.assertEqual(request.transfer_count, 1)
        self.assertIn(
            "The Governorate maintains the roads around schools",
            request.custody_ids.mapped("reason"),
        )
        # the receipt the agent printed is a real PDF
        self.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        with mute_logger(QUIET_REPORT):
            pdf, fmt = (
                self.env["ir.actions.report"]
                .with_user(agent)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(
                    "emowaten_petitions.action_report_request_receipt", request.ids
                )
            )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        # the other request was found inadmissible, with its reason
        self.assertEqual(candidate.state, "inadmissible")
        self.assertEqual(candidate.inadmissibility_reason_id, reason)
        social = self.env["emowaten.body"].search([("code", "=", "MIN-MAS")])
        self.assertEqual(candidate.orientation_body_id, social)
        letter = candidate.answer_ids.filtered(lambda a: a.kind == "orientation")
        self.assertEqual(letter.state, "sent")

    def test_agent_journey_ar(self):
        self._journey("ar_001", "09871231", "+216 98 765 431")

    def test_agent_journey_fr(self):
        self._journey("fr_FR", "09871232", "+216 98 765 432")
