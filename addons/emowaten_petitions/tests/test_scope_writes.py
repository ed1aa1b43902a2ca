from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestScopeWrites(EmowatenPetitionsCase):
    """A plain write does not put a file out of its writer's reach: the write rules saw
    the file where it was, so a manager sent his office's files to another office, a
    correspondent handed his body's files to another body, anyone turned a petition
    into a confidential report nobody of the office sees again, without the trace a
    transfer leaves (found by the adversarial suite)."""

    def _refused(self, record, user, vals):
        field = next(iter(vals))
        before = record[field]
        with self.assertRaises(AccessError), self.env.cr.savepoint():
            record.with_user(user).write(vals)
        self.assertEqual(record[field], before)

    def test_moves_out_of_scope_are_refused(self):
        request = self._request(subject="Scope writes")
        self._refused(request, self.user_manager, {"office_id": self.office_b.id})
        self._refused(request, self.user_agent, {"type_id": self.type_corruption.id})
        self._refused(request, self.user_signatory, {"office_id": self.office_b.id})
        routed = self._request(subject="Routed", body_id=self.body_x.id)
        self._refused(routed, self.user_correspondent, {"body_id": self.body_y.id})

    def test_moves_inside_scope_and_transfers_still_work(self):
        request = self._request(subject="Scope writes")
        request.with_user(self.user_agent).write({"type_id": self.type_guidance.id})
        self.assertEqual(request.type_id, self.type_guidance)
        # the designated agent may file it as a confidential report
        request.with_user(self.user_designated).write(
            {"type_id": self.type_corruption.id}
        )
        self.assertEqual(request.type_id, self.type_corruption)
        # a transfer (which leaves its trace) still moves a file to another body
        routed = self._request(subject="Routed", body_id=self.body_x.id)
        routed.with_user(self.user_agent).action_transfer(
            "Not theirs", body=self.body_y
        )
        self.assertEqual(routed.body_id, self.body_y)
