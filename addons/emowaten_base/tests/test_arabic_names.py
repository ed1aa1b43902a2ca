import re

from odoo.tests import TransactionCase, tagged

from ..tools.arabic import arabic_normalize, search_fold

ARABIC = re.compile("[\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")


@tagged("post_install", "-at_install")
class TestArabicNames(TransactionCase):
    """Every shipped body, office, district and governorate reads in Arabic and in
    French, and an Arabic search finds it whatever the spelling."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("ar_001", "fr_FR"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_base"], ["ar_001", "fr_FR"], overwrite=True
        )
        cls.env.invalidate_all()

    def _shipped(self, model):
        data = self.env["ir.model.data"].search(
            [("module", "=", "emowaten_base"), ("model", "=", model)]
        )
        # demo records are not shipped data; those present are checked as well
        return self.env[model].browse(data.mapped("res_id")).exists()

    def test_shipped_names_in_arabic_and_french(self):
        for model in ("emowaten.body", "emowaten.office", "emowaten.district"):
            records = self._shipped(model)
            self.assertTrue(records, model)
            for record in records:
                ar_name = record.with_context(lang="ar_001").name
                fr_name = record.with_context(lang="fr_FR").name
                en_name = record.with_context(lang="en_US").name
                self.assertRegex(ar_name, ARABIC, (model, en_name))
                self.assertFalse(LATIN.search(ar_name), (model, ar_name))
                self.assertNotEqual(fr_name, en_name, (model, en_name))
                self.assertFalse(ARABIC.search(fr_name), (model, fr_name))

    def test_body_path_in_reader_language(self):
        """A sub-body reads in one language from root to leaf (complete_name is
        stored in one language only)."""
        Body = self.env["emowaten.body"]
        parent = Body.create(
            {
                "name": "Ministry of Health",
                "name_ar": "وزارة الصحة",
                "name_fr": "Ministère de la Santé",
                "code": "T-AR-MIN",
            }
        )
        child = Body.create(
            {
                "name": "Regional Health Directorate",
                "name_ar": "الإدارة الجهوية للصحة",
                "name_fr": "Direction régionale de la santé",
                "code": "T-AR-DIR",
                "parent_id": parent.id,
            }
        )
        self.assertEqual(
            child.with_context(lang="ar_001").display_name,
            "وزارة الصحة / الإدارة الجهوية للصحة",
        )
        self.assertEqual(
            child.with_context(lang="fr_FR").display_name,
            "Ministère de la Santé / Direction régionale de la santé",
        )

    def test_governorates_in_arabic_and_french(self):
        states = self.env["res.country.state"].search(
            [("country_id", "=", self.env.ref("base.tn").id)]
        )
        self.assertEqual(len(states), 24)
        for state in states:
            ar_name = state.with_context(lang="ar_001").display_name
            self.assertRegex(ar_name, ARABIC, state.name)
            self.assertIn(state.emowaten_name_ar, ar_name)
            self.assertIn(
                state.emowaten_name_fr, state.with_context(lang="fr_FR").display_name
            )
        tunis = self.env.ref("emowaten_base.state_tn_11")
        self.assertEqual(tunis.with_context(lang="ar_001").display_name, "تونس (TN)")
        # other countries keep core's name
        self.assertFalse(
            ARABIC.search(
                self.env.ref("base.state_us_5").with_context(lang="ar_001").display_name
            )
        )

    def test_fold(self):
        self.assertEqual(search_fold("وِلايَةُ تـونس"), search_fold("ولايه تونس"))
        self.assertEqual(search_fold("أريانة"), search_fold("اريانه"))
        self.assertEqual(search_fold("إدارة"), search_fold("اداره"))
        self.assertEqual(search_fold("مستشفى"), search_fold("مستشفي"))
        self.assertEqual(search_fold("مؤسسة"), search_fold("موسسه"))
        self.assertEqual(search_fold("Médenine"), "medenine")
        self.assertEqual(search_fold("٢٠٢٤"), "2024")
        # the shared normaliser is the one petitions and scan import
        from odoo.addons.emowaten_petitions.tools import (  # noqa: PLC0415
            arabic_normalize as petitions_normalize,
        )

        self.assertIs(petitions_normalize, arabic_normalize)

    def _name_search(self, model, text, lang="fr_FR"):
        return {
            rid
            for rid, _name in self.env[model].with_context(lang=lang).name_search(text)
        }

    def test_arabic_search_bodies_offices_states(self):
        gov_tunis = self.env.ref("emowaten_base.emowaten_body_gov_11")
        gov_ariana = self.env.ref("emowaten_base.emowaten_body_gov_12")
        office_tunis = self.env.ref("emowaten_base.emowaten_office_gov_11")
        state_ariana = self.env.ref("emowaten_base.state_tn_12")
        for lang in ("fr_FR", "ar_001", "en_US"):
            # typed in Arabic whatever the language of the interface
            self.assertIn(
                gov_tunis.id, self._name_search("emowaten.body", "تونس", lang)
            )
            for variant in ("ولاية تونس", "ولايه تونس", "وِلايَة تـونس"):
                self.assertIn(
                    gov_tunis.id, self._name_search("emowaten.body", variant, lang)
                )
            for variant in ("أريانة", "اريانه", "آريانة"):
                self.assertIn(
                    gov_ariana.id, self._name_search("emowaten.body", variant, lang)
                )
                self.assertIn(
                    state_ariana.id,
                    self._name_search("res.country.state", variant, lang),
                )
            self.assertIn(
                office_tunis.id,
                self._name_search("emowaten.office", "مكتب العلاقات مع المواطن بتونس"),
            )
        # French names without accents
        self.assertIn(
            self.env.ref("emowaten_base.state_tn_82").id,
            self._name_search("res.country.state", "medenine", "ar_001"),
        )
        # a search that matches nothing still finds nothing; negation still works
        self.assertFalse(self._name_search("emowaten.body", "لا يوجد هيكل بهذا الاسم"))
        others = self.env["emowaten.body"].search(
            [("display_name", "not ilike", "ولايه تونس")]
        )
        self.assertNotIn(gov_tunis, others)
        self.assertIn(gov_ariana, others)

    def test_search_by_alias(self):
        """SONEDE is known by its acronym, in Arabic too."""
        sonede = self.env["emowaten.body"].create(
            {
                "name": "National Water Distribution Utility (SONEDE)",
                "name_ar": "الشركة الوطنية لاستغلال وتوزيع المياه",
                "name_fr": "Société nationale d'exploitation et de distribution "
                "des eaux (SONEDE)",
                "aliases": "SONEDE, صوناد",
                "code": "T-EP-SONEDE",
                "body_type": "enterprise",
            }
        )
        for text in ("صوناد", "صـوناد", "sonede", "توزيع المياة"):
            self.assertIn(sonede.id, self._name_search("emowaten.body", text), text)
            self.assertIn(
                sonede.id, self._name_search("emowaten.body", text, "ar_001"), text
            )
        self.assertIn(
            sonede,
            self.env["emowaten.body"].search([("display_name", "ilike", "صوناد")]),
        )

    def test_readiness_board_in_reader_language(self):
        office = self.env.ref("emowaten_base.emowaten_office_gov_11")
        assessment = self.env["emowaten.readiness"].create(
            {"office_id": office.id, "year": 2026}
        )
        self.assertEqual(
            assessment.with_context(lang="ar_001").display_name,
            "مكتب العلاقات مع المواطن بتونس (2026)",
        )
        self.assertEqual(
            assessment.with_context(lang="fr_FR").display_name,
            office.with_context(lang="fr_FR").name + " (2026)",
        )
