from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged, users

from .common import EmowatenBaseCase


@tagged("post_install", "-at_install")
class TestAccessRights(EmowatenBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Readiness = cls.env["emowaten.readiness"]
        cls.ready_a = Readiness.create({"office_id": cls.office_a.id, "year": 2030})
        cls.ready_b = Readiness.create({"office_id": cls.office_b.id, "year": 2030})
        cls.ready_a1 = Readiness.create({"body_id": cls.body_a_child.id, "year": 2030})
        Agreement = cls.env["emowaten.hosting.agreement"]
        cls.agreement_a = Agreement.create({"body_id": cls.body_a.id, "year": 2030})
        cls.agreement_a1 = Agreement.create(
            {"body_id": cls.body_a_child.id, "year": 2030}
        )
        cls.agreement_b = Agreement.create({"body_id": cls.body_b.id, "year": 2030})
        cls.portal = new_test_user(cls.env, "t_portal", "base.group_portal")

    def _readiness(self):
        return self.env["emowaten.readiness"].search([("year", "=", 2030)])

    @users("t_agent_a")
    def test_agent_sees_only_own_office(self):
        self.assertEqual(self._readiness(), self.ready_a.with_env(self.env))
        with self.assertRaises(AccessError):
            self.ready_b.with_env(self.env).read(["score"])
        with self.assertRaises(AccessError):
            self.ready_a.with_env(self.env).write({"scanner_count": 3})
        with self.assertRaises(AccessError):
            self.office_b.with_env(self.env).write({"opening_hours": "never"})
        with self.assertRaises(AccessError):
            self.office_a.with_env(self.env).write({"opening_hours": "always"})
        with self.assertRaises(AccessError):
            self.env["emowaten.hosting.agreement"].search([])
        # reference data stays readable for routing
        self.assertTrue(self.office_b.with_env(self.env).name)
        self.assertTrue(self.body_b.with_env(self.env).name)

    @users("t_agent_a")
    def test_agent_registers_a_citizen_at_the_counter(self):
        Partner = self.env["res.partner"].with_context(default_emowaten_is_citizen=True)
        with Form(Partner) as form:
            form.name = "Citizen at the counter"
            form.emowaten_cin = "01234567"
            form.phone = "22 123 456"
        citizen = form.record
        self.assertEqual(citizen.phone, "+21622123456")
        citizen.emowaten_consent = True
        self.assertTrue(citizen.emowaten_consent_date)
        with self.assertRaises(AccessError):
            citizen.unlink()

    @users("t_agent_b")
    def test_agent_b_cannot_touch_office_a(self):
        self.assertEqual(self._readiness(), self.ready_b.with_env(self.env))
        with self.assertRaises(AccessError):
            self.ready_a.with_env(self.env).read(["score"])
        with self.assertRaises(AccessError):
            self.office_a.with_env(self.env).write({"phone": "+21671000000"})

    @users("t_manager_a")
    def test_manager_runs_own_office_only(self):
        office_a = self.office_a.with_env(self.env)
        office_a.opening_hours = "8:00-15:00"
        self.ready_a.with_env(self.env).write({"scanner_count": 2})
        office_a.member_ids = [(0, 0, {"user_id": self.agent_b.id})]
        with self.assertRaises(AccessError):
            self.office_b.with_env(self.env).write({"opening_hours": "never"})
        with self.assertRaises(AccessError):
            self.env["emowaten.office.member"].create(
                {"office_id": self.office_b.id, "user_id": self.manager_a.id}
            )
        with self.assertRaises(AccessError):
            self.ready_b.with_env(self.env).read(["score"])
        agreements = self.env["emowaten.hosting.agreement"].search([])
        self.assertEqual(agreements, self.agreement_a.with_env(self.env))
        with self.assertRaises(AccessError):
            agreements.budget = 5.0

    @users("t_manager_a")
    def test_manager_cannot_make_himself_manager_elsewhere(self):
        """The create rule read the manager's offices after his new row had
        recomputed them: he made himself manager of any office, then read it."""
        Member = self.env["emowaten.office.member"]
        with self.assertRaises(AccessError):
            Member.create(
                {
                    "office_id": self.office_b.id,
                    "user_id": self.manager_a.id,
                    "role": "manager",
                }
            )
        own_row = Member.search(
            [("office_id", "=", self.office_a.id), ("user_id", "=", self.manager_a.id)]
        )
        self.assertTrue(own_row)
        with self.assertRaises(AccessError):
            own_row.write({"office_id": self.office_b.id})
        self.assertNotIn(self.office_b, self.manager_a.emowaten_managed_office_ids)
        with self.assertRaises(AccessError):
            self.ready_b.with_env(self.env).read(["score"])

    @users("t_corr_a")
    def test_correspondent_sees_body_and_sub_bodies(self):
        self.assertEqual(
            self._readiness(), (self.ready_a | self.ready_a1).with_env(self.env)
        )
        self.assertEqual(
            self.env["emowaten.hosting.agreement"].search([]),
            (self.agreement_a | self.agreement_a1).with_env(self.env),
        )
        with self.assertRaises(AccessError):
            self.agreement_b.with_env(self.env).read(["budget"])
        with self.assertRaises(AccessError):
            self.ready_a.with_env(self.env).write({"scanner_count": 1})
        with self.assertRaises(AccessError):
            self.body_a.with_env(self.env).write({"phone": "+21671000000"})

    @users("t_corr_a1")
    def test_sub_body_correspondent_does_not_see_parent(self):
        self.assertEqual(self._readiness(), self.ready_a1.with_env(self.env))
        with self.assertRaises(AccessError):
            self.agreement_a.with_env(self.env).read(["budget"])

    @users("t_supervisor")
    def test_supervisor_reads_everything_changes_little(self):
        self.assertEqual(
            self._readiness(),
            (self.ready_a | self.ready_b | self.ready_a1).with_env(self.env),
        )
        self.assertEqual(
            len(self.env["emowaten.hosting.agreement"].search([("year", "=", 2030)])),
            3,
        )
        # the central bureau organises the trainings; it reads the readiness board,
        # which the offices' managers keep (the supervisor is a read-only role)
        with self.assertRaises(AccessError):
            self.ready_b.with_env(self.env).write({"computer_count": 4})
        self.env["emowaten.training.session"].create({"name": "Session"})
        with self.assertRaises(AccessError):
            self.agreement_b.with_env(self.env).write({"budget": 1.0})
        with self.assertRaises(AccessError):
            self.body_b.with_env(self.env).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.office_b.with_env(self.env).write({"name": "Renamed"})

    @users("t_sign_a")
    def test_signatory_has_no_board(self):
        with self.assertRaises(AccessError):
            self._readiness()
        body = self.body_a.with_env(self.env)
        self.assertTrue(body.name)
        # the board's figures stay hidden, without an access error on the body
        self.assertEqual((body.readiness_score, body.hosting_agreement_count), (0.0, 0))

    @users("t_admin")
    def test_admin_configures(self):
        body = self.env["emowaten.body"].create(
            {"name": "New Authority", "code": "T-AUT", "body_type": "authority"}
        )
        self.env["emowaten.office"].create(
            {
                "name": "Office of the authority",
                "code": "T-BRC-AUT",
                "reference_prefix": "AUT",
                "body_id": body.id,
                "kind": "establishment",
            }
        )
        self.agreement_b.with_env(self.env).budget = 10.0
        self.assertEqual(len(self._readiness()), 3)

    @users("t_portal")
    def test_portal_reads_reference_data_only(self):
        self.assertTrue(self.office_a.with_env(self.env).name)
        with self.assertRaises(AccessError):
            self._readiness()
        with self.assertRaises(AccessError):
            self.env["emowaten.hosting.usage"].search([])

    def test_rules_follow_membership_changes(self):
        """Record rules embed the user's offices: a new membership applies at once."""
        self.env["emowaten.office.member"].create(
            {"office_id": self.office_b.id, "user_id": self.agent_a.id}
        )
        visible = (
            self.env["emowaten.readiness"]
            .with_user(self.agent_a)
            .search([("year", "=", 2030)])
        )
        self.assertEqual(visible, self.ready_a | self.ready_b)
