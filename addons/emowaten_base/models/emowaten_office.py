from odoo import api, fields, models

OFFICE_KINDS = [
    ("central", "Central Bureau"),
    ("ministry", "Ministry Office"),
    ("governorate", "Governorate Office"),
    ("municipality", "Municipality Office"),
    ("establishment", "Public Establishment Office"),
]


class EmowatenOffice(models.Model):
    """A Citizen Relations Office (مكتب العلاقات مع المواطن, decree 93-1549)."""

    _name = "emowaten.office"
    _description = "Citizen Relations Office"
    _inherit = ["mail.thread", "mail.activity.mixin", "emowaten.arabic.search.mixin"]
    _emowaten_search_fields = ("name", "code")
    _order = "sequence, name, id"

    def _default_calendar_id(self):
        return self.env.ref(
            "emowaten_base.resource_calendar_tn", raise_if_not_found=False
        )

    name = fields.Char(required=True, translate=True, tracking=True)
    sequence = fields.Integer(default=10)
    code = fields.Char(required=True, tracking=True)
    reference_prefix = fields.Char(
        required=True,
        tracking=True,
        help="Prefix of the request references of this office, "
        "e.g. TUN in TUN-2026-000123.",
    )
    kind = fields.Selection(
        OFFICE_KINDS, required=True, default="governorate", tracking=True
    )
    body_id = fields.Many2one(
        "emowaten.body",
        string="Public Body",
        required=True,
        index=True,
        ondelete="restrict",
    )
    body_type = fields.Selection(
        related="body_id.body_type", store=True, string="Body Type"
    )
    member_ids = fields.One2many(
        "emowaten.office.member", "office_id", string="Members"
    )
    user_ids = fields.Many2many(
        "res.users",
        "emowaten_office_user_rel",
        "office_id",
        "user_id",
        string="Staff",
        compute="_compute_user_ids",
        store=True,
    )
    manager_user_ids = fields.Many2many(
        "res.users",
        "emowaten_office_manager_rel",
        "office_id",
        "user_id",
        string="Managers",
        compute="_compute_user_ids",
        store=True,
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        string="Working Calendar",
        default=lambda self: self._default_calendar_id(),
        help="Working hours and Tunisian public holidays used to compute deadlines.",
    )
    street = fields.Char()
    street2 = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    state_id = fields.Many2one(
        "res.country.state",
        string="Governorate",
        index=True,
        domain="[('country_id.code', '=', 'TN')]",
    )
    emowaten_district_id = fields.Many2one(
        related="state_id.emowaten_district_id", store=True, string="District"
    )
    phone = fields.Char()
    email = fields.Char()
    opening_hours = fields.Char(
        translate=True, help="Printed on the receipts given to citizens."
    )
    active = fields.Boolean(default=True, tracking=True)

    _code_uniq = models.Constraint("UNIQUE(code)", "The office code must be unique.")

    @api.depends("member_ids.user_id", "member_ids.role")
    def _compute_user_ids(self):
        for office in self:
            office.user_ids = office.member_ids.user_id
            office.manager_user_ids = office.member_ids.filtered(
                lambda m: m.role == "manager"
            ).user_id

    @api.model_create_multi
    def create(self, vals_list):
        offices = super().create(vals_list)
        offices._emowaten_ensure_holidays()
        return offices

    def write(self, vals):
        res = super().write(vals)
        if "calendar_id" in vals:
            self._emowaten_ensure_holidays()
        return res

    def _emowaten_ensure_holidays(self):
        calendars = self.calendar_id
        if calendars:
            self.env["emowaten.public.holiday"].search(
                [("active", "=", True)]
            )._emowaten_sync_leaves(calendars)
