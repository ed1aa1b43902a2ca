import base64

from odoo import fields, models

from ..tools import pades
from .emowaten_signature_service import SignatureRefusal


class EmowatenSignatureJobLine(models.Model):
    _name = "emowaten.signature.job.line"
    _description = "Workstation Signing Job Line"

    job_id = fields.Many2one(
        "emowaten.signature.job", required=True, ondelete="cascade", index=True
    )
    answer_id = fields.Many2one("emowaten.answer", required=True, ondelete="cascade")
    answer_ref = fields.Char(related="answer_id.request_id.name")
    prepared_pdf = fields.Binary(attachment=True, readonly=True)
    prepared_data = fields.Json(readonly=True)
    tbs_digest = fields.Char(string="Digest to Sign", readonly=True)
    letter_sha256 = fields.Char(readonly=True)
    verification_token = fields.Char(readonly=True)
    state = fields.Selection(
        [("pending", "Pending"), ("signed", "Signed"), ("refused", "Refused")],
        default="pending",
        required=True,
    )
    message = fields.Char(readonly=True)

    def _emowaten_finish(self, signature_b64):
        """Embed the agent's signature, verify, store on the answer and log."""
        self.ensure_one()
        service = self.env["emowaten.signature.service"]
        job = self.job_id
        answer = self.answer_id
        certificate = job.certificate_id
        try:
            with self.env.cr.savepoint():
                service._emowaten_check_certificate(certificate, self.env.user)
                authority = service._emowaten_check_answer(
                    answer, self.env.user, fields.Date.context_today(self)
                )
                letter = answer._emowaten_letter_bytes()
                if pades.sha256_hex(letter) != self.letter_sha256:
                    raise service._emowaten_refusal(
                        "document_changed", doc=answer.display_name
                    )
                opts = service._emowaten_sign_options(
                    answer, certificate, authority, self.verification_token
                )
                prepared = dict(self.prepared_data)
                prepared["prepared_pdf"] = base64.b64decode(self.sudo().prepared_pdf)
                try:
                    signed = pades.finish_external(
                        prepared,
                        base64.b64decode(signature_b64),
                        certificate._emowaten_der(),
                        [],
                        opts,
                    )
                except pades.PadesError as exc:
                    if exc.code == "signature_mismatch":
                        raise service._emowaten_refusal(
                            "signature_mismatch", doc=answer.display_name
                        ) from exc
                    raise service._emowaten_refusal(
                        "token_error", detail=exc.detail
                    ) from exc
                service._emowaten_complete(
                    answer,
                    certificate,
                    signed,
                    pades.sha256_hex(letter),
                    self.verification_token,
                    opts,
                    job.name,
                )
            self.sudo().write({"state": "signed", "message": answer.display_name})
            return {"id": self.id, "ok": True, "message": answer.display_name}
        except SignatureRefusal as refusal:
            service._emowaten_log_refusal(answer, certificate, refusal, job.name)
            self.sudo().write({"state": "refused", "message": refusal.args[0]})
            return {"id": self.id, "ok": False, "message": refusal.args[0]}
