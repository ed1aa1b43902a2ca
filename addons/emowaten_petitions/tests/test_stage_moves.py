from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestStageMoves(EmowatenPetitionsCase):
    """A card dragged on the kanban (a write of stage_id alone) follows the rules of
    the buttons; the buttons available from the list work on several files."""

    def _stage_of(self, state):
        return self.env["emowaten.request.stage"].browse(
            self.env["emowaten.request"]._emowaten_stage_map()[state]
        )

    def test_drag_to_routed_needs_screening_and_a_body(self):
        request = self._request().with_user(self.user_agent)
        routed = self._stage_of("routed")
        # not screened yet: the drag is refused, nothing changes
        with self.assertRaisesRegex(UserError, "Route button"):
            request.stage_id = routed
        self.assertEqual(request.state, "registered")
        request.action_screen_admissible()
        # screened, but no competent body: refused as well
        with self.assertRaisesRegex(UserError, "no competent body"):
            request.stage_id = routed
        self.assertEqual(request.state, "screening")
        request.body_id = self.body_x
        request.stage_id = routed
        self.assertEqual(request.state, "routed")

    def test_drag_cannot_bypass_answers_signatures_and_letters(self):
        request = self._request().with_user(self.user_agent)
        for state in ("answer_drafted", "to_sign", "answered", "inadmissible"):
            with self.subTest(state=state), self.assertRaises(UserError):
                request.stage_id = self._stage_of(state)
            self.assertEqual(request.state, "registered")
        # a petition needs a written answer before it is closed, as the button says
        with self.assertRaisesRegex(UserError, "written answer"):
            request.stage_id = self._stage_of("closed")
        # the status bar back to "Registered" from a later state is refused too
        request.action_screen_admissible()
        with self.assertRaisesRegex(UserError, "Register button"):
            request.stage_id = self._stage_of("registered")
        # the flows themselves still move the request (they write the state)
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "information",
                "body_html": "<p>Réponse.</p>",
            }
        )
        self.assertEqual(request.state, "answer_drafted")
        answer.action_submit()
        self.assertEqual(request.state, "answered")
        request.stage_id = self._stage_of("closed")
        self.assertEqual(request.state, "closed")

    def test_screen_several_requests_at_once(self):
        requests = (
            self._request(subject="Éclairage public rue 1")
            | self._request(subject="Trottoir abîmé rue 2")
            | self._request(subject="Collecte des ordures rue 3")
        ).with_user(self.user_agent)
        action = self.env.ref(
            "emowaten_petitions.emowaten_request_action_screen_admissible"
        )
        action.with_user(self.user_agent).with_context(
            active_model="emowaten.request",
            active_ids=requests.ids,
            active_id=requests[0].id,
        ).run()
        self.assertEqual(set(requests.mapped("state")), {"screening"})
        for request in requests:
            self.assertIn(
                "Screened: admissible.",
                request.message_ids.mapped(lambda m: m.body.striptags()),
            )
        # the other buttons shown in the list work on several files as well
        requests.action_start_study()
        self.assertEqual(set(requests.mapped("state")), {"study"})
        requests.action_suspend()
        self.assertTrue(all(requests.mapped("deadline_suspended")))
        requests.action_resume()
        self.assertFalse(any(requests.mapped("deadline_suspended")))
        requests.action_extend(5, "Enquête sur place")
        transfer = (
            self.env["emowaten.request.transfer"]
            .with_user(self.user_agent)
            .with_context(active_model="emowaten.request", active_ids=requests.ids)
            .create({"body_id": self.body_x.id, "reason": "Compétence du ministère"})
        )
        transfer.action_transfer()
        self.assertEqual(requests.body_id, self.body_x)
        self.assertEqual(set(requests.mapped("transfer_count")), {1})
        requests.action_withdraw()
        self.assertEqual(set(requests.mapped("state")), {"withdrawn"})
