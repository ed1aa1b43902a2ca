from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EmowatenHostingAgreement(models.Model):
    """Hosting agreement of one public body with the CNI for one year (circular,
    measure 2: each body pays the hosting of its own data). No public tariff
    exists, so each agreement carries its own tariff lines."""

    _name = "emowaten.hosting.agreement"
    _description = "Hosting Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "year desc, body_id"

    def _default_currency_id(self):
        return (
            self.env.ref("base.TND", raise_if_not_found=False)
            or self.env.company.currency_id
        )

    name = fields.Char(compute="_compute_name", store=True)
    body_id = fields.Many2one(
        "emowaten.body", string="Public Body", required=True, index=True, tracking=True
    )
    state_id = fields.Many2one(
        related="body_id.state_id", store=True, string="Governorate"
    )
    body_type = fields.Selection(
        related="body_id.body_type", store=True, string="Kind of Body"
    )
    year = fields.Integer(
        required=True,
        default=lambda self: fields.Date.context_today(self).year,
        tracking=True,
    )
    reference = fields.Char(string="CNI Reference", tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("committed", "Committed"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
    )
    currency_id = fields.Many2one(
        "res.currency", default=lambda self: self._default_currency_id(), required=True
    )
    budget = fields.Monetary(
        tracking=True, help="Budget committed for the hosting of the year."
    )
    tariff_ids = fields.One2many(
        "emowaten.hosting.tariff", "agreement_id", string="Tariffs"
    )
    usage_ids = fields.One2many(
        "emowaten.hosting.usage", "agreement_id", string="Monthly Usage"
    )
    actual_cost = fields.Monetary(compute="_compute_costs", store=True)
    forecast_cost = fields.Monetary(
        compute="_compute_costs",
        store=True,
        help="Cost to date plus the cost of the last measured month "
        "for each remaining month.",
    )
    variance = fields.Monetary(
        compute="_compute_costs",
        store=True,
        help="Budget minus forecast; negative means overrun.",
    )
    over_budget = fields.Boolean(compute="_compute_costs", store=True)
    last_month = fields.Date(
        compute="_compute_costs", store=True, string="Last Measured Month"
    )

    _body_year_uniq = models.Constraint(
        "UNIQUE(body_id, year)", "A body has one hosting agreement per year."
    )

    @api.depends("body_id", "year")
    def _compute_name(self):
        for agreement in self:
            agreement.name = (
                f"{agreement.body_id.display_name or ''} — {agreement.year}"
            )

    @api.depends("usage_ids.cost", "usage_ids.date", "budget")
    def _compute_costs(self):
        for agreement in self:
            usages = agreement.usage_ids.sorted("date")
            actual = sum(usages.mapped("cost"))
            if usages:
                last = usages[-1]
                remaining = max(12 - last.date.month, 0)
                forecast = actual + last.cost * remaining
                agreement.last_month = last.date
            else:
                forecast = 0.0
                agreement.last_month = False
            agreement.actual_cost = actual
            agreement.forecast_cost = forecast
            agreement.variance = agreement.budget - forecast
            agreement.over_budget = bool(usages) and forecast > agreement.budget

    @api.constrains("year", "budget")
    def _check_year(self):
        for agreement in self:
            if not 2000 <= agreement.year <= 2100:
                raise ValidationError(
                    self.env._("The year %s is not valid.", agreement.year)
                )
            if agreement.budget < 0:
                raise ValidationError(self.env._("The budget cannot be negative."))

    def action_commit(self):
        self.write({"state": "committed"})

    def action_close(self):
        self.write({"state": "closed"})

    def action_reset_draft(self):
        self.write({"state": "draft"})

    def _emowaten_tariff_at(self, date):
        """Return the tariff in force on ``date`` (the latest one starting on or
        before it), or an empty recordset."""
        self.ensure_one()
        tariffs = self.tariff_ids.filtered(lambda t: t.date_from <= date).sorted(
            "date_from"
        )
        return tariffs[-1:] if tariffs else tariffs

    def _emowaten_check_budget(self):
        """Schedule one to-do for the head of the body when the forecast exceeds
        the budget (never twice while the first one is open)."""
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for agreement in self.filtered("over_budget"):
            head = agreement.body_id.head_user_id
            if not head:
                continue
            already = agreement.activity_ids.filtered(
                lambda a, h=head: a.activity_type_id == activity_type and a.user_id == h
            )
            if already:
                continue
            # written in the head's language, not the cron's
            env = agreement.with_context(lang=head.lang or self.env.lang).env
            agreement.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=head.id,
                summary=env._("Hosting forecast exceeds the budget"),
                note=env._(
                    "The hosting forecast of %(body)s for %(year)s is %(forecast)s "
                    "for a budget of %(budget)s.",
                    body=agreement.body_id.display_name,
                    year=agreement.year,
                    forecast=round(agreement.forecast_cost, 3),
                    budget=round(agreement.budget, 3),
                ),
            )
