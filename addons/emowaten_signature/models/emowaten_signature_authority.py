from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain

AUTHORITY_KINDS = [
    ("titular", "Titular"),
    ("delegation", "Delegation of Signature"),
    ("interim", "Interim"),
]


class EmowatenSignatureAuthority(models.Model):
    """Who may sign favourable answers for which body, from when to when: the titular
    signatory, and delegations or interims granted by a titular for a period."""

    _name = "emowaten.signature.authority"
    _description = "Signing Authority"
    _inherit = ["mail.thread"]
    _order = "body_id, date_from desc"
    _rec_names_search = ["user_id", "body_id"]

    name = fields.Char(compute="_compute_name", store=True)
    user_id = fields.Many2one(
        "res.users", string="Signatory", required=True, index=True, tracking=True
    )
    body_id = fields.Many2one(
        "emowaten.body", string="Public Body", required=True, index=True, tracking=True
    )
    kind = fields.Selection(
        AUTHORITY_KINDS, required=True, default="titular", tracking=True
    )
    delegator_id = fields.Many2one(
        "res.users",
        string="Granted By",
        tracking=True,
        help="The titular signatory who delegates, or who is replaced during the "
        "interim.",
    )
    date_from = fields.Date(
        string="From", required=True, default=fields.Date.context_today, tracking=True
    )
    date_to = fields.Date(string="Until", tracking=True)
    decision_ref = fields.Char(
        string="Decision Reference", help="Number of the decision or decree."
    )
    function_ar = fields.Char(
        string="Function in Arabic", help="Printed on the stamp, e.g. والي تونس"
    )
    function_fr = fields.Char(
        string="Function in French",
        help="Printed on the stamp, e.g. Gouverneur de Tunis",
    )
    active = fields.Boolean(default=True)

    _dates_check = models.Constraint(
        "CHECK(date_to IS NULL OR date_to >= date_from)",
        "The end of a signing authority cannot be before its start.",
    )

    @api.depends("user_id", "body_id", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for auth in self:
            auth.name = "{} – {} ({})".format(
                auth.user_id.name or "",
                auth.body_id.name or "",
                kinds.get(auth.kind, ""),
            )

    @api.constrains(
        "kind", "delegator_id", "date_to", "date_from", "body_id", "user_id"
    )
    def _check_delegation(self):
        for auth in self:
            if auth.kind == "titular":
                continue
            if not auth.delegator_id or not auth.date_to:
                raise ValidationError(
                    self.env._(
                        "A delegation or an interim needs the titular who grants it "
                        "and an "
                        "end date."
                    )
                )
            if auth.delegator_id == auth.user_id:
                raise ValidationError(
                    self.env._("A signatory cannot delegate to themselves.")
                )
            covering = self.search_count(
                [
                    ("id", "!=", auth.id),
                    ("user_id", "=", auth.delegator_id.id),
                    ("body_id", "=", auth.body_id.id),
                    ("kind", "=", "titular"),
                    ("date_from", "<=", auth.date_from),
                    "|",
                    ("date_to", "=", False),
                    ("date_to", ">=", auth.date_to),
                ]
            )
            if not covering:
                raise ValidationError(
                    self.env._(
                        "%(delegator)s is not the titular signatory of %(body)s for "
                        "the whole "
                        "period, so cannot grant this delegation.",
                        delegator=auth.delegator_id.name,
                        body=auth.body_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.body_id._emowaten_sync_signatories()
        return records

    def write(self, vals):
        bodies = self.body_id
        res = super().write(vals)
        (bodies | self.body_id)._emowaten_sync_signatories()
        return res

    def unlink(self):
        bodies = self.body_id
        res = super().unlink()
        bodies._emowaten_sync_signatories()
        return res

    @api.model
    def _emowaten_domain_at(self, date, user=None, body=None):
        domain = Domain("date_from", "<=", date) & (
            Domain("date_to", "=", False) | Domain("date_to", ">=", date)
        )
        if user is not None:
            domain &= Domain("user_id", "=", user.id)
        if body is not None:
            domain &= Domain("body_id", "=", body.id)
        return domain

    @api.model
    def _emowaten_find(self, user, body, date):
        """The authority allowing ``user`` to sign for ``body`` on ``date``, if any."""
        return self.sudo().search(self._emowaten_domain_at(date, user, body), limit=1)

    @api.model
    def _cron_sync_signatories(self):
        self.env["emowaten.body"].search(
            [
                "|",
                ("signature_authority_ids", "!=", False),
                ("signatory_user_ids", "!=", False),
            ]
        )._emowaten_sync_signatories()
