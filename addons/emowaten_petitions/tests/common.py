from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

QUIET = {"mail_create_nolog": True, "mail_notrack": True, "no_reset_password": True}


class EmowatenPetitionsCase(TransactionCase):
    """Two offices of two bodies, a user of every role, the request types."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        env = cls.env
        base = "emowaten_base.group_emowaten_"
        cls.user_agent = new_test_user(
            env, "emw_agent", groups=base + "agent", name="Agent A"
        )
        cls.user_manager = new_test_user(
            env, "emw_manager", groups=base + "manager", name="Manager A"
        )
        cls.user_agent_b = new_test_user(
            env, "emw_agent_b", groups=base + "agent", name="Agent B"
        )
        cls.user_correspondent = new_test_user(
            env, "emw_corr", groups=base + "correspondent", name="Correspondent X"
        )
        cls.user_signatory = new_test_user(
            env, "emw_sign", groups=base + "signatory", name="Signatory A"
        )
        cls.user_supervisor = new_test_user(
            env, "emw_super", groups=base + "supervisor", name="Supervisor"
        )
        cls.user_admin = new_test_user(
            env, "emw_admin", groups=base + "admin", name="Admin"
        )
        cls.user_designated = new_test_user(
            env, "emw_designated", groups=base + "agent", name="Designated A"
        )
        cls.user_head = new_test_user(
            env, "emw_head", groups=base + "agent", name="Head X"
        )
        cls.user_central = new_test_user(
            env, "emw_central", groups=base + "manager", name="Central Manager"
        )
        Body = env["emowaten.body"]
        cls.body_a = Body.create(
            {
                "name": "Governorate of Testville",
                "name_ar": "ولاية تستفيل",
                "name_fr": "Gouvernorat de Testville",
                "code": "T-GOV-A",
                "body_type": "governorate",
                "signatory_user_ids": [Command.link(cls.user_signatory.id)],
            }
        )
        cls.body_x = Body.create(
            {
                "name": "Ministry of Tests",
                "name_ar": "وزارة الاختبارات",
                "name_fr": "Ministère des Tests",
                "code": "T-MIN-X",
                "body_type": "ministry",
                "head_user_id": cls.user_head.id,
                "correspondent_ids": [Command.link(cls.user_correspondent.id)],
            }
        )
        cls.body_y = Body.create(
            {
                "name": "Municipality of Testville",
                "code": "T-MUN-Y",
                "body_type": "municipality",
            }
        )
        Office = env["emowaten.office"]
        cls.office_a = Office.create(
            {
                "name": "Citizen Relations Office of Testville",
                "code": "T-BRC-A",
                "reference_prefix": "TST",
                "kind": "governorate",
                "body_id": cls.body_a.id,
                "member_ids": [
                    Command.create({"user_id": cls.user_agent.id, "role": "agent"}),
                    Command.create({"user_id": cls.user_manager.id, "role": "manager"}),
                    Command.create(
                        {"user_id": cls.user_designated.id, "role": "agent"}
                    ),
                    Command.create({"user_id": cls.user_signatory.id, "role": "agent"}),
                ],
            }
        )
        cls.office_b = Office.create(
            {
                "name": "Citizen Relations Office of Otherville",
                "code": "T-BRC-B",
                "reference_prefix": "OTH",
                "kind": "ministry",
                "body_id": cls.body_x.id,
                "member_ids": [
                    Command.create({"user_id": cls.user_agent_b.id, "role": "agent"})
                ],
            }
        )
        cls.office_central = Office.create(
            {
                "name": "Central Bureau (test)",
                "code": "T-BCRC",
                "reference_prefix": "BCR",
                "kind": "central",
                "body_id": cls.body_a.id,
                "member_ids": [
                    Command.create({"user_id": cls.user_central.id, "role": "manager"})
                ],
            }
        )
        ref = env.ref
        cls.type_petition = ref("emowaten_petitions.request_type_petition")
        cls.type_guidance = ref("emowaten_petitions.request_type_guidance")
        cls.type_suggestion = ref("emowaten_petitions.request_type_suggestion")
        cls.type_notice = ref("emowaten_petitions.request_type_notice")
        cls.type_corruption = ref("emowaten_petitions.request_type_corruption")
        cls.type_corruption.designated_user_ids = [Command.set(cls.user_designated.ids)]
        cls.citizen = env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "Amira Ben Salah",
                "emowaten_cin": "08123456",
                "phone": "+216 98 123 456",
                "email": "amira@example.tn",
            }
        )
        cls.citizen_2 = env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "Karim Trabelsi",
                "emowaten_cin": "09654321",
                "phone": "+216 22 333 444",
            }
        )

    @classmethod
    def _request(cls, **vals):
        values = {
            "office_id": cls.office_a.id,
            "type_id": cls.type_petition.id,
            "partner_id": cls.citizen.id,
            "subject": "طلب إصلاح الإنارة العمومية",
            "description": "الإنارة العمومية معطلة في نهج الحرية منذ شهرين.",
            "channel": "counter",
            "state": "registered",
        }
        values.update(vals)
        return cls.env["emowaten.request"].create(values)

    def _run_cron(self, xmlid):
        """Run a cron as the scheduler would: its batch commits become savepoints."""
        cron = self.env.ref(xmlid).sudo()
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.env.invalidate_all()
