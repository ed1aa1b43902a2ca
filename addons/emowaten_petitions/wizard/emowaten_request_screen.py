from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError


class EmowatenRequestScreen(models.TransientModel):
    _name = "emowaten.request.screen"
    _description = "Declare a Request Inadmissible"

    request_id = fields.Many2one(
        "emowaten.request",
        required=True,
        default=lambda self: self.env.context.get("active_id"),
    )
    reason_id = fields.Many2one("emowaten.inadmissibility.reason", required=True)
    needs_competent_body = fields.Boolean(related="reason_id.needs_competent_body")
    competent_body_id = fields.Many2one("emowaten.body")
    competent_body_text = fields.Char(
        string="Other Competent Authority",
        help="A court, an agency outside e-Mowaten...",
    )
    lang = fields.Selection(
        [("ar", "Arabic"), ("fr", "French")], default="ar", required=True
    )
    letter = fields.Html(
        compute="_compute_letter", store=True, readonly=False, sanitize=True
    )

    @api.depends("reason_id", "competent_body_id", "competent_body_text", "lang")
    def _compute_letter(self):
        for wizard in self:
            reason = wizard.reason_id.with_context(
                lang=self.env["emowaten.request"]._emowaten_lang(wizard.lang)
            )
            text = str(reason.letter_text or "")
            competent = wizard.competent_body_id
            name = (
                (competent.name_ar if wizard.lang == "ar" else competent.name_fr)
                or competent.name
                if competent
                else wizard.competent_body_text or ""
            )
            text = text.replace("{competent_body}", str(Markup.escape(name or "")))
            wizard.letter = (
                wizard.request_id._emowaten_fill_placeholders(text, wizard.lang)
                if wizard.request_id
                else text
            )

    def action_confirm(self):
        self.ensure_one()
        request = self.request_id
        if self.reason_id.needs_competent_body and not (
            self.competent_body_id or self.competent_body_text
        ):
            raise UserError(
                self.env._("Name the competent body the citizen must turn to.")
            )
        if self.reason_id.code == "repeated":
            return request.action_mark_repeated()
        request.write(
            {
                "inadmissibility_reason_id": self.reason_id.id,
                "orientation_body_id": self.competent_body_id.id,
            }
        )
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "orientation"
                if self.reason_id.needs_competent_body
                else "unfavourable",
                "lang": self.lang,
                "body_html": self.letter,
                "reason": self.reason_id.name,
                "orientation_body_id": self.competent_body_id.id,
            }
        )
        answer.action_send()
        request.write({"state": "inadmissible"})
        return {"type": "ir.actions.act_window_close"}
