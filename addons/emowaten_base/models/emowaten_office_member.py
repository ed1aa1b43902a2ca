from odoo import api, fields, models


class EmowatenOfficeMember(models.Model):
    _name = "emowaten.office.member"
    _description = "Citizen Relations Office Member"
    _order = "office_id, role desc, id"

    office_id = fields.Many2one(
        "emowaten.office", required=True, index=True, ondelete="cascade"
    )
    user_id = fields.Many2one(
        "res.users",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False)]",
    )
    role = fields.Selection(
        [("agent", "Agent"), ("manager", "Manager")], required=True, default="agent"
    )
    active = fields.Boolean(related="office_id.active", store=True)

    _office_user_uniq = models.Constraint(
        "UNIQUE(office_id, user_id)", "A user can be a member of an office only once."
    )

    @api.model_create_multi
    def create(self, vals_list):
        members = super().create(vals_list)
        # record rules embed the user's offices: drop the cached rules
        self.env.registry.clear_cache()
        return members

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
