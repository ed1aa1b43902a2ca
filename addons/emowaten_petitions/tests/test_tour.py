from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestCounterTour(HttpCase):
    def test_agent_registers_and_moves_on_kanban(self):
        agent = new_test_user(
            self.env,
            "emw_tour_agent",
            groups="emowaten_base.group_emowaten_agent",
            name="Tour Agent",
            password="emw_tour_agent",
        )
        body = self.env["emowaten.body"].create(
            {"name": "Tour body", "code": "T-TOUR", "body_type": "governorate"}
        )
        office = self.env["emowaten.office"].create(
            {
                "name": "Tour office",
                "code": "T-TOUR",
                "reference_prefix": "TUR",
                "body_id": body.id,
                "member_ids": [Command.create({"user_id": agent.id, "role": "agent"})],
            }
        )
        self.env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "Tour Citizen",
                "emowaten_cin": "06777888",
                "phone": "+216 71 000 111",
            }
        )
        self.start_tour(
            "/odoo", "emowaten_request_counter_tour", login="emw_tour_agent"
        )
        request = self.env["emowaten.request"].search([("office_id", "=", office.id)])
        self.assertEqual(len(request), 1)
        self.assertEqual(request.channel, "counter")
        self.assertEqual(request.state, "study")
        self.assertTrue(request.name.startswith("TUR-"))
        self.assertEqual(request.partner_id.name, "Tour Citizen")
