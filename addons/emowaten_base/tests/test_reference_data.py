from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestReferenceData(TransactionCase):
    def test_governorates(self):
        states = self.env["res.country.state"].search(
            [("country_id", "=", self.env.ref("base.tn").id)]
        )
        self.assertEqual(len(states), 24)
        codes = sorted(states.mapped("code"))
        self.assertEqual(codes[0], "TN-11")
        self.assertEqual(codes[-1], "TN-83")
        self.assertTrue(all(len(code) == 5 for code in codes))
        sfax = self.env.ref("emowaten_base.state_tn_61")
        self.assertEqual(
            (sfax.code, sfax.emowaten_name_ar, sfax.emowaten_name_fr),
            ("TN-61", "صفاقس", "Sfax"),
        )
        self.assertTrue(all(states.mapped("emowaten_name_ar")))
        self.assertTrue(all(states.mapped("emowaten_district_id")))

    def test_districts(self):
        districts = self.env["emowaten.district"].search([])
        self.assertEqual(len(districts), 5)
        sizes = {d.code: len(d.state_ids) for d in districts}
        self.assertEqual(sizes, {"1": 4, "2": 6, "3": 6, "4": 4, "5": 4})
        self.assertEqual(
            self.env.ref("emowaten_base.state_tn_43").emowaten_district_id.code, "4"
        )

    def test_central_bureau_and_governorate_bodies(self):
        presidency = self.env.ref("emowaten_base.emowaten_body_presidency")
        self.assertEqual(presidency.body_type, "presidency")
        central = self.env.ref("emowaten_base.emowaten_office_central")
        self.assertEqual((central.kind, central.body_id), ("central", presidency))
        governorates = self.env["emowaten.body"].search(
            [("body_type", "=", "governorate"), ("code", "=like", "GOV-%")]
        )
        self.assertEqual(len(governorates), 24)
        self.assertEqual(len(governorates.state_id), 24)
        offices = governorates.office_ids.filtered(lambda o: o.kind == "governorate")
        self.assertEqual(len(offices), 24)
        self.assertEqual(len(set(offices.mapped("reference_prefix"))), 24)
        tunis = self.env.ref("emowaten_base.emowaten_body_gov_11")
        self.assertEqual(tunis.name_ar, "ولاية تونس")
        self.assertEqual(tunis.name_fr, "Gouvernorat de Tunis")
        self.assertEqual(
            self.env.ref("emowaten_base.emowaten_office_gov_11").reference_prefix,
            "TUN",
        )
        calendar = self.env.ref("emowaten_base.resource_calendar_tn")
        self.assertEqual(offices.calendar_id, calendar)
