import base64
import hashlib

from odoo import fields, models

from ..tools import pades


class EmowatenAnswer(models.Model):
    _inherit = "emowaten.answer"

    emowaten_letter_sha256 = fields.Char(
        string="Prepared Letter SHA-256", readonly=True, copy=False
    )
    emowaten_content_sha256 = fields.Char(readonly=True, copy=False)
    emowaten_prepared_date = fields.Datetime(
        string="Prepared for Signature", readonly=True, copy=False
    )
    emowaten_signature_log_ids = fields.One2many(
        "emowaten.signature.log", "answer_id", string="Signature Events", readonly=True
    )
    emowaten_verification_token = fields.Char(
        string="Verification Code",
        compute="_compute_emowaten_verification",
        compute_sudo=True,
    )
    emowaten_verification_url = fields.Char(
        string="Verification Page",
        compute="_compute_emowaten_verification",
        compute_sudo=True,
    )

    def _compute_emowaten_verification(self):
        Service = self.env["emowaten.signature.service"]
        for answer in self:
            log = answer.emowaten_signature_log_ids.filtered(
                lambda x: x.event == "signed"
            )[:1]
            answer.emowaten_verification_token = log.verification_token
            answer.emowaten_verification_url = (
                Service._emowaten_verify_url(log.verification_token) if log else False
            )

    def _emowaten_content_hash(self):
        self.ensure_one()
        text = "\x00".join(
            [self.body_html or "", self.kind or "", self.reason or "", self.lang or ""]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def _emowaten_prepare_letter(self):
        """Render the letter that will be signed and remember its fingerprint, so that
        any later change to the text or to the stored PDF is detected before signing."""
        for answer in self:
            pdf = answer._emowaten_render_letter_pdf()
            answer._emowaten_store_letter(pdf)
            answer.write(
                {
                    "emowaten_letter_sha256": pades.sha256_hex(pdf),
                    "emowaten_content_sha256": answer._emowaten_content_hash(),
                    "emowaten_prepared_date": fields.Datetime.now(),
                }
            )
        return True

    def _emowaten_letter_bytes(self):
        self.ensure_one()
        if not self.emowaten_letter_sha256 or not self.letter_attachment_id:
            self._emowaten_prepare_letter()
        return base64.b64decode(self.letter_attachment_id.sudo().datas)

    def _emowaten_letter_unchanged(self):
        self.ensure_one()
        if not self.emowaten_letter_sha256:
            return True  # prepared on the fly at signing time
        if self._emowaten_content_hash() != self.emowaten_content_sha256:
            return False
        data = base64.b64decode(self.letter_attachment_id.sudo().datas or b"")
        return pades.sha256_hex(data) == self.emowaten_letter_sha256

    def action_submit(self):
        res = super().action_submit()
        self.filtered(lambda a: a.state == "to_sign")._emowaten_prepare_letter()
        return res

    def action_reset_draft(self):
        to_reset = self.filtered(lambda a: a.state == "to_sign")
        res = super().action_reset_draft()
        to_reset.write(
            {
                "emowaten_letter_sha256": False,
                "emowaten_content_sha256": False,
                "emowaten_prepared_date": False,
            }
        )
        return res

    def action_emowaten_sign(self):
        return self.env["emowaten.signature.sign.wizard"]._emowaten_open(self)

    def action_emowaten_verify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self.emowaten_verification_url,
            "target": "new",
        }
