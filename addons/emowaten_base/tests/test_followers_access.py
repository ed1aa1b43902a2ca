"""Followers of e-Mowaten documents follow the document: offices (read by every
internal user) show their followers to their staff and to who may change them only;
readiness files, per office, show theirs to who may read them."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import EmowatenBaseCase


@tagged("post_install", "-at_install")
class TestFollowersAccess(EmowatenBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Private follower", "phone": "+216 98 000 111"}
        )
        cls.offices = cls.office_a | cls.office_b
        for office in cls.offices:
            office.message_subscribe(partner_ids=cls.outsider.ids)
        Readiness = cls.env["emowaten.readiness"]
        cls.ready_a = Readiness.create({"office_id": cls.office_a.id, "year": 2031})
        cls.ready_b = Readiness.create({"office_id": cls.office_b.id, "year": 2031})
        (cls.ready_a | cls.ready_b).message_subscribe(partner_ids=cls.outsider.ids)
        cls.settings_user = new_test_user(
            cls.env, "t_settings", "base.group_system", name="Settings only"
        )

    def _followed(self, user, model):
        rows = (
            self.env["mail.followers"]
            .with_user(user)
            .search_read(
                [("res_model", "=", model), ("partner_id", "=", self.outsider.id)],
                ["res_id"],
            )
        )
        return self.env[model].browse(row["res_id"] for row in rows)

    def test_office_followers_for_staff_and_managers(self):
        """Every internal user read the followers of every office."""
        expected = {
            self.agent_a: self.office_a,
            self.agent_b: self.office_b,
            self.manager_a: self.office_a,
            self.correspondent_a: self.env["emowaten.office"],
            self.signatory_a: self.env["emowaten.office"],
            self.supervisor: self.env["emowaten.office"],
            self.admin: self.offices,
        }
        for user, offices in expected.items():
            self.assertEqual(
                self._followed(user, "emowaten.office") & self.offices,
                offices,
                user.login,
            )
        rows = (
            self.env["mail.followers"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "emowaten.office"),
                    ("res_id", "=", self.office_a.id),
                    ("partner_id", "=", self.outsider.id),
                ]
            )
        )
        with self.assertRaises(AccessError):
            rows.with_user(self.agent_b).read(["partner_id"])
        # the office itself stays readable (routing needs it), its followers do not
        office = self.office_a.with_user(self.correspondent_a)
        self.assertEqual(office.name, "Office A")
        self.assertFalse(office.message_follower_ids)
        # (computed fields are cached whatever the user: read afresh as the agent)
        self.env.invalidate_all()
        self.assertIn(
            self.outsider, self.office_a.with_user(self.agent_a).message_partner_ids
        )
        # one's own subscription stays visible (to unfollow), not the others'
        self.office_a.message_subscribe(partner_ids=self.agent_b.partner_id.ids)
        self.env.invalidate_all()
        self.assertEqual(
            self.office_a.with_user(self.agent_b).message_partner_ids,
            self.agent_b.partner_id,
        )

    def test_searching_offices_by_follower(self):
        """Core searched the followers in sudo: anyone could tell who follows an
        office by searching offices on their followers."""
        domain = [
            ("id", "in", self.offices.ids),
            ("message_partner_ids", "in", self.outsider.ids),
        ]
        Office = self.env["emowaten.office"]
        self.assertFalse(Office.with_user(self.correspondent_a).search(domain))
        self.assertEqual(Office.with_user(self.agent_b).search(domain), self.office_b)
        self.assertEqual(Office.with_user(self.admin).search(domain), self.offices)

    def test_readiness_followers_follow_the_record(self):
        self.assertEqual(
            self._followed(self.agent_a, "emowaten.readiness"), self.ready_a
        )
        self.assertEqual(
            self._followed(self.agent_b, "emowaten.readiness"), self.ready_b
        )
        self.assertEqual(
            self._followed(self.supervisor, "emowaten.readiness"),
            self.ready_a | self.ready_b,
        )

    def test_count_and_group_follow_the_record(self):
        Followers = self.env["mail.followers"].with_user(self.agent_b)
        domain = [
            ("res_model", "=", "emowaten.office"),
            ("res_id", "=", self.office_a.id),
        ]
        self.assertEqual(Followers.search_count(domain), 0)
        self.assertFalse(Followers.formatted_read_group(domain, ["partner_id"]))

    def test_settings_user_changes_followers_of_what_he_may_change(self):
        """Direct writes on follower rows (only system users have the access right)
        are checked on the document, after the write too."""
        Followers = self.env["mail.followers"].with_user(self.settings_user)
        partner = self.env["res.partner"].create({"name": "Colleague"})
        with self.assertRaises(AccessError):
            Followers.create(
                {
                    "res_model": "emowaten.office",
                    "res_id": self.office_a.id,
                    "partner_id": partner.id,
                }
            )
        self.settings_user.group_ids |= self.env.ref(
            "emowaten_base.group_emowaten_manager"
        )
        self.env["emowaten.office.member"].create(
            {
                "office_id": self.office_a.id,
                "user_id": self.settings_user.id,
                "role": "manager",
            }
        )
        row = Followers.create(
            {
                "res_model": "emowaten.office",
                "res_id": self.office_a.id,
                "partner_id": partner.id,
            }
        )
        with self.assertRaises(AccessError):
            row.write({"res_id": self.office_b.id})
        other = self.env["mail.followers"].search(
            [("res_model", "=", "emowaten.office"), ("res_id", "=", self.office_b.id)]
        )
        with self.assertRaises(AccessError):
            other.with_user(self.settings_user).unlink()
        row.unlink()
