from odoo.tests import TransactionCase, tagged
from odoo.tools.safe_eval import safe_eval


@tagged("post_install", "-at_install")
class TestActionContexts(TransactionCase):
    def test_contexts_evaluate_in_the_web_client(self):
        """An action's context is evaluated by the web client, which knows the user,
        the active record and the time but not ``ref()``: the Citizens menu opened
        an error dialog ("Can not evaluate python expression")."""
        data = self.env["ir.model.data"].search(
            [
                ("module", "=like", "emowaten%"),
                ("model", "=", "ir.actions.act_window"),
            ]
        )
        actions = self.env["ir.actions.act_window"].browse(data.mapped("res_id"))
        self.assertTrue(actions)
        client_names = {
            "uid": self.env.uid,
            "context": {},
            "active_id": False,
            "active_ids": [],
            "active_model": False,
            "allowed_company_ids": self.env.companies.ids,
            "current_company_id": self.env.company.id,
        }
        for action in actions:
            with self.subTest(action=action.xml_id):
                safe_eval(action.context or "{}", dict(client_names))
