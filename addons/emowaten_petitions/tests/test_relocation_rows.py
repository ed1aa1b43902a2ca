from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestRelocationRows(EmowatenPetitionsCase):
    """A message's author or an activity's creator could move it onto any file, a
    confidential report included (core checks the row before the write only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.req_a = cls._request(subject="Office A petition")
        cls.req_b = cls._request(office_id=cls.office_b.id, subject="Office B")
        cls.req_secret = cls._request(
            type_id=cls.type_corruption.id, subject="Bribe report"
        )

    def test_note_cannot_be_moved_onto_a_file_out_of_reach(self):
        # core already refuses it (only administrators move messages): kept as a
        # regression guard
        request = self.req_a.with_user(self.user_agent)
        note = request.message_post(body="internal note", message_type="comment")
        for target in (self.req_b, self.req_secret):
            with self.assertRaises(AccessError):
                note.with_user(self.user_agent).write({"res_id": target.id})
            self.assertEqual(note.sudo().res_id, self.req_a.id)

    def test_activity_cannot_be_moved_onto_a_file_out_of_reach(self):
        activity = self.req_a.with_user(self.user_agent).activity_schedule(
            "mail.mail_activity_data_todo", summary="call back"
        )
        for target in (self.req_b, self.req_secret):
            with self.assertRaises(AccessError):
                activity.with_user(self.user_agent).write({"res_id": target.id})
            self.assertEqual(activity.sudo().res_id, self.req_a.id)


@tagged("post_install", "-at_install")
class TestTransferOutOfReach(EmowatenPetitionsCase):
    """A correspondent handing a file to another body could not: the transfer's note
    was posted after the file had left his reach (posting needs write access)."""

    def test_correspondent_transfers_to_another_body(self):
        request = self._request(
            subject="Routed to X",
            body_id=self.body_x.id,
            correspondent_id=self.user_correspondent.id,
            state="routed",
        )
        for _round in range(3):
            request.sudo().write(
                {
                    "body_id": self.body_x.id,
                    "correspondent_id": self.user_correspondent.id,
                }
            )
            request.with_user(self.user_correspondent).action_transfer(
                "Not ours: municipal lighting", body=self.body_y
            )
            self.assertEqual(request.body_id, self.body_y)
        note = request.message_ids.filtered(
            lambda m: "Not ours: municipal lighting" in str(m.body)
        )
        self.assertEqual(len(note), 3)
        self.assertEqual(note.author_id, self.user_correspondent.partner_id)
        self.assertEqual(request.transfer_count, 3)
        # the third transfer alerted the office's managers
        self.assertTrue(
            request.activity_ids.filtered(lambda a: a.user_id == self.user_manager)
        )
