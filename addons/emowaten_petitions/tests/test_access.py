from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestAccess(EmowatenPetitionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.req_a = cls._request(subject="Office A petition")
        cls.req_b = cls._request(office_id=cls.office_b.id, subject="Office B petition")
        cls.req_routed = cls._request(subject="Routed to X", body_id=cls.body_x.id)
        cls.req_secret = cls._request(
            type_id=cls.type_corruption.id, subject="Bribe report"
        )
        cls.answer_secret = cls.env["emowaten.answer"].create(
            {
                "request_id": cls.req_secret.id,
                "kind": "information",
                "body_html": "<p>x</p>",
            }
        )
        cls.all_requests = cls.req_a | cls.req_b | cls.req_routed | cls.req_secret

    def _visible(self, user):
        return (
            self.env["emowaten.request"]
            .with_user(user)
            .search([("id", "in", self.all_requests.ids)])
        )

    def test_agent_sees_own_office_only(self):
        self.assertEqual(self._visible(self.user_agent), self.req_a | self.req_routed)
        self.assertEqual(self._visible(self.user_agent_b), self.req_b)
        with self.assertRaises(AccessError):
            self.req_b.with_user(self.user_agent).read(["subject"])
        with self.assertRaises(AccessError):
            self.req_a.with_user(self.user_agent).unlink()

    def test_agent_cannot_register_in_another_office(self):
        """The agents' rule also lets them work what is assigned to them: a request
        created in another office and assigned to oneself passed the create check."""
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        with self.assertRaises(AccessError):
            Request.create(
                {
                    "office_id": self.office_b.id,
                    "user_id": self.user_agent.id,
                    "partner_id": self.citizen.id,
                    "subject": "Planted in office B",
                    "type_id": self.type_petition.id,
                }
            )
        own = Request.create(
            {
                "office_id": self.office_a.id,
                "partner_id": self.citizen.id,
                "subject": "In my office",
                "type_id": self.type_petition.id,
            }
        )
        self.assertEqual(own.office_id, self.office_a)

    def test_manager_does_not_see_confidential(self):
        visible = self._visible(self.user_manager)
        self.assertEqual(visible, self.req_a | self.req_routed)
        with self.assertRaises(AccessError):
            self.req_secret.with_user(self.user_manager).read(["subject"])
        answers = (
            self.env["emowaten.answer"]
            .with_user(self.user_manager)
            .search([("request_id", "=", self.req_secret.id)])
        )
        self.assertFalse(answers)

    def test_admin_and_supervisor_do_not_see_confidential(self):
        for user in (self.user_admin, self.user_supervisor):
            self.assertNotIn(self.req_secret, self._visible(user))
        self.assertIn(self.req_b, self._visible(self.user_supervisor))

    def test_designated_staff_see_confidential(self):
        self.assertIn(self.req_secret, self._visible(self.user_designated))
        self.req_secret.with_user(self.user_designated).write({"priority": "1"})
        self.assertTrue(
            self.answer_secret.with_user(self.user_designated).read(["kind"]),
        )

    def test_citizen_sees_own_confidential_report(self):
        portal_user = self.env["res.users"].create(
            {
                "name": "Amira (portal)",
                "login": "amira_portal",
                "partner_id": self.citizen.id,
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
        # the global rule lets the filer through; the portal addon grants the read
        rule_domain = (
            self.env["ir.rule"]
            .with_user(portal_user)
            ._compute_domain("emowaten.request", "read")
        )
        self.assertTrue(rule_domain)
        self.assertTrue(
            self.req_secret.with_user(portal_user)
            .sudo()
            .filtered_domain([("partner_id", "=", portal_user.partner_id.id)])
        )

    def test_correspondent_sees_routed_files(self):
        self.assertEqual(self._visible(self.user_correspondent), self.req_routed)
        self.req_routed.with_user(self.user_correspondent).write({"priority": "1"})
        with self.assertRaises(AccessError):
            self.env["emowaten.request"].with_user(self.user_correspondent).create(
                {
                    "office_id": self.office_a.id,
                    "type_id": self.type_petition.id,
                    "subject": "x",
                    "partner_id": self.citizen.id,
                }
            )

    def test_signatory_sees_body_files(self):
        visible = self._visible(self.user_signatory)
        self.assertIn(self.req_a, visible)
        self.assertNotIn(self.req_b, visible)
        with self.assertRaises(AccessError):
            self.req_a.with_user(self.user_signatory).unlink()

    def test_supervisor_reads_but_does_not_write(self):
        with self.assertRaises(AccessError):
            self.req_a.with_user(self.user_supervisor).write({"priority": "1"})

    def test_configuration_is_admin_only(self):
        with self.assertRaises(AccessError):
            self.type_petition.with_user(self.user_manager).write({"deadline_days": 5})
        self.type_petition.with_user(self.user_admin).write({"deadline_days": 45})
        self.assertEqual(
            self.req_a.deadline_days, 60, "deadlines are frozen at registration"
        )
