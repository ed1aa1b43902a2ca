from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools import arabic_normalize, text_similarity
from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestScreening(EmowatenPetitionsCase):
    def test_arabic_normalize(self):
        self.assertEqual(
            arabic_normalize("إِنـــارة  العموميّة ٢٠٢٦"),
            arabic_normalize("انارة العموميه 2026"),
        )
        self.assertEqual(arabic_normalize("مستشفى"), arabic_normalize("مستشفي"))
        self.assertEqual(arabic_normalize("ﺍﻹﻧﺎﺭﺓ"), arabic_normalize("الانارة"))
        self.assertEqual(arabic_normalize("Élève  À L'ÉCOLE"), "eleve a l ecole")
        self.assertGreater(
            text_similarity("شكوى بخصوص الإنارة", "شكوي بخصوص الانارة"), 0.99
        )
        self.assertLess(text_similarity("رخصة بناء", "منحة جامعية"), 0.5)

    def test_repeated_request_detected_and_closed(self):
        first = self._request(subject="طلب إصلاح الإنارة العمومية بنهج الحرية")
        other_citizen = self._request(
            subject="طلب إصلاح الإنارة العمومية بنهج الحرية",
            partner_id=self.citizen_2.id,
        )
        repeat = self._request(subject="طلب اصلاح الانارة العموميه بنهج الحريه")
        different = self._request(subject="طلب منحة جامعية")
        self.assertEqual(repeat.duplicate_ids, first)
        self.assertNotIn(other_citizen, repeat.duplicate_ids)
        self.assertFalse(different.duplicate_ids)
        repeat.action_mark_repeated()
        self.assertEqual(repeat.state, "inadmissible")
        self.assertEqual(repeat.duplicate_of_id, first)
        self.assertEqual(repeat.inadmissibility_reason_id.code, "repeated")

    def test_merge_duplicates(self):
        first = self._request(subject="تشكي من انقطاع الماء الصالح للشرب")
        repeat = self._request(subject="تشكي من انقطاع الماء الصالح للشرب")
        self.env["ir.attachment"].create(
            {
                "name": "photo.jpg",
                "raw": b"x",
                "res_model": repeat._name,
                "res_id": repeat.id,
            }
        )
        first.action_merge_duplicates()
        self.assertEqual(repeat.state, "inadmissible")
        self.assertIn("photo.jpg", first.attachment_ids.mapped("name"))
        with self.assertRaises(UserError):
            first.action_merge_duplicates()

    def test_inadmissible_with_reasoned_letter(self):
        request = self._request(subject="طلب انتداب في خطة إدارية")
        reason = self.env.ref("emowaten_petitions.inadmissibility_reason_job")
        wizard = (
            self.env["emowaten.request.screen"]
            .with_user(self.user_agent)
            .with_context(active_id=request.id)
            .create({"reason_id": reason.id, "lang": "fr"})
        )
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard.competent_body_id = self.body_x
        self.assertIn(request.name, wizard.letter)
        self.assertIn("Ministère des Tests", wizard.letter)
        wizard.action_confirm()
        self.assertEqual(request.state, "inadmissible")
        self.assertEqual(request.answer_ids.kind, "orientation")
        self.assertEqual(request.answer_ids.state, "sent")
        self.assertIn("98-1152", str(request.answer_ids.body_html))

    def test_answer_template_placeholders_and_mass_answer(self):
        category = self.env["emowaten.request.category"].create(
            {"name": "الإنارة العمومية"}
        )
        template = self.env["emowaten.answer.template"].create(
            {
                "name": "Lighting repaired",
                "kind": "information",
                "category_ids": [(6, 0, category.ids)],
                "body_ar": "<p>السيد(ة) {citizen}، تم إصلاح الإنارة موضوع مطلبكم "
                "{reference}.</p>",
                "body_fr": "<p>{citizen}, l'éclairage objet de votre demande "
                "{reference} est réparé.</p>",
            }
        )
        requests = self._request(category_id=category.id) | self._request(
            category_id=category.id, partner_id=self.citizen_2.id
        )
        wizard = (
            self.env["emowaten.answer.mass"]
            .with_user(self.user_agent)
            .with_context(active_ids=requests.ids)
            .create({"template_id": template.id, "kind": "information", "lang": "ar"})
        )
        wizard.action_answer()
        for request in requests:
            self.assertEqual(request.state, "answered")
            self.assertIn(request.name, str(request.answer_ids.body_html))
            self.assertIn(request.partner_id.name, str(request.answer_ids.body_html))
        french = template._emowaten_render(requests[0], "fr")
        self.assertIn("l'éclairage", french)
        self.assertIn(requests[0].name, french)

    def test_hooks_for_base(self):
        answered = self._request(body_id=self.body_x.id)
        self._request(body_id=self.body_x.id)
        answered.state = "answered"
        rates = self.body_x._emowaten_answer_rate()
        self.assertEqual(rates[self.body_x.id], 50.0)
        Usage = self.env["emowaten.hosting.usage"]
        self.env.flush_all()
        measure = Usage._emowaten_measure(datetime(2100, 1, 1))
        self.assertGreaterEqual(measure[self.body_x.id][0], 2)
