from odoo import fields, models


class EmowatenDelegation(models.Model):
    """Delegation (معتمدية), the subdivision of a governorate."""

    _name = "emowaten.delegation"
    _description = "Delegation"
    _inherit = ["emowaten.arabic.search.mixin"]
    _order = "state_id, name"

    name = fields.Char(required=True, translate=True)
    code = fields.Char()
    state_id = fields.Many2one(
        "res.country.state",
        string="Governorate",
        required=True,
        index=True,
        domain="[('country_id.code', '=', 'TN')]",
    )
    active = fields.Boolean(default=True)

    _state_name_uniq = models.Constraint(
        "UNIQUE(state_id, name)", "A delegation name must be unique in its governorate."
    )
