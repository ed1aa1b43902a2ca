from odoo.tests import tagged

from .common import EmowatenPortalCase


@tagged("post_install", "-at_install")
class TestLanguages(EmowatenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["ar_001", "fr_FR"], overwrite=True
        )

    def test_arabic_right_to_left(self):
        response = self.url_open("/ar/emowaten/file")
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.text, r'<html[^>]*dir="rtl"')
        self.assertIn("إيداع مطلب لدى مكتب العلاقات مع المواطن", response.text)
        self.assertIn("الأساسي عدد 63 لسنة 2004", response.text)
        # server-side messages are translated too
        data = dict(
            self._form_data(cin="12"), csrf_token=self._csrf("/ar/emowaten/file")
        )
        response = self.url_open("/ar/emowaten/file", data=data)
        self.assertIn(
            "يجب أن يتكون رقم بطاقة التعريف الوطنية من 8 أرقام بالضبط.", response.text
        )

    def test_french(self):
        response = self.url_open("/fr/emowaten/track")
        self.assertEqual(response.status_code, 200)
        self.assertRegex(response.text, r'<html[^>]*dir="ltr"')
        self.assertIn("Suivre une demande", response.text)
        response = self.url_open("/fr/emowaten/statistics")
        self.assertIn("Comment l'administration répond aux citoyens", response.text)

    def test_mobile_and_accessibility_basics(self):
        response = self.url_open("/emowaten/file")
        self.assertIn('name="viewport"', response.text, "mobile layout")
        self.assertIn("o_skip_to_content", response.text, "skip link for keyboards")
        # every visible input of the form has a label pointing at it
        for field_id in (
            "emw_type_id",
            "emw_subject",
            "emw_description",
            "emw_state_id",
            "emw_attachments",
            "emw_name",
            "emw_cin",
            "emw_phone",
            "emw_email",
            "emw_consent",
        ):
            self.assertIn(f'for="{field_id}"', response.text, field_id)
            self.assertIn(f'id="{field_id}"', response.text, field_id)
        response = self._file(cin="12")
        self.assertIn('aria-invalid="true"', response.text)
        self.assertIn('aria-describedby="emw_cin_help cin_error"', response.text)
