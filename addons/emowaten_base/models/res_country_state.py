from odoo import fields, models


class ResCountryState(models.Model):
    _inherit = "res.country.state"

    emowaten_district_id = fields.Many2one(
        "emowaten.district", string="District", index=True, ondelete="set null"
    )
    emowaten_name_ar = fields.Char(string="Arabic Name")
    emowaten_name_fr = fields.Char(string="French Name")
    emowaten_delegation_ids = fields.One2many(
        "emowaten.delegation", "state_id", string="Delegations"
    )
