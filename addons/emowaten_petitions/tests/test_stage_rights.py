from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestStageRights(EmowatenPetitionsCase):
    """A manager tunes the kanban of his own offices, never everyone's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Stage = cls.env["emowaten.request.stage"]
        cls.stage_global = Stage.create({"name": "Everyone's", "state": "draft"})
        cls.stage_a = Stage.create(
            {"name": "Office A's", "state": "draft", "office_ids": cls.office_a.ids}
        )
        cls.stage_b = Stage.create(
            {"name": "Office B's", "state": "draft", "office_ids": cls.office_b.ids}
        )

    def test_manager_changes_his_office_stage(self):
        self.stage_a.with_user(self.user_manager).write({"name": "Renamed"})
        self.assertEqual(self.stage_a.name, "Renamed")
        new = (
            self.env["emowaten.request.stage"]
            .with_user(self.user_manager)
            .create({"name": "Mine", "state": "draft", "office_ids": self.office_a.ids})
        )
        self.assertTrue(new.exists())

    def test_manager_cannot_change_global_or_other_stage(self):
        as_manager = self.env["emowaten.request.stage"].with_user(self.user_manager)
        for stage in (self.stage_global, self.stage_b):
            with self.assertRaises(AccessError):
                stage.with_user(self.user_manager).write({"fold": True})
            self.assertFalse(stage.fold)
            with self.assertRaises(AccessError):
                stage.with_user(self.user_manager).unlink()
        # a stage for every office, or for his and another one, is not his to create
        for offices in ([], (self.office_a | self.office_b).ids):
            with self.assertRaises(AccessError):
                as_manager.create(
                    {"name": "x", "state": "draft", "office_ids": offices}
                )

    def test_manager_cannot_hand_his_stage_to_another_office(self):
        # the rule holds on the values after the write, not only before
        with self.assertRaises(AccessError):
            self.stage_a.with_user(self.user_manager).write(
                {"office_ids": [(4, self.office_b.id)]}
            )
        self.assertEqual(self.stage_a.office_ids, self.office_a)
        with self.assertRaises(AccessError):
            self.stage_a.with_user(self.user_manager).write({"office_ids": [(5,)]})
        self.assertEqual(self.stage_a.office_ids, self.office_a)

    def test_agent_and_supervisor_read_only(self):
        for user in (self.user_agent, self.user_supervisor):
            self.assertTrue(self.stage_global.with_user(user).read(["name"]))
            with self.assertRaises(AccessError):
                self.stage_a.with_user(user).write({"fold": True})
