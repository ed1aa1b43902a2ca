from odoo.tests import new_test_user
from odoo.tests.common import TransactionCase

QUIET = {
    "mail_create_nolog": True,
    "mail_notrack": True,
    "no_reset_password": True,
    "tracking_disable": True,
}


class EmowatenPrivacyCase(TransactionCase):
    """Two bodies (A with a sub-body A1, and B), one office in each, a confidential
    type with one designated user, one user per role attached to A, and two portal
    citizens. Built from scratch: tests never rely on demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        env = cls.env
        tunisia = env.ref("base.tn")
        cls.gov_a = env["res.country.state"].create(
            {"name": "Privacy Gov A", "code": "PRV-A", "country_id": tunisia.id}
        )
        cls.gov_b = env["res.country.state"].create(
            {"name": "Privacy Gov B", "code": "PRV-B", "country_id": tunisia.id}
        )
        Body = env["emowaten.body"]
        cls.body_a = Body.create(
            {"name": "Privacy Ministry A", "code": "PRV-BA", "body_type": "ministry"}
        )
        cls.body_a1 = Body.create(
            {
                "name": "Privacy Directorate A1",
                "code": "PRV-BA1",
                "body_type": "epa",
                "parent_id": cls.body_a.id,
            }
        )
        cls.body_b = Body.create(
            {"name": "Privacy Ministry B", "code": "PRV-BB", "body_type": "ministry"}
        )
        Office = env["emowaten.office"]
        cls.office_a = Office.create(
            {
                "name": "Privacy Office A",
                "code": "PRV-OA",
                "reference_prefix": "PVA",
                "kind": "ministry",
                "body_id": cls.body_a.id,
            }
        )
        cls.office_b = Office.create(
            {
                "name": "Privacy Office B",
                "code": "PRV-OB",
                "reference_prefix": "PVB",
                "kind": "ministry",
                "body_id": cls.body_b.id,
            }
        )
        Type = env["emowaten.request.type"]
        cls.type_petition = Type.create(
            {"name": "Privacy petition", "code": "prv_petition", "deadline_days": 60}
        )
        cls.type_secret = Type.create(
            {
                "name": "Privacy corruption report",
                "code": "prv_secret",
                "deadline_days": 30,
                "confidential": True,
            }
        )

        def user(login, group):
            return new_test_user(env, login, groups=group, email=f"{login}@example.com")

        cls.agent = user("prv_agent", "emowaten_base.group_emowaten_agent")
        cls.manager = user("prv_manager", "emowaten_base.group_emowaten_manager")
        cls.correspondent = user(
            "prv_correspondent", "emowaten_base.group_emowaten_correspondent"
        )
        cls.signatory = user("prv_signatory", "emowaten_base.group_emowaten_signatory")
        cls.supervisor = user(
            "prv_supervisor", "emowaten_base.group_emowaten_supervisor"
        )
        cls.admin = user("prv_admin", "emowaten_base.group_emowaten_admin")
        cls.employee = user("prv_employee", "base.group_user")
        cls.designated = user("prv_designated", "emowaten_base.group_emowaten_agent")
        env["emowaten.office.member"].create(
            [
                {
                    "office_id": cls.office_a.id,
                    "user_id": cls.agent.id,
                    "role": "agent",
                },
                {
                    "office_id": cls.office_a.id,
                    "user_id": cls.manager.id,
                    "role": "manager",
                },
                {
                    "office_id": cls.office_a.id,
                    "user_id": cls.designated.id,
                    "role": "agent",
                },
            ]
        )
        cls.body_a.correspondent_ids = cls.correspondent
        cls.body_a.signatory_user_ids = cls.signatory
        cls.type_secret.designated_user_ids = cls.designated

        Partner = env["res.partner"]
        cls.citizen = Partner.create(
            {
                "name": "Amel Ben Salah",
                "emowaten_is_citizen": True,
                "emowaten_cin": "08123456",
                "email": "amel@example.com",
                "phone": "+21620123456",
                "street": "12 rue de Marseille",
                "city": "Tunis",
                "state_id": cls.gov_a.id,
            }
        )
        cls.citizen_other = Partner.create(
            {
                "name": "Karim Trabelsi",
                "emowaten_is_citizen": True,
                "emowaten_cin": "09876543",
                "email": "karim@example.com",
                "state_id": cls.gov_b.id,
            }
        )
        cls.portal_user = new_test_user(
            env,
            "prv_portal",
            groups="base.group_portal",
            partner_id=cls.citizen.id,
        )
        cls.portal_other = new_test_user(
            env,
            "prv_portal_other",
            groups="base.group_portal",
            partner_id=cls.citizen_other.id,
        )

    @classmethod
    def _request(cls, office, partner=None, rtype=None, state="registered", **vals):
        values = {
            "office_id": office.id,
            "partner_id": (partner or cls.citizen).id,
            "type_id": (rtype or cls.type_petition).id,
            "subject": "Water cut in my street since March",
            "description": "Amel Ben Salah, CIN 08123456, 12 rue de Marseille.",
            "channel": "counter",
            "state": state,
            "state_id": (partner or cls.citizen).state_id.id,
        }
        values.update(vals)
        return cls.env["emowaten.request"].create(values)
