from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import JPEG_BYTES, PDF_BYTES, PNG_BYTES, EmowatenPortalCase


@tagged("post_install", "-at_install")
class TestIntake(EmowatenPortalCase):
    def test_form_renders(self):
        response = self.url_open("/emowaten/file")
        self.assertEqual(response.status_code, 200)
        self.assertIn('name="csrf_token"', response.text)
        self.assertIn('name="emw_homepage"', response.text)
        self.assertIn('for="emw_cin"', response.text, "every field has a label")
        self.assertIn(self.rtype.name, response.text)

    def test_file_request(self):
        before = self._count_requests()
        response = self._file(
            files=[
                ("attachments", ("id-card.pdf", PDF_BYTES, "application/pdf")),
                ("attachments", ("photo.JPG", JPEG_BYTES, "image/jpeg")),
            ]
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.url.endswith("/emowaten/file/thanks"))
        self.assertEqual(self._count_requests(), before + 1)
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.channel, "portal")
        self.assertEqual(record.state, "registered")
        self.assertEqual(
            record.office_id, self.office, "routed to the governorate's office"
        )
        self.assertEqual(record.partner_id.emowaten_cin, "04567890")
        self.assertTrue(record.partner_id.emowaten_consent)
        self.assertTrue(record.partner_id.emowaten_consent_date)
        self.assertIn(record.name, response.text)
        self.assertIn(record.tracking_code, response.text)
        attachments = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "emowaten.request"),
                    ("res_id", "=", record.id),
                    ("name", "in", ["id-card.pdf", "photo.JPG"]),
                ]
            )
        )
        self.assertEqual(
            sorted(attachments.mapped("mimetype")),
            ["application/pdf", "image/jpeg"],
        )
        # the receipt goes by e-mail with the reference and the tracking code
        self.env.ref(
            "emowaten_petitions.ir_cron_request_receipts"
        ).sudo().method_direct_trigger()
        self.env.invalidate_all()
        receipt = record.message_ids.filtered(
            lambda m: record.tracking_code in (m.body or "")
        )
        self.assertTrue(receipt, "the e-mailed receipt carries the tracking code")
        self.assertIn(
            record.partner_id, receipt.partner_ids | receipt.notified_partner_ids
        )

    def test_existing_citizen_reused(self):
        self._file(cin="01234567", name="Citizen A", email="a@example.com")
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.partner_id, self.user_a.partner_id)

    def test_missing_fields(self):
        before = self._count_requests()
        response = self._file(
            subject="",
            description="",
            name="",
            cin="",
            email="",
            type_id="",
            consent=None,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self._count_requests(), before, "nothing is created")
        for message in (
            "The subject is required.",
            "Describe your request.",
            "Your full name is required.",
            "The CIN must have exactly 8 digits.",
            "Give a phone number or an e-mail address",
            "Choose the type of your request.",
            "Your consent to the processing",
        ):
            self.assertIn(message, response.text)

    def test_kept_values_on_error(self):
        response = self._file(cin="12AB")
        self.assertIn("The CIN must have exactly 8 digits.", response.text)
        self.assertIn(
            'value="Street lighting"', response.text, "typed values are not lost"
        )

    def test_invalid_cin(self):
        before = self._count_requests()
        for cin in ("1234567", "123456789", "ABCDEFGH"):
            response = self._file(cin=cin)
            self.assertIn("The CIN must have exactly 8 digits.", response.text)
        self.assertEqual(self._count_requests(), before)

    def test_invalid_contact(self):
        response = self._file(email="not-an-email", phone="12")
        self.assertIn("This e-mail address is not valid.", response.text)
        self.assertIn("This phone number is not valid.", response.text)

    def test_phone_only(self):
        before = self._count_requests()
        self._file(email="", phone="71 123 456", cin="05555555")
        self.assertEqual(self._count_requests(), before + 1)
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.partner_id.phone, "+21671123456")

    def test_oversized_file(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "emowaten_portal.upload_max_mb", 1
        )
        before = self._count_requests()
        big = PDF_BYTES + b"0" * (1024 * 1024)
        response = self._file(
            files=[("attachments", ("big.pdf", big, "application/pdf"))]
        )
        self.assertIn("is too large", response.text)
        self.assertEqual(self._count_requests(), before)

    def test_wrong_type_files(self):
        before = self._count_requests()
        cases = [
            ("virus.exe", b"MZ\x90\x00" + b"\x00" * 32, "application/octet-stream"),
            # a program renamed to .pdf: the content decides, not the name
            ("fake.pdf", b"MZ\x90\x00" + b"\x00" * 32, "application/pdf"),
            # a real PNG under a PDF name is refused too
            ("image.pdf", PNG_BYTES, "application/pdf"),
            ("page.html", b"<html><script>alert(1)</script></html>", "text/html"),
        ]
        for name, content, mimetype in cases:
            response = self._file(files=[("attachments", (name, content, mimetype))])
            self.assertIn("is not accepted", response.text, name)
        self.assertEqual(self._count_requests(), before)

    def test_too_many_files(self):
        self.env["ir.config_parameter"].sudo().set_param(
            "emowaten_portal.upload_max_files", 2
        )
        files = [
            ("attachments", (f"p{i}.png", PNG_BYTES, "image/png")) for i in range(3)
        ]
        before = self._count_requests()
        response = self._file(files=files)
        self.assertIn("At most 2 files can be attached.", response.text)
        self.assertEqual(self._count_requests(), before)

    def test_script_injection_escaped(self):
        payload = '<script>alert("x")</script>'
        response = self._file(
            subject=payload, description=payload + " <img src=x onerror=alert(1)>"
        )
        self.assertEqual(response.status_code, 200)
        self.assertNotIn(payload, response.text)
        self.assertIn("&lt;script&gt;", response.text)
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.subject, payload, "stored as typed, escaped when shown")
        page = self.url_open(f"{record.access_url}?access_token={record.access_token}")
        self.assertNotIn(payload, page.text)
        self.assertNotIn("<img src=x", page.text)
        self.assertIn("&lt;script&gt;", page.text)
        # the form shown back after an error escapes the values too
        response = self._file(subject=payload, cin="bad")
        self.assertNotIn(payload, response.text)

    def test_missing_csrf_rejected(self):
        before = self._count_requests()
        with mute_logger("odoo.http"):
            response = self._file(csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._count_requests(), before)
        with mute_logger("odoo.http"):
            response = self.url_open(
                "/emowaten/file", data=dict(self._form_data(), csrf_token="forged")
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self._count_requests(), before)

    def test_honeypot(self):
        before = self._count_requests()
        response = self._file(emw_homepage="http://spam.example.com")
        self.assertEqual(response.status_code, 200)
        self.assertIn("could not be accepted", response.text)
        self.assertEqual(self._count_requests(), before)

    def test_rate_limit_per_ip(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("emowaten_portal.intake_ip_limit", 2)
        before = self._count_requests()
        self._file(cin="04000001")
        self._file(cin="04000002")
        response = self._file(cin="04000003")
        self.assertIn("Too many requests were sent from your connection", response.text)
        self.assertEqual(self._count_requests(), before + 2)

    def test_rate_limit_per_cin(self):
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("emowaten_portal.intake_cin_limit", 1)
        before = self._count_requests()
        self._file(cin="04111111", subject="First")
        response = self._file(cin="04111111", subject="Second")
        self.assertIn("Too many requests were filed with this CIN", response.text)
        self.assertEqual(self._count_requests(), before + 1)
        self._file(cin="04222222", subject="Another citizen")
        self.assertEqual(self._count_requests(), before + 2)

    def test_thanks_without_filing(self):
        response = self.url_open("/emowaten/file/thanks")
        self.assertTrue(response.url.endswith("/emowaten/file"))

    def test_logged_in_citizen_files_in_own_name(self):
        self.authenticate("citizen_a", "citizen_a")
        form = self.url_open("/emowaten/file")
        self.assertIn('value="01234567"', form.text, "identity prefilled")
        self._file(cin="01234567", name="Citizen A", email="a@example.com")
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.partner_id, self.user_a.partner_id)
        mine = self.url_open("/my/requests")
        self.assertIn(record.name, mine.text)
        before = self._count_requests()
        response = self._file(cin="05555555")
        self.assertIn("does not match the one of your account", response.text)
        self.assertEqual(self._count_requests(), before)

    def test_arabic_indic_digits(self):
        # typed on an Arabic keyboard: stored with ASCII digits
        self._file(cin="٠٤٣٣٣٣٣٣", phone="٧١ ١٢٣ ٤٥٦", email="")
        record = (
            self.env["emowaten.request"].sudo().search([], order="id desc", limit=1)
        )
        self.assertEqual(record.partner_id.emowaten_cin, "04333333")
        self.assertEqual(record.partner_id.phone, "+21671123456")
        # odd digits in a select value are refused, not a server error
        response = self._file(type_id="²", state_id="١")
        self.assertIn("Choose the type of your request.", response.text)
        self.assertIn("Choose your governorate.", response.text)
