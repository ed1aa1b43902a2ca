from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EmowatenRequestDeadlineEvent(models.Model):
    _name = "emowaten.request.deadline.event"
    _inherit = ["emowaten.request.line.mixin"]
    _description = "Suspension or Extension of a Legal Deadline"
    _order = "date_start, id"

    request_id = fields.Many2one(
        "emowaten.request", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(
        [("suspension", "Suspension"), ("extension", "Extension")], required=True
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(help="Empty while the clock is still stopped.")
    days = fields.Integer(
        compute="_compute_days",
        store=True,
        precompute=True,
        readonly=False,
        help="Extension: days granted. Suspension: days the clock was stopped, counted "
        "like the legal deadline.",
    )
    motive = fields.Text(required=True)
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    _days_positive = models.Constraint(
        "CHECK(days >= 0)", "A number of days cannot be negative."
    )

    @api.depends("kind", "date_start", "date_end")
    def _compute_days(self):
        for event in self:
            if event.kind != "suspension":
                event.days = event.days or 0
                continue
            if not event.date_end:
                event.days = 0
                continue
            request = event.request_id
            calendar = (
                request.office_id.calendar_id
                if request.deadline_unit == "working"
                else None
            )
            event.days = request._emowaten_count_days(
                event.date_start, event.date_end, calendar
            )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for event in self:
            if event.date_end and event.date_end < event.date_start:
                raise ValidationError(
                    self.env._("A suspension cannot end before it starts.")
                )
