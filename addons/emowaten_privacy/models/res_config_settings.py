from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    emowaten_privacy_retention_days = fields.Integer(
        string="Retention of Personal Data (days)",
        config_parameter="emowaten_privacy.retention_days",
        default=3650,
        help="Days after a request is closed before its personal data is anonymised; "
        "a request type may set its own period.",
    )
