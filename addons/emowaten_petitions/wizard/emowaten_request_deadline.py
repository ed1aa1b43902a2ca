from odoo import fields, models


class EmowatenRequestDeadline(models.TransientModel):
    _name = "emowaten.request.deadline"
    _description = "Suspend or Extend a Legal Deadline"

    request_ids = fields.Many2many(
        "emowaten.request",
        string="Requests",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    kind = fields.Selection(
        [("suspension", "Suspend (waiting for the citizen)"), ("extension", "Extend")],
        required=True,
        default="extension",
    )
    days = fields.Integer(default=15)
    motive = fields.Text(required=True)

    def action_apply(self):
        self.ensure_one()
        if self.kind == "suspension":
            self.request_ids.action_suspend(self.motive)
        else:
            self.request_ids.action_extend(self.days, self.motive)
        return {"type": "ir.actions.act_window_close"}
