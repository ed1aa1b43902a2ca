import base64
import io

from PIL import Image, ImageDraw, ImageFont

from odoo import SUPERUSER_ID, api
from odoo.tests import TransactionCase, new_test_user

from ..tools import cover, testpages

FONT = "/usr/share/fonts/opentype/fonts-hosny-amiri/Amiri-Regular.ttf"


def small_page(text, rtl=False, size=(1400, 260)):
    """A short, clean one-line page at 300 dpi: quick to OCR in integration tests."""
    image = Image.new("L", size, 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 54)
    kwargs = {"direction": "rtl", "language": "ar"} if rtl else {}
    width = draw.textlength(text, font=font, **kwargs)
    x = size[0] - 80 - width if rtl else 80
    draw.text((x, 80), text, font=font, fill=0, **kwargs)
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(300, 300))
    return out.getvalue()


def png_to_pdf(pngs):
    return testpages.image_to_pdf(pngs)


def cover_png(reference=None):
    return cover.make_cover_png(reference, [("Cover", False)], dpi=150)


class ScanCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(
                cls.env.context,
                mail_create_nolog=True,
                mail_notrack=True,
                no_reset_password=True,
                emowaten_no_receipt=True,
            )
        )
        cls.body = cls.env["emowaten.body"].create(
            {
                "name": "Gouvernorat de Test",
                "code": "SCAN-TEST",
                "body_type": "governorate",
            }
        )
        cls.office = cls.env["emowaten.office"].create(
            {
                "name": "BRC Test Scan",
                "code": "SCANT",
                "reference_prefix": "SCT",
                "kind": "governorate",
                "body_id": cls.body.id,
                "scan_lang": "fra",
            }
        )
        cls.agent = new_test_user(
            cls.env,
            login="scan_agent",
            groups="emowaten_base.group_emowaten_agent",
            name="Scan Agent",
        )
        cls.env["emowaten.office.member"].create(
            {"office_id": cls.office.id, "user_id": cls.agent.id, "role": "agent"}
        )
        cls.partner = cls.env["res.partner"].create({"name": "Citizen Existing"})

    def make_batch(self, files, **vals):
        batch = self.env["emowaten.scan.batch"].create(
            {"office_id": self.office.id, **vals}
        )
        batch._emowaten_add_files(files)
        return batch

    def run_workers(self, max_units=None):
        """Run one worker in its own (test) cursor, as the cron would, with commits."""
        with self.enter_registry_test_mode(), self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, dict(self.env.context))
            return env["emowaten.scan.page"]._cron_process_queue(max_units=max_units)

    def make_request(self, subject="Existing request"):
        request = self.env["emowaten.request"].create(
            {
                "office_id": self.office.id,
                "partner_id": self.partner.id,
                "subject": subject,
                "channel": "counter",
            }
        )
        request.action_register()
        return request

    @staticmethod
    def b64decode(value):
        return base64.b64decode(value)
