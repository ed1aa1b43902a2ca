from odoo import api, fields, models


class EmowatenRequestType(models.Model):
    _name = "emowaten.request.type"
    _description = "Request Type"
    _inherit = ["emowaten.arabic.search.mixin"]
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Technical code: petition, guidance, suggestion, notice, corruption...",
    )
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    deadline_days = fields.Integer(
        string="Legal Deadline",
        default=60,
        required=True,
        help="Number of days the administration has to answer.",
    )
    deadline_unit = fields.Selection(
        [("calendar", "Calendar days"), ("working", "Working days")],
        default="calendar",
        required=True,
    )
    legal_basis = fields.Text(translate=True)
    recourse_text = fields.Text(
        string="Recourse Path",
        translate=True,
        help="Told to the citizen when the deadline passes without an answer "
        "(implicit refusal).",
    )
    answer_required = fields.Boolean(default=True)
    signature_required = fields.Boolean(
        default=True,
        help="A favourable answer must be signed by an authorised signatory before "
        "it is sent.",
    )
    transfer_keeps_deadline = fields.Boolean(
        default=True,
        help="When unchecked, a transfer restarts the legal deadline from the "
        "transfer date.",
    )
    confidential = fields.Boolean(
        help="Only the designated staff see requests of this type, not even the "
        "office manager."
    )
    designated_user_ids = fields.Many2many(
        "res.users",
        "emowaten_request_type_designated_rel",
        "type_id",
        "user_id",
        string="Designated Staff",
        domain=[("share", "=", False)],
    )
    # waiting has an end: what the office asked the citizen for, and its extensions
    info_reply_days = fields.Integer(
        string="Reply Deadline for Requested Information",
        default=30,
        required=True,
        help="Calendar days the citizen has to send what the office asked for, while "
        "the legal deadline is suspended.",
    )
    info_reminder_days = fields.Integer(
        string="Reminder Before the Reply Deadline",
        default=7,
        required=True,
        help="Days before the reply deadline when the citizen is reminded (0: no "
        "reminder).",
    )
    info_expiry_action = fields.Selection(
        [
            ("resume", "Restart the legal clock"),
            ("close", "Close the request as “no reply”"),
        ],
        string="When the Reply Deadline Passes",
        default="resume",
        required=True,
    )
    max_extensions = fields.Integer(
        string="Extensions Allowed",
        default=1,
        required=True,
        help="How many times the legal deadline of a request may be extended.",
    )
    max_extension_days = fields.Integer(
        string="Extension Days Allowed",
        default=0,
        required=True,
        help="Days all the extensions of a request may add together; 0: at most the "
        "legal deadline itself.",
    )
    default_body_id = fields.Many2one("emowaten.body", string="Default Routing")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    request_count = fields.Integer(compute="_compute_request_count")

    _code_uniq = models.Constraint(
        "UNIQUE(code)", "The code of a request type must be unique."
    )
    _deadline_positive = models.Constraint(
        "CHECK(deadline_days > 0)",
        "The legal deadline must be a positive number of days.",
    )
    _waiting_limits = models.Constraint(
        "CHECK(info_reply_days > 0 AND info_reminder_days >= 0 "
        "AND info_reminder_days < info_reply_days "
        "AND max_extensions >= 0 AND max_extension_days >= 0)",
        "The reply deadline must be positive and longer than the reminder; the "
        "extensions allowed cannot be negative.",
    )

    def _emowaten_extension_cap_days(self, deadline_days):
        """Days all extensions of a request of this type may add."""
        self.ensure_one()
        return self.max_extension_days or deadline_days or self.deadline_days

    def _compute_request_count(self):
        counts = dict(
            self.env["emowaten.request"]._read_group(
                [("type_id", "in", self.ids)], ["type_id"], ["__count"]
            )
        )
        for rtype in self:
            rtype.request_count = counts.get(rtype, 0)

    @api.onchange("confidential")
    def _onchange_confidential(self):
        if self.confidential:
            self.signature_required = False
