import os

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EmowatenOffice(models.Model):
    _inherit = "emowaten.office"

    scan_lang = fields.Char(
        string="OCR Languages",
        default="ara+fra",
        required=True,
        help="Tesseract languages joined by '+', e.g. ara+fra, ara or fra.",
    )
    scan_folder = fields.Char(
        string="Scanner Folder",
        groups="base.group_system",
        help="Server folder where the office's scanner drops files; a scheduled action "
        "imports them into scan batches and moves them to its 'imported' sub-folder.",
    )
    scan_confidence_threshold = fields.Float(
        string="Low Confidence Below",
        default=70.0,
        help="Pages whose mean OCR confidence (0-100) is below this value are "
        "flagged for a human check.",
    )

    @api.constrains("scan_lang")
    def _check_scan_lang(self):
        allowed = set(self.env["emowaten.scan.page"]._emowaten_installed_languages())
        for office in self:
            langs = (office.scan_lang or "").split("+")
            if not all(langs) or not set(langs) <= allowed:
                raise ValidationError(
                    self.env._(
                        "OCR languages %(value)s are not valid: use installed "
                        "Tesseract "
                        "languages (%(allowed)s) joined by '+'.",
                        value=office.scan_lang,
                        allowed=", ".join(sorted(allowed)),
                    )
                )

    @api.constrains("scan_folder")
    def _check_scan_folder(self):
        for office in self.sudo():
            if office.scan_folder and not os.path.isabs(office.scan_folder):
                raise ValidationError(
                    self.env._(
                        "The scanner folder must be an absolute path on the server."
                    )
                )

    @api.constrains("scan_confidence_threshold")
    def _check_scan_confidence_threshold(self):
        for office in self:
            if not 0 <= office.scan_confidence_threshold <= 100:
                raise ValidationError(
                    self.env._("The confidence threshold goes from 0 to 100.")
                )
