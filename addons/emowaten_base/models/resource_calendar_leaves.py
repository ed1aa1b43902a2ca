from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    emowaten_holiday_id = fields.Many2one(
        "emowaten.public.holiday",
        string="Public Holiday",
        index=True,
        ondelete="cascade",
    )
