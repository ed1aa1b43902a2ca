from odoo import fields, models


class EmowatenRequestType(models.Model):
    _inherit = "emowaten.request.type"

    privacy_retention_days = fields.Integer(
        string="Retention (days)",
        help="Days after closure before the personal data of a request of this type is "
        "anonymised. 0 uses the general retention set in the settings.",
    )
