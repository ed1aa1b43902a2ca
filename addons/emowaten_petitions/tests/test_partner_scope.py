from odoo.exceptions import AccessError
from odoo.tests import Form, tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestPartnerScope(EmowatenPetitionsCase):
    """Citizens are scoped like their requests (security/emowaten_partner_security.xml):
    tried as an attacker would, by id, by search and by write."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Partner = cls.env["res.partner"]
        # citizen_b has files in office B only (the agent of office A is "of Sfax",
        # she is "of Tunis")
        cls.citizen_b = Partner._emowaten_find_or_create_citizen(
            {"name": "Hela Tunis", "emowaten_cin": "07000111", "phone": "+21650111222"}
        )
        cls.request_b = cls._request(
            office_id=cls.office_b.id, partner_id=cls.citizen_b.id
        )
        cls.reporter = Partner._emowaten_find_or_create_citizen(
            {"name": "Lanceur d'alerte", "emowaten_cin": "07000222"}
        )
        cls.report = cls._request(
            type_id=cls.type_corruption.id, partner_id=cls.reporter.id
        )
        cls.request_a = cls._request()  # citizen (Amira) in office A

    def _readable(self, partner, user):
        return bool(
            self.env["res.partner"].with_user(user).search([("id", "=", partner.id)])
        )

    def test_agent_of_another_office_cannot_reach_the_citizen(self):
        agent = self.user_agent
        citizen = self.citizen_b.with_user(agent)
        with self.assertRaises(AccessError):
            citizen.read(["name", "emowaten_cin", "phone"])
        with self.assertRaises(AccessError):
            citizen.write({"phone": "+21650999888"})
        Partner = self.env["res.partner"].with_user(agent)
        self.assertFalse(Partner.search([("emowaten_cin", "=", "07000111")]))
        self.assertFalse(Partner.name_search("Hela Tunis"))
        self.assertFalse(
            Partner.search_read([("id", "=", self.citizen_b.id)], ["emowaten_cin"])
        )
        # her own office's agent works with her
        self.assertTrue(self._readable(self.citizen_b, self.user_agent_b))
        self.citizen_b.with_user(self.user_agent_b).write({"street": "Rue de Rome"})
        # the agent's own citizens stay in reach
        self.citizen.with_user(agent).write({"street": "Rue de Marseille"})
        self.assertEqual(self.citizen.street, "Rue de Marseille")

    def test_other_partners_stay_as_core_has_them(self):
        company = self.env["res.partner"].create(
            {"name": "Société X", "is_company": True}
        )
        for user in (self.user_agent, self.user_correspondent, self.user_supervisor):
            with self.subTest(user=user.login):
                self.assertTrue(self._readable(company, user))
                self.assertTrue(self._readable(self.user_agent_b.partner_id, user))
                self.assertTrue(self._readable(user.partner_id, user))

    def test_supervisor_reads_every_citizen_but_writes_none(self):
        supervisor = self.user_supervisor
        self.assertTrue(self._readable(self.citizen_b, supervisor))
        self.assertTrue(self._readable(self.citizen_2, supervisor))  # no request yet
        with self.assertRaises(AccessError):
            self.citizen_b.with_user(supervisor).write({"street": "Rue de Rome"})

    def test_confidential_only_citizen_is_for_designated_staff(self):
        for user in (
            self.user_manager,
            self.user_agent,
            self.user_supervisor,
            self.user_admin,
            self.user_signatory,
        ):
            with self.subTest(user=user.login):
                self.assertFalse(self._readable(self.reporter, user))
                with self.assertRaises(AccessError):
                    self.reporter.with_user(user).read(["name"])
        self.assertTrue(self._readable(self.reporter, self.user_designated))
        # a citizen with a confidential and an ordinary file is seen through the latter
        self._request(partner_id=self.reporter.id)
        self.assertTrue(self._readable(self.reporter, self.user_manager))

    def test_roles_see_the_citizens_of_their_requests(self):
        child = self._request(
            office_id=self.office_b.id,
            partner_id=self.citizen_2.id,
            body_id=self.body_x.id,
            state="routed",
        )
        self.assertTrue(child)
        self.assertTrue(self._readable(self.citizen_2, self.user_correspondent))
        self.assertFalse(self._readable(self.citizen, self.user_correspondent))
        self.assertTrue(self._readable(self.citizen, self.user_manager))
        self.assertFalse(self._readable(self.citizen_b, self.user_manager))
        self.assertTrue(self._readable(self.citizen, self.user_signatory))
        self.assertTrue(self._readable(self.citizen_b, self.user_admin))
        self.citizen_b.with_user(self.user_admin).write({"street": "Rue de Rome"})

    def test_counter_registration_of_a_new_citizen(self):
        Partner = self.env["res.partner"].with_user(self.user_agent)
        with Form(Partner.with_context(default_emowaten_is_citizen=True)) as form:
            form.name = "Nouveau Citoyen"
            form.emowaten_cin = "07000333"
        new = form.record
        new.write({"phone": "+21650333444"})  # its creator works with it
        self.assertTrue(self._readable(new, self.user_agent))
        self.assertFalse(self._readable(new, self.user_manager))
        self.assertFalse(self._readable(new, self.user_agent_b))
        self.env["emowaten.request"].with_user(self.user_agent).create(
            {
                "office_id": self.office_a.id,
                "type_id": self.type_petition.id,
                "partner_id": new.id,
                "subject": "Demande au guichet",
            }
        )
        self.assertTrue(self._readable(new, self.user_manager))
        self.assertFalse(self._readable(new, self.user_agent_b))

    def test_counter_finds_a_citizen_of_another_office_by_cin(self):
        form = Form(self.env["emowaten.request"].with_user(self.user_agent))
        form.subject = "Demande au guichet"
        form.intake_cin = "07000111"
        self.assertEqual(form.partner_id, self.citizen_b)
        request = form.save()
        request.action_register()
        self.assertEqual(request.partner_id, self.citizen_b)
        # the new request brings her in reach of the agent
        self.assertTrue(self._readable(self.citizen_b, self.user_agent))
        request.with_user(self.user_agent).partner_id.read(["emowaten_cin", "phone"])
        # and registering from the identity alone works as well
        draft = (
            self.env["emowaten.request"]
            .with_user(self.user_agent_b)
            .create(
                {
                    "office_id": self.office_b.id,
                    "subject": "Au guichet de B",
                    "intake_cin": "08123456",
                    "intake_name": "Amira Ben Salah",
                }
            )
        )
        draft.action_register()
        self.assertEqual(draft.partner_id, self.citizen)

    def test_a_citizen_cannot_be_pulled_in_by_id(self):
        Request = self.env["emowaten.request"].with_user(self.user_agent)
        with self.assertRaises(AccessError):
            Request.create(
                {
                    "office_id": self.office_a.id,
                    "type_id": self.type_petition.id,
                    "partner_id": self.citizen_b.id,
                    "subject": "Pull her in",
                }
            )
        with self.assertRaises(AccessError):
            self.request_a.with_user(self.user_agent).write(
                {"partner_id": self.citizen_b.id}
            )
        self.assertFalse(self._readable(self.citizen_b, self.user_agent))
        # with her CIN typed at the counter, she is in front of the agent
        Request.create(
            {
                "office_id": self.office_a.id,
                "type_id": self.type_petition.id,
                "partner_id": self.citizen_b.id,
                "intake_cin": "07000111",
                "subject": "Au guichet",
            }
        )
        self.assertTrue(self._readable(self.citizen_b, self.user_agent))
        # a citizen without any file yet is scoped by nothing else: she may be taken
        self.assertFalse(self._readable(self.citizen_2, self.user_agent))
        Request.create(
            {
                "office_id": self.office_a.id,
                "type_id": self.type_petition.id,
                "partner_id": self.citizen_2.id,
                "subject": "Premier dossier",
            }
        )
        self.assertTrue(self._readable(self.citizen_2, self.user_agent))

    def test_unmarking_a_citizen_is_for_administrators(self):
        with self.assertRaises(AccessError):
            self.citizen.with_user(self.user_agent).write(
                {"emowaten_is_citizen": False}
            )
        self.assertTrue(self.citizen.emowaten_is_citizen)
        self.citizen_2.with_user(self.user_admin).write({"emowaten_is_citizen": False})
        self.assertFalse(self.citizen_2.emowaten_is_citizen)
