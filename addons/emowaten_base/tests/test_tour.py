from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestReadinessTour(HttpCase):
    def test_readiness_board_tour(self):
        # the office's manager keeps its checklist (the central bureau reads it)
        manager = new_test_user(
            self.env,
            "t_tour_manager",
            "emowaten_base.group_emowaten_manager",
            name="Tour Manager",
        )
        agent = new_test_user(
            self.env, "t_tour_agent", "emowaten_base.group_emowaten_agent"
        )
        body = self.env["emowaten.body"].create(
            {
                "name": "Tour Ministry",
                "code": "T-TOUR",
                "body_type": "ministry",
                "state_id": self.env.ref("emowaten_base.state_tn_11").id,
            }
        )
        office = self.env["emowaten.office"].create(
            {
                "name": "Tour Office",
                "code": "T-BRC-TOUR",
                "reference_prefix": "TOUR",
                "kind": "ministry",
                "body_id": body.id,
                "state_id": body.state_id.id,
                "member_ids": [
                    (0, 0, {"user_id": agent.id}),
                    (0, 0, {"user_id": manager.id, "role": "manager"}),
                ],
            }
        )
        readiness = self.env["emowaten.readiness"].create(
            {"office_id": office.id, "year": fields.Date.today().year}
        )
        self.start_tour("/odoo", "emowaten_base_readiness_tour", login=manager.login)
        self.assertEqual(readiness.scanner_count, 1)
        self.assertTrue(readiness.equipment_ok)
