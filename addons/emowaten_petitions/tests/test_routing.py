from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestRouting(EmowatenPetitionsCase):
    def test_multi_body_split_and_parent_answer(self):
        request = self._request()
        wizard = (
            self.env["emowaten.request.route"]
            .with_context(active_id=request.id)
            .create({"body_ids": [(6, 0, (self.body_x | self.body_y).ids)]})
        )
        wizard.action_route()
        self.assertEqual(request.state, "routed")
        self.assertEqual(len(request.child_ids), 2)
        child_x = request.child_ids.filtered(lambda c: c.body_id == self.body_x)
        child_y = request.child_ids - child_x
        self.assertEqual(child_x.correspondent_id, self.user_correspondent)
        self.assertEqual(child_x.name, f"{request.name}/1")
        self.assertEqual(child_x.date_deadline, request.date_deadline)
        self.assertNotEqual(child_x.tracking_code, request.tracking_code)
        # the correspondent works the child file from the body's side
        answer = (
            self.env["emowaten.answer"]
            .with_user(self.user_correspondent)
            .create(
                {
                    "request_id": child_x.id,
                    "kind": "information",
                    "body_html": "<p>Réponse du ministère.</p>",
                    "lang": "fr",
                }
            )
        )
        answer.action_submit()
        self.assertEqual(child_x.state, "answered")
        self.assertEqual(request.state, "routed", "one body has not answered yet")
        self.env["emowaten.answer"].create(
            {
                "request_id": child_y.id,
                "kind": "information",
                "body_html": "<p>Réponse.</p>",
            }
        ).action_submit()
        self.assertEqual(request.state, "answered", "every body answered")

    def test_transfer_reason_custody_and_alert(self):
        request = self._request(user_id=self.user_agent.id)
        with self.assertRaises(UserError):
            request.action_transfer("", body=self.body_x)
        wizard = (
            self.env["emowaten.request.transfer"]
            .with_context(active_ids=request.ids)
            .create({"body_id": self.body_x.id, "reason": "ministry competence"})
        )
        wizard.action_transfer()
        self.assertEqual(request.body_id, self.body_x)
        self.assertEqual(request.correspondent_id, self.user_correspondent)
        request.action_transfer("not ours", body=self.body_y)
        self.assertFalse(request.transfer_alert)
        self.assertFalse(request.activity_ids)
        request.action_transfer("back to the ministry", body=self.body_x)
        self.assertEqual(request.transfer_count, 3)
        self.assertTrue(request.transfer_alert)
        self.assertEqual(request.activity_ids.user_id, self.user_manager)
        log = request.custody_ids.sorted("id")
        self.assertEqual(len(log), 4)
        self.assertTrue(
            all(entry.date_to for entry in log[:-1]), "earlier holders closed"
        )
        self.assertFalse(log[-1].date_to)
        self.assertEqual(log[1].reason, "ministry competence")
        self.assertEqual(log[1].user_id, self.user_correspondent)
