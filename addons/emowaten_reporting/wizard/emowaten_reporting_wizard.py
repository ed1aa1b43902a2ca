from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

MONTHS = [(str(month), str(month)) for month in range(1, 13)]
QUARTERS = [("1", "Q1"), ("2", "Q2"), ("3", "Q3"), ("4", "Q4")]


class EmowatenReportingWizard(models.TransientModel):
    """Choose a report, its period, its office or body and its language."""

    _name = "emowaten.reporting.wizard"
    _description = "e-Mowaten Report Printing"

    def _default_year(self):
        return fields.Date.context_today(self).year

    def _default_scope(self):
        user = self.env.user
        if user.emowaten_office_ids:
            return "office"
        if user.emowaten_body_ids:
            return "body"
        return "national"

    def _default_lang(self):
        installed = dict(self.env["res.lang"].get_installed())
        return self.env.lang if self.env.lang in installed else next(iter(installed))

    report_kind = fields.Selection(
        [
            ("periodic", "Periodic statistics"),
            ("yearly", "Yearly activity report of an office"),
            ("hosting", "Hosting costs per body"),
        ],
        string="Report",
        required=True,
        default="periodic",
    )
    scope = fields.Selection(
        [("office", "An office"), ("body", "A public body"), ("national", "National")],
        required=True,
        default=lambda self: self._default_scope(),
    )
    office_id = fields.Many2one(
        "emowaten.office",
        default=lambda self: self.env.user.emowaten_office_ids[:1],
    )
    body_id = fields.Many2one(
        "emowaten.body",
        string="Public Body",
        default=lambda self: self.env.user.emowaten_body_ids[:1],
    )
    include_sub_bodies = fields.Boolean(default=True)
    period = fields.Selection(
        [("month", "Month"), ("quarter", "Quarter"), ("year", "Year")],
        required=True,
        default="month",
    )
    year = fields.Integer(required=True, default=lambda self: self._default_year())
    month = fields.Selection(
        MONTHS, default=lambda self: str(fields.Date.context_today(self).month)
    )
    quarter = fields.Selection(QUARTERS, default="1")
    lang = fields.Selection(
        selection="_selection_lang",
        string="Language",
        required=True,
        default=lambda self: self._default_lang(),
    )
    date_from = fields.Date(compute="_compute_dates")
    date_to = fields.Date(compute="_compute_dates")

    @api.model
    def _selection_lang(self):
        return self.env["res.lang"].get_installed()

    @api.depends("period", "year", "month", "quarter")
    def _compute_dates(self):
        for wizard in self:
            wizard.date_from, wizard.date_to = wizard._emowaten_period_dates()

    def _emowaten_period_dates(self):
        self.ensure_one()
        if not 2000 <= (self.year or 0) <= 2100:
            return False, False
        if self.period == "year":
            start, months = date(self.year, 1, 1), 12
        elif self.period == "quarter":
            start, months = date(self.year, 3 * int(self.quarter or 1) - 2, 1), 3
        else:
            start, months = date(self.year, int(self.month or 1), 1), 1
        return start, start + relativedelta(months=months, days=-1)

    def _emowaten_check(self):
        self.ensure_one()
        if not 2000 <= self.year <= 2100:
            raise UserError(self.env._("Choose a year between 2000 and 2100."))
        if self.report_kind == "yearly" and not self.office_id:
            raise UserError(self.env._("Choose the office of the yearly report."))
        if self.report_kind == "periodic":
            if self.scope == "office" and not self.office_id:
                raise UserError(self.env._("Choose the office of the report."))
            if self.scope == "body" and not self.body_id:
                raise UserError(self.env._("Choose the public body of the report."))

    def _emowaten_report_data(self):
        self.ensure_one()
        data = {"lang": self.lang, "year": self.year}
        if self.report_kind == "periodic":
            date_from, date_to = self._emowaten_period_dates()
            data.update(
                period=self.period,
                date_from=fields.Date.to_string(date_from),
                date_to=fields.Date.to_string(date_to),
            )
            if self.scope == "office":
                data["office_id"] = self.office_id.id
            elif self.scope == "body":
                data["body_id"] = self.body_id.id
                data["include_sub_bodies"] = self.include_sub_bodies
        return data

    def action_print(self):
        self._emowaten_check()
        data = self._emowaten_report_data()
        if self.report_kind == "yearly":
            report, records = "office_yearly_xlsx", self.office_id
        elif self.report_kind == "hosting":
            report, records = "body_hosting_xlsx", self.body_id
        else:
            report, records = "periodic_statistics_xlsx", self
        if records._name != self._name:
            data["record_ids"] = records.ids
        action = self.env.ref(f"emowaten_reporting.action_report_{report}")
        return action.report_action(records, data=data, config=False)
