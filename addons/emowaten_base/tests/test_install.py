from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_roles_exist(self):
        groups = self.env.ref("emowaten_base.res_groups_privilege_emowaten").group_ids
        self.assertEqual(len(groups), 6)
