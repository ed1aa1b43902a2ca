from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    emowaten_member_ids = fields.One2many(
        "emowaten.office.member", "user_id", string="Office Memberships"
    )
    emowaten_office_ids = fields.Many2many(
        "emowaten.office",
        "emowaten_user_office_rel",
        "user_id",
        "office_id",
        string="e-Mowaten Offices",
        compute="_compute_emowaten_office_ids",
        store=True,
    )
    emowaten_managed_office_ids = fields.Many2many(
        "emowaten.office",
        "emowaten_user_managed_office_rel",
        "user_id",
        "office_id",
        string="Managed Offices",
        compute="_compute_emowaten_office_ids",
        store=True,
    )
    emowaten_body_ids = fields.Many2many(
        "emowaten.body",
        "emowaten_body_correspondent_rel",
        "user_id",
        "body_id",
        string="Correspondent of",
        help="Public bodies of which the user is a correspondent.",
    )
    emowaten_signatory_body_ids = fields.Many2many(
        "emowaten.body",
        "emowaten_body_signatory_rel",
        "user_id",
        "body_id",
        string="Authorised Signatory of",
    )
    emowaten_body_tree_ids = fields.Many2many(
        "emowaten.body",
        string="Bodies and Sub-bodies",
        compute="_compute_emowaten_body_tree_ids",
    )

    @api.depends("emowaten_member_ids.office_id", "emowaten_member_ids.role")
    def _compute_emowaten_office_ids(self):
        for user in self:
            members = user.emowaten_member_ids
            user.emowaten_office_ids = members.office_id
            user.emowaten_managed_office_ids = members.filtered(
                lambda m: m.role == "manager"
            ).office_id

    @api.depends("emowaten_body_ids")
    def _compute_emowaten_body_tree_ids(self):
        Body = self.env["emowaten.body"].sudo()
        for user in self:
            if user.emowaten_body_ids:
                user.emowaten_body_tree_ids = Body.search(
                    [("id", "child_of", user.emowaten_body_ids.ids)]
                )
            else:
                user.emowaten_body_tree_ids = False

    def write(self, vals):
        res = super().write(vals)
        if "emowaten_body_ids" in vals:
            self.env.registry.clear_cache()
        return res
