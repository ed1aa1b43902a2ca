from odoo import models

SCAN_MODELS = ("emowaten.scan.batch", "emowaten.scan.page")


class IrAttachment(models.Model):
    _inherit = "ir.attachment"

    def _postprocess_contents(self, values):
        # Odoo shrinks uploaded images above 1920 px by default: a scan must be kept as
        # scanned (legal original, OCR at 300 dpi), and must not be decoded at upload
        # time either (a decompression bomb is rejected later, on its batch line).
        if values.get("res_model") in SCAN_MODELS:
            return values
        return super()._postprocess_contents(values)
