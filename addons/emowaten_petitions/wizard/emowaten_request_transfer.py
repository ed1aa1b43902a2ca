from odoo import fields, models


class EmowatenRequestTransfer(models.TransientModel):
    _name = "emowaten.request.transfer"
    _description = "Transfer a Request"

    request_ids = fields.Many2many(
        "emowaten.request",
        string="Requests",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    body_id = fields.Many2one("emowaten.body", string="To Body")
    user_id = fields.Many2one(
        "res.users", string="To Person", domain=[("share", "=", False)]
    )
    reason = fields.Text(required=True)

    def action_transfer(self):
        self.ensure_one()
        self.request_ids.action_transfer(
            self.reason, body=self.body_id, user=self.user_id
        )
        return {"type": "ir.actions.act_window_close"}
