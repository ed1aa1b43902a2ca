from datetime import date

from xlsxwriter.utility import xl_range

from odoo import models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

from .emowaten_periodic_statistics_xlsx import period_starts

_lt = LazyTranslate(__name__)

# usage field -> (column title, format)
HOSTING_COLUMNS = {
    "record_count": (_lt("Documents"), "int"),
    "size_gb": (_lt("Size (GB)"), "rating"),
    "fixed_cost": (_lt("Fixed fee"), "money"),
    "storage_cost": (_lt("Storage cost"), "money"),
    "document_cost": (_lt("Document cost"), "money"),
    "cost": (_lt("Total cost"), "money"),
}
SUMMED = ("fixed_cost", "storage_cost", "document_cost", "cost")


class EmowatenBodyHostingXlsx(models.AbstractModel):
    """Hosting cost of each body for one year, month by month, against the budget
    of its agreement with the CNI (circular, measure 2)."""

    _name = "report.emowaten_reporting.body_hosting_xlsx"
    _inherit = "report.emowaten_reporting.xlsx_common"
    _description = "Body Hosting Cost XLSX Report"

    def generate_xlsx_report(self, workbook, data, objs):
        year = self._emowaten_year(data)
        Usage = self.env["emowaten.hosting.usage"]
        domain = [("date", ">=", date(year, 1, 1)), ("date", "<=", date(year, 12, 31))]
        if objs:
            domain.append(("body_id", "in", objs.ids))
        usages = Usage.search(domain, order="body_id, date")
        bodies = objs or usages.body_id
        if not bodies:
            raise UserError(self.env._("No hosting usage was measured in %s.", year))
        agreements = self.env["emowaten.hosting.agreement"].search(
            [("year", "=", year), ("body_id", "in", bodies.ids)]
        )
        agreement_by_body = {agreement.body_id: agreement for agreement in agreements}
        fmts = self._emowaten_formats(workbook)
        self._emowaten_write_hosting_summary(
            workbook, fmts, year, bodies, usages, agreement_by_body
        )
        for body in bodies:
            self._emowaten_write_hosting_body(
                workbook,
                fmts,
                year,
                body,
                usages.filtered(lambda u, b=body: u.body_id == b),
                agreement_by_body.get(body),
            )

    def _emowaten_write_hosting_summary(
        self, workbook, fmts, year, bodies, usages, agreement_by_body
    ):
        sheet = self._emowaten_add_sheet(
            workbook, self.env._("Hosting costs"), fmts, [45, 18, 18, 18, 18, 18]
        )
        row = self._emowaten_write_header(
            sheet,
            fmts,
            self.env._("Hosting costs %s", year),
            [(self.env._("Generated on"), self._emowaten_today())],
        )
        titles = [
            self.env._("Public body"),
            self.env._("CNI reference"),
            self.env._("Budget"),
            self.env._("Actual cost"),
            self.env._("Forecast cost"),
            self.env._("Variance"),
        ]
        for col, title in enumerate(titles):
            sheet.write_string(row, col, title, fmts["header"])
        row += 1
        first = row
        for body in bodies:
            agreement = agreement_by_body.get(body)
            actual = sum(
                usages.filtered(lambda u, b=body: u.body_id == b).mapped("cost")
            )
            sheet.write_string(row, 0, body.display_name, fmts["text"])
            sheet.write_string(
                row, 1, (agreement and agreement.reference) or "", fmts["text"]
            )
            if agreement:
                sheet.write_number(row, 2, agreement.budget, fmts["money"])
            sheet.write_number(row, 3, actual, fmts["money"])
            if agreement:
                sheet.write_number(row, 4, agreement.forecast_cost, fmts["money"])
                sheet.write_number(row, 5, agreement.variance, fmts["money"])
            row += 1
        sheet.write_string(row, 0, self.env._("Total"), fmts["label"])
        for col in range(2, 6):
            cells = xl_range(first, col, row - 1, col)
            sheet.write_formula(row, col, f"=SUM({cells})", fmts["total_money"])
        return sheet

    def _emowaten_write_hosting_body(
        self, workbook, fmts, year, body, usages, agreement
    ):
        sheet = self._emowaten_add_sheet(
            workbook, body.code or body.display_name, fmts, [16] + [18] * 6
        )
        row = self._emowaten_write_header(
            sheet,
            fmts,
            self.env._("Hosting costs %s", year),
            [
                (self.env._("Public body"), body.display_name),
                (self.env._("CNI reference"), agreement.reference if agreement else ""),
                (self.env._("Budget"), agreement.budget if agreement else None),
                (
                    self.env._("Forecast cost"),
                    agreement.forecast_cost if agreement else None,
                ),
            ],
        )
        sheet.write_string(row, 0, self.env._("Month"), fmts["header"])
        for col, (title, _kind) in enumerate(HOSTING_COLUMNS.values(), start=1):
            sheet.write_string(row, col, self.env._(title), fmts["header"])
        row += 1
        first = row
        by_month = {usage.date.replace(day=1): usage for usage in usages}
        totals = dict.fromkeys(SUMMED, 0.0)
        for start in period_starts(date(year, 1, 1), date(year, 12, 31), "month"):
            sheet.write_string(row, 0, start.strftime("%Y-%m"), fmts["text"])
            usage = by_month.get(start)
            for col, (fname, (_title, kind)) in enumerate(
                HOSTING_COLUMNS.items(), start=1
            ):
                value = usage[fname] if usage else 0
                sheet.write_number(row, col, value, fmts[kind])
                if fname in totals:
                    totals[fname] += value
            row += 1
        last = row - 1
        sheet.write_string(row, 0, self.env._("Total"), fmts["label"])
        for col, fname in enumerate(HOSTING_COLUMNS, start=1):
            if fname in totals:
                sheet.write_number(row, col, totals[fname], fmts["total_money"])
        chart = workbook.add_chart({"type": "column", "subtype": "stacked"})
        for col in range(3, 6):
            chart.add_series(
                {
                    "name": [sheet.name, first - 1, col],
                    "categories": [sheet.name, first, 0, last, 0],
                    "values": [sheet.name, first, col, last, col],
                }
            )
        chart.set_title({"name": self.env._("Hosting cost per month")})
        chart.set_size({"width": 760, "height": 360})
        sheet.insert_chart(row + 2, 0, chart)
        return sheet
