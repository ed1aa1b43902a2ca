from odoo import fields, models
from odoo.exceptions import UserError

from ..models.emowaten_answer import ANSWER_KINDS


class EmowatenAnswerMass(models.TransientModel):
    _name = "emowaten.answer.mass"
    _description = "One Answer for Many Identical Requests"

    request_ids = fields.Many2many(
        "emowaten.request",
        string="Requests",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    template_id = fields.Many2one("emowaten.answer.template")
    kind = fields.Selection(ANSWER_KINDS, required=True, default="information")
    lang = fields.Selection(
        [("ar", "Arabic"), ("fr", "French")], default="ar", required=True
    )
    body_html = fields.Html(
        string="Letter",
        sanitize=True,
        help="Placeholders ({reference}, {citizen}, {date}...) are filled for each "
        "request.",
    )
    reason = fields.Text(string="Reasons")
    submit = fields.Boolean(string="Send Now", default=True)

    def action_answer(self):
        """Create one answer per request from the same text, then submit them all."""
        self.ensure_one()
        requests = self.request_ids.filtered(
            lambda r: r.state
            not in ("draft", "answered", "closed", "inadmissible", "withdrawn")
        )
        if not requests:
            raise UserError(
                self.env._("None of the selected requests is waiting for an answer.")
            )
        source = self.body_html
        if not source and self.template_id:
            source = (
                self.template_id.body_ar
                if self.lang == "ar"
                else self.template_id.body_fr
            ) or self.template_id.body_ar
        if not source:
            raise UserError(
                self.env._("Write the text of the answer or choose a template.")
            )
        answers = self.env["emowaten.answer"].create(
            [
                {
                    "request_id": request.id,
                    "kind": self.kind,
                    "lang": self.lang,
                    "template_id": self.template_id.id,
                    "body_html": request._emowaten_fill_placeholders(
                        str(source), self.lang
                    ),
                    "reason": self.reason,
                }
                for request in requests
            ]
        )
        if self.submit:
            answers.action_submit()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answers"),
            "res_model": "emowaten.answer",
            "view_mode": "list,form",
            "domain": [("id", "in", answers.ids)],
        }
