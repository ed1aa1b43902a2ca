import base64

from odoo import api, fields, models

from ..tools import ocr


class EmowatenScanLine(models.Model):
    _name = "emowaten.scan.line"
    _description = "Scanned File"
    _order = "batch_id, sequence, id"

    batch_id = fields.Many2one(
        "emowaten.scan.batch", required=True, ondelete="cascade", index=True
    )
    office_id = fields.Many2one(related="batch_id.office_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    attachment_id = fields.Many2one(
        "ir.attachment", string="Original File", required=True, ondelete="restrict"
    )
    name = fields.Char(related="attachment_id.name", string="File Name")
    mimetype = fields.Char(readonly=True)
    state = fields.Selection(
        [("queued", "Queued"), ("split", "Pages Ready"), ("error", "Rejected")],
        default="queued",
        required=True,
        index=True,
    )
    page_ids = fields.One2many(
        "emowaten.scan.page", inverse_name="line_id", string="Pages"
    )
    page_count = fields.Integer(compute="_compute_page_count")
    message_code = fields.Char(
        string="Problem Code",
        readonly=True,
        help="Machine code of the problem found on the file or its pages.",
    )
    message_detail = fields.Char(string="Problem Detail", readonly=True)
    message = fields.Text(compute="_compute_message", string="Problems")

    @api.depends("page_ids")
    def _compute_page_count(self):
        for line in self:
            line.page_count = len(line.page_ids)

    @api.depends("message_code", "message_detail", "page_ids.message_code")
    def _compute_message(self):
        for line in self:
            messages = []
            if line.message_code:
                messages.append(
                    self._emowaten_message_text(line.message_code, line.message_detail)
                )
            for page in line.page_ids.filtered("message_code"):
                messages.append(
                    self.env._(
                        "Page %(page)s: %(message)s",
                        page=page.sequence,
                        message=self._emowaten_message_text(
                            page.message_code, page.message_detail
                        ),
                    )
                )
            line.message = "\n".join(messages) or False

    @api.model
    def _emowaten_message_text(self, code, detail=None):
        """Translated text for a problem code (see ``ScanInputError``)."""
        texts = {
            "empty": self.env._("The file is empty."),
            "unsupported": self.env._(
                "Unsupported file type: send a PDF or an image (PNG, JPEG, TIFF, "
                "BMP, GIF)."
            ),
            "corrupt": self.env._("The file is damaged and cannot be read."),
            "encrypted": self.env._(
                "The PDF is protected by a password or encrypted: save it without "
                "protection and upload it again."
            ),
            "bomb": self.env._(
                "The image is too large (%(detail)s): scan it again at 300 dpi.",
                detail=detail or "?",
            ),
            "too_many_pages": self.env._(
                "The file has too many pages (%(detail)s): split it into several "
                "files.",
                detail=detail or "?",
            ),
            "blank": self.env._("Blank page, skipped."),
            "ocr_failed": self.env._("Text recognition failed on this page."),
            "low_confidence": self.env._("Poorly recognised text: check it by hand."),
            "suspect_text": self.env._(
                "Probably misread words (%(detail)s): check the text by hand.",
                detail=detail or "?",
            ),
            "cover_unknown": self.env._(
                "The cover sheet names request %(detail)s, which was not found.",
                detail=detail or "?",
            ),
        }
        return texts.get(code, code)

    # ------------------------------------------------------------------- split
    def _emowaten_split(self):
        """Turn one queued file into queued pages, or record why it cannot be read.

        Nothing is decoded here: the OCR worker decodes each page once, recognises
        cover sheets on it and skips their OCR."""
        self.ensure_one()
        data = self.attachment_id.raw or b""
        self.mimetype = ocr.sniff_mimetype(data) or self.attachment_id.mimetype
        try:
            pages = ocr.split_pages(data, max_pixels=self._emowaten_max_pixels())
        except ocr.ScanInputError as exc:
            self.write(
                {
                    "state": "error",
                    "message_code": exc.code,
                    "message_detail": exc.detail[:200],
                }
            )
            return self.env["emowaten.scan.page"]
        vals_list = [
            {"line_id": self.id, "sequence": index, "image": base64.b64encode(png)}
            for index, png in enumerate(pages, 1)
        ]
        self.write({"state": "split"})
        return self.env["emowaten.scan.page"].create(vals_list)

    @api.model
    def _emowaten_max_pixels(self):
        param = (
            self.env["ir.config_parameter"].sudo().get_param("emowaten_scan.max_pixels")
        )
        return int(param) if param and param.isdigit() else ocr.DEFAULT_MAX_PIXELS
