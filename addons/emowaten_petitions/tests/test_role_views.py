from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.tests import Form, tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestRoleViews(EmowatenPetitionsCase):
    """What each role lands on, and how late files show on the boards."""

    def test_correspondent_opens_a_child_file_of_another_office(self):
        """The form showed the parent file, which lies in the routing office: the
        body's correspondent got an access error opening the file routed to him."""
        request = self._request()
        request.action_screen_admissible()
        child = request.action_route(self.body_x)
        corr = self.user_correspondent
        Request = self.env["emowaten.request"].with_user(corr)
        self.assertFalse(Request.search([("id", "=", request.id)]))
        form = Form(child.with_user(corr))
        self.assertEqual(form.parent_reference, request.name)
        self.assertEqual(Form(child.with_user(self.user_agent)).parent_id, request)

    def test_correspondent_answers_a_child_file_of_another_office(self):
        """Answering the last child file answers the main file, which the body's
        correspondent may not read: his answer failed with an access error."""
        request = self._request(type_id=self.type_guidance.id)
        request.action_screen_admissible()
        child = request.action_route(self.body_x)
        answer = (
            self.env["emowaten.answer"]
            .with_user(self.user_correspondent)
            .create(
                {
                    "request_id": child.id,
                    "kind": "information",
                    "body_html": "<p>Voici la procédure.</p>",
                }
            )
        )
        answer.action_submit()
        self.assertEqual(answer.state, "sent")
        self.assertEqual(child.state, "answered")
        self.assertEqual(request.state, "answered")

    def test_correspondent_lands_on_the_files_of_his_body(self):
        request = self._request()
        request.action_screen_admissible()
        child = request.action_route(self.body_x)
        Request = self.env["emowaten.request"]
        open_action = self.env.ref("emowaten_petitions.emowaten_request_action_open")
        menu = self.env.ref("emowaten_petitions.emowaten_request_menu")
        self.assertEqual(menu.action, open_action)
        # the correspondent: a filter of his bodies by default, his own help text
        action = open_action.with_user(self.user_correspondent).run()
        self.assertEqual(action["res_model"], "emowaten.request")
        self.assertEqual(action["context"].get("search_default_my_bodies"), 1)
        self.assertNotIn("search_default_my_office", action["context"])
        self.assertIn("your bodies", str(action["help"]))
        mine = Request.with_user(self.user_correspondent).search(
            [("for_my_bodies", "=", True)]
        )
        self.assertEqual(mine, child)
        self.assertTrue(child.with_user(self.user_correspondent).for_my_bodies)
        # the agents' defaults show him nothing, which was the defect
        self.assertFalse(
            Request.with_user(self.user_correspondent).search(
                [("office_id.user_ids", "in", [self.user_correspondent.id])]
            )
        )
        # the signatory of the office's body sees the office's files
        action = open_action.with_user(self.user_signatory).run()
        self.assertEqual(action["context"].get("search_default_my_bodies"), 1)
        signed = Request.with_user(self.user_signatory).search(
            [("for_my_bodies", "=", True)]
        )
        self.assertIn(request, signed)
        # agents and managers keep the office board and its help text
        for user in (self.user_agent, self.user_manager):
            action = open_action.with_user(user).run()
            self.assertIn("search_default_my_office", action["context"])
            self.assertIn("Register the first request", str(action["help"]))

    def test_overdue_files_stand_out(self):
        with freeze_time("2026-01-05 09:00:00"):
            late = self._request(type_id=self.type_guidance.id)
            closed = self._request(type_id=self.type_guidance.id)
            closed.action_withdraw()
            on_time = self._request(
                type_id=self.type_guidance.id, subject="Autre demande"
            )
        on_time.deadline_start_date = fields.Date.today()
        self.assertTrue(late.deadline_overdue)
        self.assertFalse(closed.deadline_overdue)
        self.assertFalse(on_time.deadline_overdue)
        Request = self.env["emowaten.request"]
        ids = (late | closed | on_time).ids
        self.assertEqual(
            Request.search([("id", "in", ids), ("deadline_overdue", "=", True)]), late
        )
        self.assertEqual(
            Request.search([("id", "in", ids), ("deadline_overdue", "=", False)]),
            closed | on_time,
        )
        # the kanban card and the list row are decorated
        views = Request.get_views([(False, "kanban"), (False, "list")])["views"]
        self.assertIn("deadline_overdue", views["kanban"]["arch"])
        self.assertIn('decoration-danger="deadline_overdue"', views["list"]["arch"])
        self.assertLess(late.date_deadline, fields.Date.today() - timedelta(days=1))

    def test_deadline_board_counts_per_office_and_escalation(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emowaten_petitions.emowaten_request_action_board"
        )
        context = action["context"]
        self.assertIn("'pivot_measures': ['__count']", context)
        self.assertIn("'pivot_column_groupby': ['escalation_level_id']", context)
        self.assertNotIn("body_id", context)
        pivot = dict((mode, view) for view, mode in action["views"])["pivot"]
        arch = self.env["emowaten.request"].get_views([(pivot, "pivot")])["views"][
            "pivot"
        ]["arch"]
        self.assertIn('name="escalation_level_id" type="col"', arch)
        self.assertNotIn('type="measure"', arch)
        # technical columns are neither measures nor custom group-bys
        described = self.env["emowaten.request"].fields_get(
            attributes=["aggregator", "groupable"]
        )
        for fname in ("color", "reference_number", "reference_sequence"):
            self.assertFalse(described[fname].get("aggregator"), fname)
        for fname in ("access_token", "subject_normalized", "color"):
            self.assertFalse(described[fname]["groupable"], fname)
        self.assertTrue(described["office_id"]["groupable"])
        self.assertEqual(described["rating"]["aggregator"], "avg")
        # an escalation records the level, shown by its name on the board
        level = self.env["emowaten.escalation.level"].search([], limit=1)
        request = self._request()
        level._emowaten_apply(request)
        self.assertEqual(request.escalation_level_id, level)
        self.assertEqual(request.escalation_level, level.sequence)
