from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EmowatenBaseCase


@tagged("post_install", "-at_install")
class TestBodyHierarchy(EmowatenBaseCase):
    def test_child_of_uses_parent_path(self):
        Body = self.env["emowaten.body"]
        self.assertEqual(
            self.body_a_grandchild.parent_path,
            f"{self.body_a.id}/{self.body_a_child.id}/{self.body_a_grandchild.id}/",
        )
        tree = Body.search([("id", "child_of", self.body_a.id)])
        self.assertEqual(tree, self.body_a | self.body_a_child | self.body_a_grandchild)
        self.assertEqual(
            Body.search([("id", "parent_of", self.body_a_grandchild.id)]),
            self.body_a | self.body_a_child | self.body_a_grandchild,
        )
        self.assertNotIn(self.body_b, tree)

    def test_move_subtree(self):
        """Re-parenting a body moves its whole subtree in child_of searches."""
        Body = self.env["emowaten.body"]
        self.body_a_child.parent_id = self.body_b
        self.assertEqual(
            Body.search([("id", "child_of", self.body_b.id)]),
            self.body_b | self.body_a_child | self.body_a_grandchild,
        )
        self.assertEqual(Body.search([("id", "child_of", self.body_a.id)]), self.body_a)
        self.assertEqual(
            self.body_a_grandchild.complete_name,
            "Ministry B / Regional Directorate A1 / Local Unit A1x",
        )

    def test_no_cycle(self):
        with self.assertRaises(UserError):
            self.body_a.parent_id = self.body_a_grandchild

    def test_code_unique(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env["emowaten.body"].create(
                    {"name": "Duplicate", "code": "T-MIN-A", "body_type": "ministry"}
                )

    def test_search_by_arabic_name_and_code(self):
        self.body_a.name_ar = "وزارة أ"
        Body = self.env["emowaten.body"]
        self.assertIn(self.body_a, Body.search([("display_name", "ilike", "وزارة")]))
        found = Body.name_search("T-MIN-A1X")
        self.assertEqual([row[0] for row in found], [self.body_a_grandchild.id])

    def test_archived_body_hidden(self):
        self.body_a_grandchild.active = False
        Body = self.env["emowaten.body"]
        self.assertNotIn(
            self.body_a_grandchild, Body.search([("id", "child_of", self.body_a.id)])
        )

    def test_user_stored_relations(self):
        self.assertEqual(self.agent_a.emowaten_office_ids, self.office_a)
        self.assertFalse(self.agent_a.emowaten_managed_office_ids)
        self.assertEqual(self.manager_a.emowaten_managed_office_ids, self.office_a)
        self.assertEqual(self.office_a.user_ids, self.agent_a | self.manager_a)
        self.assertEqual(self.office_a.manager_user_ids, self.manager_a)
        self.assertEqual(self.correspondent_a.emowaten_body_ids, self.body_a)
        self.assertEqual(
            self.correspondent_a.emowaten_body_tree_ids,
            self.body_a | self.body_a_child | self.body_a_grandchild,
        )
        # the stored m2m follow membership changes
        member = self.office_a.member_ids.filtered(lambda m: m.user_id == self.agent_a)
        member.role = "manager"
        self.assertEqual(self.agent_a.emowaten_managed_office_ids, self.office_a)
        member.unlink()
        self.assertFalse(self.agent_a.emowaten_office_ids)

    def test_arabic_and_french_names_become_translations(self):
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["res.lang"]._activate_lang("fr_FR")
        body = self.env["emowaten.body"].create(
            {
                "name": "Ministry of Youth and Sports",
                "name_ar": "وزارة الشباب والرياضة",
                "name_fr": "Ministère de la Jeunesse et des Sports",
                "code": "T-MIN-JS",
                "body_type": "ministry",
            }
        )
        self.assertEqual(body.with_context(lang="ar_001").name, "وزارة الشباب والرياضة")
        self.assertEqual(
            body.with_context(lang="fr_FR").name,
            "Ministère de la Jeunesse et des Sports",
        )
        body.name_fr = "Ministère des Sports"
        self.assertEqual(body.with_context(lang="fr_FR").name, "Ministère des Sports")
        self.assertEqual(
            body.with_context(lang="en_US").name, "Ministry of Youth and Sports"
        )


# Run right after emowaten_base is installed, before the addons that override the hooks
# (petitions, signature) are loaded: this checks base's own, neutral answers.
@tagged("at_install", "-post_install")
class TestNeutralHooks(EmowatenBaseCase):
    def test_readiness_hooks_neutral(self):
        bodies = self.body_a | self.body_b
        self.assertEqual(
            bodies._emowaten_readiness_signatory_ok(),
            {self.body_a.id: True, self.body_b.id: False},
        )
        self.assertEqual(bodies._emowaten_answer_rate(), {})
