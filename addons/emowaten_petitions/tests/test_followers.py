from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestFollowers(EmowatenPetitionsCase):
    """The staff following a request hear of the citizen's replies; a confidential
    request is heard of by its designated staff only."""

    def _citizen_reply(self, request, body="Voici les documents demandés."):
        # as the mail gateway does: OdooBot posts on behalf of the citizen
        odoobot = self.env.ref("base.user_root")
        return (
            request.with_user(odoobot)
            .sudo()
            .message_post(
                body=body,
                author_id=self.citizen.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        )

    def _notified(self, message):
        return (
            self.env["mail.notification"]
            .sudo()
            .search([("mail_message_id", "=", message.id)])
            .res_partner_id
        )

    def test_citizen_reply_notifies_the_assigned_staff(self):
        request = (
            self.env["emowaten.request"]
            .with_user(self.user_agent)
            .create(
                {
                    "office_id": self.office_a.id,
                    "type_id": self.type_petition.id,
                    "partner_id": self.citizen.id,
                    "subject": "Route non goudronnée",
                    "channel": "counter",
                    "state": "registered",
                    "user_id": self.user_manager.id,
                    "body_id": self.body_x.id,
                    "correspondent_id": self.user_correspondent.id,
                }
            )
        )
        comment = self.env.ref("mail.mt_comment")
        followers = request.sudo().message_follower_ids
        staff = (
            self.user_agent | self.user_manager | self.user_correspondent
        ).partner_id
        self.assertEqual(followers.partner_id, staff | self.citizen)
        for follower in followers:
            # every follower gets at least the comments (the model's defaults)
            self.assertIn(comment, follower.subtype_ids, follower.partner_id.name)
        message = self._citizen_reply(request)
        self.assertEqual(self._notified(message), staff)

    def test_confidential_request_notifies_designated_staff_only(self):
        # a non-designated agent registers a corruption report at the counter
        request = (
            self.env["emowaten.request"]
            .with_user(self.user_agent)
            .sudo()
            .create(
                {
                    "office_id": self.office_a.id,
                    "type_id": self.type_corruption.id,
                    "partner_id": self.citizen.id,
                    "subject": "Signalement",
                    "channel": "counter",
                    "state": "registered",
                    "user_id": self.user_agent.id,
                }
            )
        )
        designated = self.user_designated.partner_id
        self.assertEqual(
            request.message_follower_ids.partner_id, designated | self.citizen
        )
        message = self._citizen_reply(request)
        self.assertEqual(self._notified(message), designated)
        # later assignments, subscriptions and explicit recipients do not leak it
        request.write({"user_id": self.user_manager.id})
        request.message_subscribe(partner_ids=self.user_supervisor.partner_id.ids)
        self.assertEqual(
            request.message_follower_ids.partner_id, designated | self.citizen
        )
        note = request.message_post(
            body="Alerte",
            partner_ids=(self.user_manager | self.user_designated).partner_id.ids,
            subtype_xmlid="mail.mt_comment",
            message_type="comment",
        )
        self.assertEqual(self._notified(note), designated | self.citizen)

    def test_confidential_escalation_goes_to_designated_staff(self):
        request = self._request(
            type_id=self.type_corruption.id, user_id=self.user_agent.id
        )
        levels = self.env["emowaten.escalation.level"].search([])
        for level in levels:
            level._emowaten_apply(request)
        activities = self.env["mail.activity"].search(
            [("res_model", "=", "emowaten.request"), ("res_id", "=", request.id)]
        )
        self.assertTrue(activities)
        self.assertEqual(activities.user_id, self.user_designated)
