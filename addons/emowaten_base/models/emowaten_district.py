from odoo import fields, models


class EmowatenDistrict(models.Model):
    """One of the five districts (إقليم) created by presidential decree 2023-589."""

    _name = "emowaten.district"
    _description = "District"
    _inherit = ["emowaten.arabic.search.mixin"]
    _order = "code, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    state_ids = fields.One2many(
        "res.country.state", "emowaten_district_id", string="Governorates"
    )
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "The district code must be unique.")
