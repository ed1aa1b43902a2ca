import re

from odoo.tests import TransactionCase, tagged

ARABIC = re.compile("[\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")


@tagged("post_install", "-at_install")
class TestArabicReferenceData(TransactionCase):
    """Shipped categories and request types read in Arabic and in French, the
    category path in one language, and an Arabic search finds them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        for code in ("ar_001", "fr_FR"):
            cls.env["res.lang"]._activate_lang(code)
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_base", "emowaten_petitions"], ["ar_001", "fr_FR"], overwrite=True
        )
        cls.env.invalidate_all()

    def _shipped(self, model):
        data = self.env["ir.model.data"].search(
            [("module", "=", "emowaten_petitions"), ("model", "=", model)]
        )
        return self.env[model].browse(data.mapped("res_id")).exists()

    def test_names_in_arabic_and_french(self):
        for model in ("emowaten.request.category", "emowaten.request.type"):
            records = self._shipped(model)
            self.assertTrue(records, model)
            for record in records:
                en_name = record.with_context(lang="en_US").name
                ar_name = record.with_context(lang="ar_001").display_name
                fr_name = record.with_context(lang="fr_FR").display_name
                # the whole path: no "Administrative Procedures / الضرائب"
                self.assertRegex(ar_name, ARABIC, en_name)
                self.assertFalse(LATIN.search(ar_name), ar_name)
                self.assertFalse(ARABIC.search(fr_name), fr_name)
                if model == "emowaten.request.category":
                    self.assertNotEqual(
                        record.with_context(lang="fr_FR").name, en_name, en_name
                    )
        taxes = self.env.ref("emowaten_petitions.category_taxes")
        self.assertEqual(
            taxes.with_context(lang="ar_001").display_name,
            "الإجراءات الإدارية / الضرائب",
        )
        self.assertEqual(
            taxes.with_context(lang="fr_FR").display_name,
            "Démarches administratives / Impôts",
        )

    def test_arabic_search(self):
        Category = self.env["emowaten.request.category"].with_context(lang="fr_FR")
        water = self.env.ref("emowaten_petitions.category_water")
        taxes = self.env.ref("emowaten_petitions.category_taxes")
        for text in ("الماء الصالح للشرب", "الماء الصالح للشّرب", "الما الصالح"):
            self.assertIn(water.id, [rid for rid, _n in Category.name_search(text)])
        for text in ("الضرائب", "الضرايب", "الضراىب"):
            self.assertIn(taxes.id, [rid for rid, _n in Category.name_search(text)])
        petition = self.env.ref("emowaten_petitions.request_type_petition")
        Type = self.env["emowaten.request.type"].with_context(lang="fr_FR")
        ar_name = petition.with_context(lang="ar_001").name
        self.assertIn(petition.id, [rid for rid, _n in Type.name_search(ar_name)])
        self.assertIn(
            petition.id,
            [rid for rid, _n in Type.name_search(ar_name.replace("ة", "ه"))],
        )
