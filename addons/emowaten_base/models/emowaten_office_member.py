from odoo import api, fields, models
from odoo.exceptions import AccessError


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

    def _check_staffing_rights(self, office_ids):
        """A manager staffs only the offices he managed *before* the change: the
        record rule reads ``user.emowaten_managed_office_ids``, which a new manager
        row of his own recomputes before the rule is checked (he could make himself
        manager of any office)."""
        if self.env.su or self.env.user.has_group("emowaten_base.group_emowaten_admin"):
            return
        managed = self.env.user.emowaten_managed_office_ids.ids
        if any(office_id not in managed for office_id in office_ids):
            raise AccessError(self.env._("You can only staff the offices you manage."))

    @api.model_create_multi
    def create(self, vals_list):
        self._check_staffing_rights([vals.get("office_id") for vals in vals_list])
        members = super().create(vals_list)
        # record rules embed the user's offices: drop the cached rules
        self.env.registry.clear_cache()
        return members

    def write(self, vals):
        if "office_id" in vals or "user_id" in vals or "role" in vals:
            self._check_staffing_rights(
                self.office_id.ids
                + ([vals["office_id"]] if vals.get("office_id") else [])
            )
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
