"""Arabic-normalised search over OCR text, and the one-click proposals."""

from odoo.tests import tagged

from ..tools import extract, ocr
from ..tools.arabic import arabic_normalize
from .common import ScanCase, png_to_pdf, small_page


@tagged("post_install", "-at_install")
class TestSearchExtract(ScanCase):
    def _doc(self, text, request):
        batch = self.env["emowaten.scan.batch"].create({"office_id": self.office.id})
        return self.env["emowaten.scan.document"].create(
            {
                "batch_id": batch.id,
                "request_id": request.id,
                "text": text,
                "text_normalized": arabic_normalize(text),
                "state": "filed",
            }
        )

    def test_arabic_normalisation(self):
        for variant, plain in (
            ("إسماعيل", "اسماعيل"),
            ("أحمد", "احمد"),
            ("آمال", "امال"),
            ("مدرسة", "مدرسه"),
            ("مستشفى", "مستشفي"),
            ("الــعــدل", "العدل"),
            ("مُحَمَّد", "محمد"),
            ("٢٠٢٦", "2026"),
            ("۲۰۲۶", "2026"),
            ("Élève", "eleve"),
        ):
            self.assertEqual(
                arabic_normalize(variant), arabic_normalize(plain), variant
            )

    def test_search_requests(self):
        request = self.make_request("Eau potable")
        other = self.make_request("Autre")
        self._doc(
            "السيد إسماعيل بن علي، رسالة مؤرخة في ٢٠٢٦/٠٣/١٥ حول مدرسة الحي", request
        )
        self._doc("Demande de Monsieur Salah", other)
        Request = self.env["emowaten.request"]
        for query in ("اسماعيل", "إسماعيل", "2026", "٢٠٢٦", "مدرسه", "اسماعيل مدرسة"):
            self.assertEqual(
                Request.search([("scan_search", "ilike", query)]), request, query
            )
        self.assertEqual(Request.search([("scan_search", "ilike", "salah")]), other)
        self.assertNotIn(
            request, Request.search([("scan_search", "not ilike", "اسماعيل")])
        )
        self.assertFalse(Request.search([("scan_search", "ilike", "يوسف")]))

    def test_extraction(self):
        text = (
            "Monsieur le Gouverneur de Sousse, CIN 07654321, tél. 22 333 444, "
            "courriel Citoyen@Example.tn, le 15/03/2026. رقم ب.ت.و ٠٨١٢٣٤٥٦ الهاتف "
            "+216 98 765 432"
        )
        found = extract.extract_all(text)
        self.assertEqual(found["cin"], ["07654321", "08123456"])
        self.assertEqual(found["phone"], ["+21622333444", "+21698765432"])
        self.assertEqual(found["email"], ["citoyen@example.tn"])
        self.assertEqual([d.isoformat() for d in found["date"]], ["2026-03-15"])
        self.assertEqual(extract.find_dates("31/02/2026"), [])

    def test_accept_proposals_one_click(self):
        sousse = self.env["res.country.state"].search(
            [("country_id.code", "=", "TN"), ("code", "=", "TN-51")], limit=1
        )
        self.assertTrue(sousse, "emowaten_base ships the governorates")
        category = self.env["emowaten.request.category"].create(
            {"name": "Routes et ponts"}
        )
        page = small_page("Sousse : routes et ponts. CIN 07654321, le 15/03/2026")
        batch = self.make_batch([("letter.pdf", png_to_pdf([page]))])
        batch.action_process()
        self.run_workers()
        doc = batch.document_ids
        request = doc.request_id
        self.assertFalse(request.partner_id)
        kinds = set(doc.proposal_ids.mapped("kind"))
        self.assertTrue({"cin", "date", "state", "category"} <= kinds, kinds)
        doc.with_user(self.agent).action_accept_all()
        self.assertEqual(request.partner_id.emowaten_cin, "07654321")
        self.assertEqual(request.state_id, sousse)
        self.assertEqual(request.category_id, category)
        self.assertEqual(request.scan_letter_date.isoformat(), "2026-03-15")
        self.assertTrue(all(doc.proposal_ids.mapped("accepted")))

    def test_dates_with_month_names(self):
        for text, expected in (
            ("تونس في 12 جانفي 2024", "2024-01-12"),
            ("Tunis, le 12 janvier 2024", "2024-01-12"),
            ("القاهرة في ١٢ يناير ٢٠٢٤", "2024-01-12"),
            ("le 1er février 2025", "2025-02-01"),
            ("صفاقس في 3 أوت 2023", "2023-08-03"),
            ("بيروت 5 كانون الثاني 2022", "2022-01-05"),
            ("تونس في 7 جويلية 2020", "2020-07-07"),
            ("le 9 décembre 2019", "2019-12-09"),
        ):
            self.assertEqual(
                [d.isoformat() for d in extract.find_dates(text)], [expected], text
            )
        # in the order of the text; no date from a word that only starts like a month
        self.assertEqual(
            [d.isoformat() for d in extract.find_dates("15/03/2026, puis 2 mai 2021")],
            ["2026-03-15", "2021-05-02"],
        )
        self.assertEqual(extract.find_dates("le 12 maison 2024"), [])
        self.assertEqual(extract.find_dates("31 février 2024"), [])

    def test_dates_with_month_names_ocr(self):
        """On real pages read by Tesseract (Amiri, 300 dpi)."""
        for text, rtl in (
            ("تونس في 12 جانفي 2024", True),
            ("Tunis, le 12 janvier 2024", False),
            ("القاهرة في 12 يناير 2024", True),
        ):
            result = ocr.ocr_page(small_page(text, rtl=rtl), lang="ara+fra")
            self.assertIn(
                "2024-01-12",
                [d.isoformat() for d in extract.find_dates(result.text)],
                result.text,
            )

    def test_category_from_keywords(self):
        """Categories are proposed from their keyword lists (Arabic and French), with
        proclitics and plurals, on pages read by Tesseract."""
        water = self.env.ref("emowaten_petitions.category_water")
        roads = self.env.ref("emowaten_petitions.category_roads")
        self.assertIn("الصوناد", water.keywords)
        self.office.scan_lang = "ara+fra"
        for text, rtl, expected in (
            ("نشكو من انقطاع الماء وتسرب كبير قرب منزلنا", True, water),
            ("La chaussée est pleine de trous depuis janvier", False, roads),
            ("والطريق مليئة بالحفر منذ أشهر", True, roads),
        ):
            page = small_page(text, rtl=rtl, size=(1800, 260))
            batch = self.make_batch([("letter.pdf", png_to_pdf([page]))])
            batch.action_process()
            self.run_workers()
            doc = batch.document_ids
            proposal = doc.proposal_ids.filtered(lambda p: p.kind == "category")
            self.assertEqual(proposal.category_id, expected, doc.text)

    def test_find_named_affixes_weighted(self):
        candidates = [
            (1, ["Drinking Water", "eau potable", "ماء", "انقطاع الماء"]),
            (2, ["Roads", "route", "pont", "طريق"]),
            (3, ["Routes et ponts"]),
        ]
        for text, expected in (
            ("نشكو من انقطاع الماء منذ أسبوع", 1),
            ("la route est dégradée, les ponts aussi", 2),
            ("Sousse : routes et ponts.", 3),
            ("والطريق مليئة بالحفر", 2),
            ("Monsieur le Gouverneur", None),
        ):
            self.assertEqual(
                extract.find_named(text, candidates, affixes=True, weighted=True),
                expected,
                text,
            )
        # without affixes, as for governorates: a word for word match only
        self.assertIsNone(extract.find_named("والطريق", candidates))
