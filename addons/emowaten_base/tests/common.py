from odoo.tests import TransactionCase, new_test_user

QUIET = {
    "mail_create_nolog": True,
    "mail_create_nosubscribe": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "tracking_disable": True,
}

GROUP = "emowaten_base.group_emowaten_"


class EmowatenBaseCase(TransactionCase):
    """Two ministries (A with a sub-body, B), one office each, and one user of
    every role; nothing from demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        Body = cls.env["emowaten.body"]
        cls.state_tunis = cls.env.ref("emowaten_base.state_tn_11")
        cls.state_sfax = cls.env.ref("emowaten_base.state_tn_61")
        cls.body_a = Body.create(
            {
                "name": "Ministry A",
                "code": "T-MIN-A",
                "body_type": "ministry",
                "state_id": cls.state_tunis.id,
            }
        )
        cls.body_a_child = Body.create(
            {
                "name": "Regional Directorate A1",
                "code": "T-MIN-A1",
                "body_type": "epa",
                "parent_id": cls.body_a.id,
                "state_id": cls.state_sfax.id,
            }
        )
        cls.body_a_grandchild = Body.create(
            {
                "name": "Local Unit A1x",
                "code": "T-MIN-A1X",
                "body_type": "epa",
                "parent_id": cls.body_a_child.id,
            }
        )
        cls.body_b = Body.create(
            {"name": "Ministry B", "code": "T-MIN-B", "body_type": "ministry"}
        )
        Office = cls.env["emowaten.office"]
        cls.office_a = Office.create(
            {
                "name": "Office A",
                "code": "T-BRC-A",
                "reference_prefix": "TA",
                "kind": "ministry",
                "body_id": cls.body_a.id,
            }
        )
        cls.office_b = Office.create(
            {
                "name": "Office B",
                "code": "T-BRC-B",
                "reference_prefix": "TB",
                "kind": "ministry",
                "body_id": cls.body_b.id,
            }
        )
        env = cls.env
        cls.agent_a = new_test_user(env, "t_agent_a", GROUP + "agent", name="Agent A")
        cls.agent_b = new_test_user(env, "t_agent_b", GROUP + "agent", name="Agent B")
        cls.manager_a = new_test_user(
            env, "t_manager_a", GROUP + "manager", name="Manager A"
        )
        cls.correspondent_a = new_test_user(
            env, "t_corr_a", GROUP + "correspondent", name="Correspondent A"
        )
        cls.correspondent_a1 = new_test_user(
            env, "t_corr_a1", GROUP + "correspondent", name="Correspondent A1"
        )
        cls.signatory_a = new_test_user(
            env, "t_sign_a", GROUP + "signatory", name="Signatory A"
        )
        cls.supervisor = new_test_user(
            env, "t_supervisor", GROUP + "supervisor", name="Supervisor"
        )
        cls.admin = new_test_user(env, "t_admin", GROUP + "admin", name="Admin")
        cls.env["emowaten.office.member"].create(
            [
                {"office_id": cls.office_a.id, "user_id": cls.agent_a.id},
                {
                    "office_id": cls.office_a.id,
                    "user_id": cls.manager_a.id,
                    "role": "manager",
                },
                {"office_id": cls.office_b.id, "user_id": cls.agent_b.id},
            ]
        )
        cls.body_a.write(
            {
                "correspondent_ids": [(6, 0, cls.correspondent_a.ids)],
                "signatory_user_ids": [(6, 0, cls.signatory_a.ids)],
                "head_user_id": cls.correspondent_a.id,
            }
        )
        cls.body_a_child.correspondent_ids = cls.correspondent_a1
