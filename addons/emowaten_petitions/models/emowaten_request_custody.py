from odoo import api, fields, models


class EmowatenRequestCustody(models.Model):
    _name = "emowaten.request.custody"
    _inherit = ["emowaten.request.line.mixin"]
    _description = "Custody Log of a Request"
    _order = "date_from desc, id desc"

    request_id = fields.Many2one(
        "emowaten.request", required=True, ondelete="cascade", index=True
    )
    user_id = fields.Many2one("res.users", string="Holder", required=True)
    body_id = fields.Many2one("emowaten.body")
    date_from = fields.Datetime(
        string="From", required=True, default=fields.Datetime.now
    )
    date_to = fields.Datetime(string="To")
    reason = fields.Text(string="Transfer Reason")
    duration_days = fields.Float(compute="_compute_duration_days", string="Days Held")

    @api.depends("date_from", "date_to")
    def _compute_duration_days(self):
        now = fields.Datetime.now()
        for entry in self:
            end = entry.date_to or now
            entry.duration_days = (
                round((end - entry.date_from).total_seconds() / 86400, 1)
                if entry.date_from
                else 0.0
            )
