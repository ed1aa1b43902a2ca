import re
import subprocess
import tempfile

from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval, time

from ..tools import arabic_normalize
from .common import EmowatenPetitionsCase


def pdf_text(pdf_bytes):
    """The PDF's text layer, read by poppler's pdftotext as a citizen's reader would."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as pdf:
        pdf.write(pdf_bytes)
        pdf.flush()
        return subprocess.run(
            ["pdftotext", "-enc", "UTF-8", pdf.name, "-"],
            capture_output=True,
            check=True,
            text=True,
        ).stdout


# Arabic presentation forms: what shaped (joined) Arabic letters are in a PDF text layer
SHAPED = re.compile("[\ufb50-\ufdff\ufe70-\ufeff]")
# Debian's wkhtmltopdf is built on unpatched Qt and warns that it ignores the header and
# footer switches Odoo always passes; our documents have neither
QUIET_REPORT = "odoo.addons.base.models.ir_actions_report"


@tagged("post_install", "-at_install")
class TestReports(EmowatenPetitionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # our documents embed their own style: keep wkhtmltopdf away from the test HTTP
        # server (it would wait for the test transaction holding the assets' rows)
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )

    def _render(self, xmlid, records):
        report = self.env.ref(xmlid)
        with mute_logger(QUIET_REPORT):
            pdf, fmt = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report, records.ids)
            )
        self.assertEqual(fmt, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    def test_receipt_pdf_has_arabic_and_french(self):
        request = self._request(subject="طلب إصلاح الإنارة العمومية")
        text = pdf_text(
            self._render("emowaten_petitions.action_report_request_receipt", request)
        )
        normalized = arabic_normalize(text)
        self.assertRegex(text, SHAPED, "Arabic letters are shaped (joined forms)")
        # shaped glyphs map back to their letters (NFKD folds presentation forms)
        self.assertIn(arabic_normalize("وصل إيداع مطلب"), normalized)
        self.assertIn(arabic_normalize("الإنارة العمومية"), normalized)
        self.assertIn("Récépissé", text)
        self.assertIn(request.name, text)
        self.assertIn(request.tracking_code, text)

    def test_answer_letter_pdf_in_arabic(self):
        request = self._request()
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "information",
                "lang": "ar",
                "body_html": "<p>نعلمكم أنه تم إصلاح الإنارة العمومية بنهج الحرية.</p>",
            }
        )
        with mute_logger(QUIET_REPORT):
            pdf = answer.with_context(
                force_report_rendering=True
            )._emowaten_render_letter_pdf()
        text = pdf_text(pdf)
        self.assertRegex(text, SHAPED)
        normalized = arabic_normalize(text)
        self.assertIn(arabic_normalize("تم إصلاح الإنارة العمومية"), normalized)
        self.assertIn(arabic_normalize("الجمهورية التونسية"), normalized)

    def test_answer_letter_pdf_in_french(self):
        request = self._request()
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "information",
                "lang": "fr",
                "body_html": "<p>L'éclairage public a été réparé.</p>",
            }
        )
        with mute_logger(QUIET_REPORT):
            text = pdf_text(
                answer.with_context(
                    force_report_rendering=True
                )._emowaten_render_letter_pdf()
            )
        self.assertIn("éclairage public a été réparé", text)
        self.assertIn("République Tunisienne", text)


@tagged("post_install", "-at_install")
class TestReportFileNames(EmowatenPetitionsCase):
    def test_file_names_in_the_users_language(self):
        """The receipt and the letter were downloaded as "Receipt - …" and
        "Answer - …" whatever the language of the person printing them."""
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001"]
        )
        request = self._request()
        answer = self.env["emowaten.answer"].create(
            {"request_id": request.id, "kind": "information"}
        )
        for xmlid, record, arabic in (
            ("action_report_request_receipt", request, "وصل الإيداع"),
            ("action_report_answer_letter", answer, "الرد"),
        ):
            with self.subTest(report=xmlid):
                report = self.env.ref(f"emowaten_petitions.{xmlid}")
                name = safe_eval(
                    report.print_report_name,
                    {"object": record.with_context(lang="ar_001"), "time": time},
                )
                self.assertEqual(name, f"{arabic} {request.name}")
