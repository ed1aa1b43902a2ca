from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import Form, TransactionCase, tagged
from odoo.tools import mute_logger

from .common import QUIET


@tagged("post_install", "-at_install")
class TestCitizen(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        cls.Partner = cls.env["res.partner"]
        cls.tn = cls.env.ref("base.tn")

    def _citizen(self, **vals):
        return self.Partner.create(
            dict({"name": "Citizen", "emowaten_is_citizen": True}, **vals)
        )

    def test_cin_valid(self):
        citizen = self._citizen(emowaten_cin="01234567")
        self.assertEqual(citizen.emowaten_cin, "01234567")
        self.assertFalse(citizen.emowaten_cin_warning)
        # spaces typed at the counter are removed
        self.assertEqual(
            self._citizen(emowaten_cin="1234 5678").emowaten_cin, "12345678"
        )

    def test_cin_invalid(self):
        for bad in ("1234567", "123456789", "1234567A", "ABCDEFGH"):
            with (
                self.subTest(cin=bad),
                self.assertRaisesRegex(ValidationError, "8 digits"),
            ):
                self._citizen(emowaten_cin=bad)
        citizen = self._citizen(emowaten_cin="01234567")
        with self.assertRaisesRegex(ValidationError, "8 digits"):
            citizen.emowaten_cin = "0123"

    def test_cin_unusual_first_digit_warns_only(self):
        citizen = self._citizen(emowaten_cin="91234567")
        self.assertTrue(citizen.emowaten_cin_warning)
        with Form(self.Partner) as form:
            form.name = "Counter Citizen"
            form.emowaten_is_citizen = True
            with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
                form.emowaten_cin = "71234567"
        self.assertIn("Unusual CIN", logs.output[0])
        self.assertEqual(form.record.emowaten_cin, "71234567")

    def test_cin_unique_among_active_citizens(self):
        first = self._citizen(emowaten_cin="01234567")
        with self.assertRaisesRegex(ValidationError, "already has the CIN"):
            self._citizen(emowaten_cin="01234567")
        # the same CIN on an archived citizen is allowed (history is kept)
        first.active = False
        second = self._citizen(emowaten_cin="01234567")
        self.assertTrue(second.emowaten_duplicate)
        self.assertTrue(first.emowaten_duplicate)
        # reactivating the twin is refused
        with self.assertRaisesRegex(ValidationError, "already has the CIN"):
            first.active = True

    def test_cin_unique_index(self):
        """The database refuses a twin even when the ORM check is bypassed."""
        self._citizen(emowaten_cin="01234567")
        other = self._citizen(emowaten_cin="01234568")
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            with self.env.cr.savepoint():
                self.env.cr.execute(
                    "UPDATE res_partner SET emowaten_cin = '01234567' WHERE id = %s",
                    [other.id],
                )

    def test_matricule_fiscal(self):
        company = self.Partner.create(
            {"name": "SARL", "is_company": True, "emowaten_mf": "1234567mae001"}
        )
        self.assertEqual(company.emowaten_mf, "1234567/M/A/E/001")
        for bad in ("12345", "1234567/M/A/E/0011", "ABCDEFG/M/A/E/001"):
            with (
                self.subTest(mf=bad),
                self.assertRaisesRegex(ValidationError, "1234567"),
            ):
                company.emowaten_mf = bad

    def test_phone_normalised(self):
        self.assertEqual(self._citizen(phone="22 123 456").phone, "+21622123456")
        self.assertEqual(self._citizen(phone="0021671123456").phone, "+21671123456")
        self.assertEqual(self._citizen(phone="+33 6 12 34 56 78").phone, "+33612345678")
        for bad in ("123", "phone", "+216 1234"):
            with (
                self.subTest(phone=bad),
                self.assertRaisesRegex(ValidationError, "phone"),
            ):
                self._citizen(phone=bad)
        # other partners keep Odoo's behaviour
        self.assertEqual(
            self.Partner.create({"name": "X", "phone": "123"}).phone, "123"
        )

    def test_consent_date(self):
        citizen = self._citizen()
        self.assertFalse(citizen.emowaten_consent_date)
        citizen.emowaten_consent = True
        self.assertTrue(citizen.emowaten_consent_date)
        citizen.emowaten_consent = False
        self.assertFalse(citizen.emowaten_consent_date)

    def test_find_or_create(self):
        find = self.Partner._emowaten_find_or_create_citizen
        created = find(
            {"name": "Amel Ben Salah", "cin": "01234567", "phone": "98 765 432"}
        )
        self.assertTrue(created.emowaten_is_citizen)
        self.assertEqual(created.country_id, self.tn)
        self.assertEqual(created.phone, "+21698765432")
        # by CIN, completing the missing e-mail
        again = find(
            {"name": "A. Ben Salah", "emowaten_cin": "01234567", "email": "a@x.tn"}
        )
        self.assertEqual(again, created)
        self.assertEqual(created.email, "a@x.tn")
        self.assertEqual(created.name, "Amel Ben Salah")
        # by phone, in another notation
        self.assertEqual(find({"name": "Amel", "phone": "+216 98765432"}), created)
        # a phone shared with another CIN is another person
        other = find({"name": "Sami", "cin": "07654321", "phone": "98765432"})
        self.assertNotEqual(other, created)
        self.assertTrue(other.emowaten_duplicate)
        single = find({"name": "Single", "cin": "01010101"})
        duplicates = self.Partner.search([("emowaten_duplicate", "=", True)])
        self.assertLessEqual(created | other, duplicates)
        self.assertNotIn(single, duplicates)
        self.assertIn(single, self.Partner.search([("emowaten_duplicate", "=", False)]))
        self.assertNotIn(
            created, self.Partner.search([("emowaten_duplicate", "=", False)])
        )
        for bad in ({"name": "Bad", "cin": "12"}, {"name": "Bad", "phone": "12"}, {}):
            with self.subTest(vals=bad), self.assertRaises(ValidationError):
                find(bad)

    def test_merge_duplicates(self):
        first = self._citizen(name="Hedi", phone="22123456", emowaten_cin="01111111")
        second = self._citizen(name="Hédi", phone="+21622123456")
        action = first.action_emowaten_merge_duplicates()
        self.assertEqual(action["res_model"], "base.partner.merge.automatic.wizard")
        wizard = (
            self.env[action["res_model"]].with_context(**action["context"]).create({})
        )
        self.assertEqual(wizard.partner_ids, first | second)
        wizard.action_merge()
        survivor = (first | second).exists()
        self.assertEqual(len(survivor), 1)
        self.assertEqual(survivor.emowaten_cin, "01111111")
        self.assertFalse(survivor.emowaten_duplicate)
