from odoo import fields, models


class EmowatenRequestRoute(models.TransientModel):
    _name = "emowaten.request.route"
    _description = "Route a Request to Competent Bodies"

    request_id = fields.Many2one(
        "emowaten.request",
        required=True,
        default=lambda self: self.env.context.get("active_id"),
    )
    body_ids = fields.Many2many(
        "emowaten.body", string="Competent Bodies", required=True
    )

    def action_route(self):
        self.ensure_one()
        self.request_id.action_route(self.body_ids)
        return {"type": "ir.actions.act_window_close"}
