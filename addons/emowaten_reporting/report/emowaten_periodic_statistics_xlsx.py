from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

# Granularity of the trend sheet for each kind of period.
TREND_STEP = {"month": "day", "quarter": "week", "year": "month"}


def period_starts(date_from, date_to, step):
    """First day of every ``step`` (day, week, month) between two dates."""
    if step == "day":
        current, delta = date_from, relativedelta(days=1)
    elif step == "week":
        current, delta = (
            date_from - timedelta(days=date_from.weekday()),
            relativedelta(weeks=1),
        )
    else:
        current, delta = date_from.replace(day=1), relativedelta(months=1)
    starts = []
    while current <= date_to:
        starts.append(current)
        current += delta
    return starts


class EmowatenPeriodicStatisticsXlsx(models.AbstractModel):
    """Statistics of an office or of a body (with its sub-bodies) over a month,
    a quarter or a year: summary, trend with chart, breakdowns."""

    _name = "report.emowaten_reporting.periodic_statistics_xlsx"
    _inherit = "report.emowaten_reporting.xlsx_common"
    _description = "Periodic Statistics XLSX Report"

    def _get_objs_for_report(self, docids, data):
        # everything the report needs travels in ``data``; the wizard may be gone
        return self.env["emowaten.reporting.wizard"]

    def _emowaten_scope(self, data):
        """Return ``(domain, body_domain, entity label, entity name, from, to)``.

        ``domain`` selects the citizens' requests of an office (or of the whole
        country), without the files routed to the bodies, so that a request
        routed to three bodies counts once; ``body_domain`` selects the files
        handled by the bodies, for the breakdown per body. For a body, both are
        the files of the body and of its sub-bodies.
        """
        try:
            date_from = fields.Date.to_date(data["date_from"])
            date_to = fields.Date.to_date(data["date_to"])
        except (KeyError, ValueError, TypeError) as exc:
            raise UserError(self.env._("The report needs a valid period.")) from exc
        if not date_from or not date_to or date_from > date_to:
            raise UserError(self.env._("The report needs a valid period."))
        period = self.env["emowaten.request.analysis"]._emowaten_period_domain(
            date_from, date_to
        )
        citizen = Domain("is_routed", "=", False)
        with_body = Domain("body_id", "!=", False)
        if data.get("office_id"):
            office = self.env["emowaten.office"].browse(int(data["office_id"])).exists()
            if not office:
                raise UserError(
                    self.env._("The office of the report no longer exists.")
                )
            domain = period & Domain("office_id", "=", office.id)
            label, name = self.env._("Office"), office.display_name
            return domain & citizen, domain & with_body, label, name, date_from, date_to
        if data.get("body_id"):
            body = self.env["emowaten.body"].browse(int(data["body_id"])).exists()
            if not body:
                raise UserError(self.env._("The body of the report no longer exists."))
            operator = "child_of" if data.get("include_sub_bodies", True) else "="
            domain = period & Domain("body_id", operator, body.id)
            label, name = self.env._("Public body"), body.display_name
            return domain, domain, label, name, date_from, date_to
        label, name = self.env._("Scope"), self.env._("National")
        return period & citizen, period & with_body, label, name, date_from, date_to

    def generate_xlsx_report(self, workbook, data, objs):
        Analysis = self.env["emowaten.request.analysis"]
        domain, body_domain, entity_label, entity_name, date_from, date_to = (
            self._emowaten_scope(data)
        )
        period = data.get("period") or "month"
        fmts = self._emowaten_formats(workbook)
        # Summary
        sheet = self._emowaten_add_sheet(
            workbook, self.env._("Summary"), fmts, [42, 30]
        )
        row = self._emowaten_write_header(
            sheet,
            fmts,
            self.env._("Periodic statistics"),
            [
                (entity_label, entity_name),
                (self.env._("From"), date_from),
                (self.env._("To"), date_to),
                (self.env._("Generated on"), self._emowaten_today()),
            ],
        )
        totals = Analysis._emowaten_statistics(domain)
        self._emowaten_write_kpis(sheet, row, fmts, totals[0] if totals else {})
        # Trend
        self._emowaten_write_trend(workbook, fmts, domain, date_from, date_to, period)
        # Breakdowns
        self._emowaten_write_breakdowns(
            workbook,
            fmts,
            domain,
            self._emowaten_dimensions(data),
            {"body_id": body_domain},
        )

    def _emowaten_dimensions(self, data):
        dims = ["type_id", "channel", "category_id", "stage_id"]
        if not data.get("office_id"):
            dims.append("office_id")
        if not data.get("body_id"):
            dims.append("body_id")
        return dims + ["state_id", "district_id"]

    def _emowaten_write_trend(self, workbook, fmts, domain, date_from, date_to, period):
        step = TREND_STEP.get(period, "month")
        rows = self.env["emowaten.request.analysis"]._emowaten_statistics(
            domain, f"registration_day:{step}"
        )
        by_key = {row["key"]: row for row in rows}
        starts = period_starts(date_from, date_to, step)
        sheet = self._emowaten_add_sheet(
            workbook, self.env._("Trend"), fmts, [16] + [14] * 10
        )
        filled = [by_key.get(start) or {"key": start} for start in starts]
        first, last, _next = self._emowaten_write_stat_table(
            sheet,
            0,
            fmts,
            self.env._("Period"),
            filled,
            {start: start for start in starts},
        )
        if filled:
            chart = self._emowaten_trend_chart(
                workbook, sheet, first, last, self.env._("Requests per period")
            )
            sheet.insert_chart(last + 2, 1, chart)
        return sheet
