import os
import pathlib
import re
import subprocess
import tempfile
import unicodedata

from lxml import etree

from odoo import fields
from odoo.tests import tagged
from odoo.tools import mute_logger
from odoo.tools.safe_eval import safe_eval, time

from ..tools import arabic_normalize
from ..tools.rtl_print import word_boxes
from .common import EmowatenPetitionsCase
from .test_reports import QUIET_REPORT

# the paper format's margins (report/emowaten_request_reports.xml): 12 mm
MARGIN_PT = 12 / 25.4 * 72
# a glyph's box may reach a little past its advance (side bearings)
TOLERANCE_PT = 2.5
ARABIC = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
LATIN = re.compile("[A-Za-zÀ-ÿ]")


def artefacts_dir():
    """Where the rendered pages are kept for a person to look at: $EMOWATEN_ARTEFACTS,
    else the repository's .run/ folder."""
    root = os.environ.get("EMOWATEN_ARTEFACTS")
    path = (
        pathlib.Path(root)
        if root
        else pathlib.Path(__file__).resolve().parents[3] / ".run"
    )
    path = path / "letters"
    path.mkdir(parents=True, exist_ok=True)
    return path


def pdf_words(pdf):
    """``(pages, words)`` of a PDF read by poppler: pages as (width, height), words as
    dicts with page, text and box in points."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        out = subprocess.run(
            ["pdftotext", "-bbox", fh.name, "-"],
            capture_output=True,
            check=True,
        ).stdout
    root = etree.fromstring(out, parser=etree.XMLParser(recover=True))
    pages, words = [], []
    for number, page in enumerate(root.iter("{*}page")):
        pages.append((float(page.get("width")), float(page.get("height"))))
        for word in page.iter("{*}word"):
            words.append(
                {
                    "page": number,
                    "text": unicodedata.normalize("NFC", word.text or ""),
                    "x0": float(word.get("xMin")),
                    "x1": float(word.get("xMax")),
                    "y0": float(word.get("yMin")),
                    "y1": float(word.get("yMax")),
                }
            )
    return pages, words


def keep_png(pdf, name):
    """Page 1 as PNG next to the other artefacts (pdftoppm -r 100)."""
    with tempfile.NamedTemporaryFile(suffix=".pdf") as fh:
        fh.write(pdf)
        fh.flush()
        target = artefacts_dir() / name
        subprocess.run(
            ["pdftoppm", "-png", "-r", "100", "-f", "1", "-l", "1", "-singlefile"]
            + [fh.name, str(target)],
            capture_output=True,
            check=True,
        )
    return target.with_suffix(".png")


@tagged("post_install", "-at_install")
class TestLettersLayout(EmowatenPetitionsCase):
    """Each letter to the citizen, in Arabic and in French, read back from the PDF:
    nothing outside the printable area, the Arabic letterhead on the right of the
    French one, references, dates and hours in their order. Before, every Arabic
    paragraph ran off the page as one line (Debian's wkhtmltopdf does not break
    Arabic lines) and the hours printed "17:00-8:00"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].sudo().set_param(
            "report.url", "http://127.0.0.1:9"
        )
        for lang in ("ar_001", "fr_FR"):
            cls.env["res.lang"]._activate_lang(lang)
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001", "fr_FR"]
        )
        cls.office_a.write(
            {
                "street": "شارع الحبيب بورقيبة",
                "city": "بن عروس",
                "zip": "2013",
                "phone": "+216 71 123 456",
                "email": "brc.testville@e-mowaten.tn",
                "opening_hours": "8:00-17:00",
            }
        )
        cls.citizen.write(
            {
                "name": "عبد الرحمان بن محمد الهادي الطرابلسي",
                "street": "12 نهج الحرية",
                "city": "المروج",
            }
        )
        cls.citizen_fr = cls.citizen_2
        cls.citizen_fr.write({"lang": "fr_FR", "city": "Tunis"})
        cls.long_ar = " ".join(
            [
                "وبعد، فإنه بالإشارة إلى مطلبكم المذكور بالمرجع أعلاه، يسعدنا إعلامكم "
                "بأن المصالح البلدية المختصة قد تولت معاينة الإنارة العمومية بنهج "
                "الحرية وبرمجة إصلاحها خلال الأسبوع القادم طبقا للفصل 7 من الأمر عدد "
                "93-982 المؤرخ في 3 ماي 1993 (Ben Arous)."
            ]
            * 4
        )
        cls.long_fr = (
            "Suite à votre requête citée en référence, nous avons le plaisir de vous "
            "informer que les services municipaux compétents ont constaté la panne. "
        ) * 5
        cls.subject = (
            "طلب إصلاح الإنارة العمومية المعطلة في نهج الحرية بالمروج منذ أكثر من "
            "شهرين رغم الشكايات المتكررة لدى المصالح البلدية"
        )

    def _pdf(self, xmlid, records):
        with mute_logger(QUIET_REPORT):
            pdf, _fmt = (
                self.env["ir.actions.report"]
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(self.env.ref(xmlid), records.ids)
            )
        return pdf

    def _documents(self):
        """(name, pdf) of every letter to the citizen in each language."""
        docs = []
        request = self._request(subject=self.subject)
        docs.append(
            (
                "receipt",
                self._pdf("emowaten_petitions.action_report_request_receipt", request),
            )
        )
        Answer = self.env["emowaten.answer"]
        for lang, text in (("ar", self.long_ar), ("fr", self.long_fr)):
            for kind in ("favourable", "orientation"):
                answer = Answer.create(
                    {
                        "request_id": request.id,
                        "kind": kind,
                        "lang": lang,
                        "body_html": f"<p>{text}</p>",
                        "orientation_body_id": self.body_x.id
                        if kind == "orientation"
                        else False,
                    }
                )
                docs.append(
                    (
                        f"answer_{kind}_{lang}",
                        self._pdf(
                            "emowaten_petitions.action_report_answer_letter", answer
                        ),
                    )
                )
        # the reasoned letter of inadmissibility is an answer written by the
        # screening wizard from the reason's text, with the competent body
        reason = self.env.ref("emowaten_petitions.inadmissibility_reason_court")
        for lang, citizen in (("ar", self.citizen), ("fr", self.citizen_fr)):
            refused = self._request(partner_id=citizen.id, subject=self.subject)
            screen = self.env["emowaten.request.screen"].create(
                {
                    "request_id": refused.id,
                    "reason_id": reason.id,
                    "competent_body_id": self.body_x.id,
                    "lang": lang,
                }
            )
            letter = Answer.create(
                {
                    "request_id": refused.id,
                    "kind": "orientation",
                    "lang": lang,
                    "body_html": screen.letter,
                    "reason": reason.name,
                    "orientation_body_id": self.body_x.id,
                }
            )
            docs.append(
                (
                    f"inadmissibility_{lang}",
                    self._pdf("emowaten_petitions.action_report_answer_letter", letter),
                )
            )
            silent = self._request(partner_id=citizen.id, subject=self.subject)
            silent.write(
                {
                    "implicit_refusal": True,
                    "implicit_refusal_date": fields.Date.today(),
                }
            )
            docs.append(
                (
                    f"implicit_refusal_{lang}",
                    self._pdf(
                        "emowaten_petitions.action_report_request_implicit_refusal",
                        silent,
                    ),
                )
            )
        return docs

    def test_every_letter_fits_and_reads_in_order(self):
        for name, pdf in self._documents():
            with self.subTest(document=name):
                png = keep_png(pdf, name)
                self.assertTrue(png.exists())
                pages, words = pdf_words(pdf)
                self.assertTrue(words, "the letter has a text layer")
                for word in words:
                    width, height = pages[word["page"]]
                    self.assertGreaterEqual(
                        word["x0"], MARGIN_PT - TOLERANCE_PT, f"{name}: {word}"
                    )
                    self.assertLessEqual(
                        word["x1"], width - MARGIN_PT + TOLERANCE_PT, f"{name}: {word}"
                    )
                    self.assertLessEqual(
                        word["y1"], height - MARGIN_PT + TOLERANCE_PT, f"{name}: {word}"
                    )
                # the letterhead: the Arabic block right of the middle, the French
                # block left of it (they were one glued line)
                width = pages[0][0]
                republic = next(w for w in words if w["text"] == "République")
                head = [
                    w
                    for w in words
                    if w["page"] == 0
                    and w["y0"] < republic["y1"]
                    and w["y1"] > republic["y0"]
                ]
                arabic = [w for w in head if ARABIC.search(w["text"])]
                latin = [w for w in head if LATIN.search(w["text"])]
                self.assertTrue(arabic and latin, name)
                self.assertGreater(min(w["x0"] for w in arabic), width / 2, name)
                self.assertLess(max(w["x1"] for w in latin), width / 2, name)
                texts = {w["text"] for w in words}
                # hours, references and dates in their order
                self.assertIn("8:00-17:00", texts, name)
                self.assertNotIn("17:00-8:00", texts, name)
                self.assertTrue(
                    any(re.fullmatch(r"TST-\d{4}-\d{6}", t) for t in texts), name
                )
                today = fields.Date.context_today(self.env.user)
                if not name.startswith("implicit"):
                    self.assertIn(today.strftime("%d/%m/%Y"), "".join(texts), name)

    def test_word_boxes_keep_left_to_right_runs_in_order(self):
        html = str(
            word_boxes(
                "<p>وبعد، بالرقم 71 123 456 طبقا للأمر عدد 93-982 (Ben Arous 2013)</p>"
            )
        )
        # the comma in a box of its own (with the word, the letters vanished)
        self.assertIn(
            '<span class="o_emw_w">وبعد</span><span class="o_emw_w">،</span>', html
        )
        for run in ("71 123 456", "93-982 (Ben Arous 2013)"):
            self.assertIn(f'dir="ltr">{run}</span>', html)
        self.assertEqual(arabic_normalize(str(word_boxes(""))), "")

    def test_implicit_refusal_notice_file_name(self):
        request = self._request()
        report = self.env.ref(
            "emowaten_petitions.action_report_request_implicit_refusal"
        )
        name = safe_eval(
            report.print_report_name,
            {"object": request.with_context(lang="ar_001"), "time": time},
        )
        self.assertEqual(name, f"إشعار بالرفض الضمني {request.name}")
