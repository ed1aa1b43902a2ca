from datetime import date

from odoo import models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, LazyTranslate

from .emowaten_periodic_statistics_xlsx import period_starts

_lt = LazyTranslate(__name__)

# Annex columns: analysis column -> (title, how to write it)
ANNEX_COLUMNS = {
    "name": (_lt("Reference"), "text"),
    "registration_day": (_lt("Registration date"), "date"),
    "type_id": (_lt("Type"), "m2o"),
    "channel": (_lt("Channel"), "selection"),
    "category_id": (_lt("Category"), "m2o"),
    "state_id": (_lt("Governorate"), "m2o"),
    "body_id": (_lt("Competent body"), "m2o"),
    "state": (_lt("Status"), "selection"),
    "date_deadline": (_lt("Deadline"), "date"),
    "answer_day": (_lt("Answer date"), "date"),
    "answer_days": (_lt("Answer time (days)"), "days"),
    "in_time_rate": (_lt("Within deadline"), "yesno"),
    "implicit_refusal": (_lt("Implicit refusal"), "yesno"),
    "transfer_count": (_lt("Transfers"), "int"),
    "rating": (_lt("Rating"), "rating"),
}
ANNEX_BATCH = 5000


class EmowatenOfficeYearlyXlsx(models.AbstractModel):
    """Yearly activity report of a Citizen Relations Office to its minister (a
    ministry's office) or its governor (a governorate's office), with the list
    of every request of the year in an annex."""

    _name = "report.emowaten_reporting.office_yearly_xlsx"
    _inherit = "report.emowaten_reporting.xlsx_common"
    _description = "Office Yearly Activity XLSX Report"

    def _emowaten_addressee(self, office):
        body = office.body_id.display_name or ""
        kind = office.kind
        if kind == "ministry":
            return self.env._("The Minister (%s)", body)
        if kind == "governorate":
            return self.env._("The Governor (%s)", body)
        if kind == "central":
            return self.env._("The Head of Government")
        return self.env._("The head of the body (%s)", body)

    def generate_xlsx_report(self, workbook, data, objs):
        if not objs:
            raise UserError(self.env._("Choose the office of the yearly report."))
        year = self._emowaten_year(data)
        fmts = self._emowaten_formats(workbook)
        for office in objs:
            self._emowaten_write_office(workbook, fmts, office, year)

    def _emowaten_write_office(self, workbook, fmts, office, year):
        Analysis = self.env["emowaten.request.analysis"]
        date_from, date_to = date(year, 1, 1), date(year, 12, 31)
        office_year = Domain(
            "office_id", "=", office.id
        ) & Analysis._emowaten_period_domain(date_from, date_to)
        # citizens' requests; the files routed to bodies only in the body breakdown
        domain = office_year & Domain("is_routed", "=", False)
        sheet = self._emowaten_add_sheet(
            workbook, self.env._("Activity report"), fmts, [42] + [16] * 10
        )
        row = self._emowaten_write_header(
            sheet,
            fmts,
            self.env._("Yearly activity report %s", year),
            [
                (self.env._("Office"), office.display_name),
                (self.env._("Public body"), office.body_id.display_name),
                (self.env._("Addressed to"), self._emowaten_addressee(office)),
                (self.env._("Year"), year),
                (self.env._("Generated on"), self._emowaten_today()),
            ],
        )
        totals = Analysis._emowaten_statistics(domain)
        row = self._emowaten_write_kpis(sheet, row, fmts, totals[0] if totals else {})
        sheet.write(row, 0, self.env._("Monthly activity"), fmts["title"])
        months = Analysis._emowaten_statistics(domain, "registration_day:month")
        by_key = {stats["key"]: stats for stats in months}
        starts = period_starts(date_from, date_to, "month")
        first, last, row = self._emowaten_write_stat_table(
            sheet,
            row + 1,
            fmts,
            self.env._("Month"),
            [by_key.get(start) or {"key": start} for start in starts],
            {start: start.strftime("%Y-%m") for start in starts},
        )
        chart = self._emowaten_trend_chart(
            workbook, sheet, first, last, self.env._("Requests per month")
        )
        sheet.insert_chart(row, 0, chart)
        self._emowaten_write_breakdowns(
            workbook,
            fmts,
            domain,
            ["type_id", "channel", "category_id", "body_id", "state_id"],
            {"body_id": office_year & Domain("body_id", "!=", False)},
        )
        self._emowaten_write_annex(workbook, fmts, domain)

    # ------------------------------------------------------------------
    # Annex: every request of the year, streamed from a server-side cursor
    # ------------------------------------------------------------------
    def _emowaten_annex_query(self, domain):
        Analysis = self.env["emowaten.request.analysis"]
        query = Analysis._search(domain)
        table = Analysis._table
        columns = []
        for fname in ANNEX_COLUMNS:
            if fname == "answer_day":
                columns.append(
                    SQL(
                        "(%s AT TIME ZONE 'UTC' AT TIME ZONE 'Africa/Tunis')::date",
                        SQL.identifier(table, "answer_date"),
                    )
                )
            else:
                columns.append(SQL.identifier(table, fname))
        query.order = SQL(
            "%s, %s",
            SQL.identifier(table, "registration_date"),
            SQL.identifier(table, "id"),
        )
        return query.select(*columns)

    def _emowaten_write_annex(self, workbook, fmts, domain):
        sheet = self._emowaten_add_sheet(
            workbook, self.env._("Requests"), fmts, [20, 14] + [22] * 13
        )
        for col, (title, _kind) in enumerate(ANNEX_COLUMNS.values()):
            sheet.write_string(0, col, self.env._(title), fmts["header"])
        sheet.freeze_panes(1, 0)
        writers = self._emowaten_annex_writers(sheet, fmts)
        cr = self.env.cr
        cursor_name = SQL.identifier(f"emowaten_annex_{id(sheet)}")
        cr.execute(
            SQL(
                "DECLARE %s NO SCROLL CURSOR FOR %s",
                cursor_name,
                self._emowaten_annex_query(domain),
            )
        )
        row = 1
        try:
            while True:
                cr.execute(SQL("FETCH %s FROM %s", ANNEX_BATCH, cursor_name))
                batch = cr.fetchall()
                if not batch:
                    break
                for record in batch:
                    for col, value in enumerate(record):
                        if value is not None:
                            writers[col](row, col, value)
                    row += 1
        finally:
            cr.execute(SQL("CLOSE %s", cursor_name))
        sheet.autofilter(0, 0, max(row - 1, 1), len(ANNEX_COLUMNS) - 1)
        return row - 1

    def _emowaten_annex_writers(self, sheet, fmts):
        """One callable ``(row, col, value)`` per annex column."""
        Analysis = self.env["emowaten.request.analysis"]
        yes, no = self.env._("Yes"), self.env._("No")
        writers = []
        for fname, (_title, kind) in ANNEX_COLUMNS.items():
            if kind == "text":
                writers.append(
                    lambda r, c, v: sheet.write_string(r, c, v, fmts["text"])
                )
            elif kind == "date":
                writers.append(
                    lambda r, c, v: sheet.write_datetime(r, c, v, fmts["date"])
                )
            elif kind in ("days", "rating", "int"):
                writers.append(
                    lambda r, c, v, f=fmts[kind]: sheet.write_number(r, c, v, f)
                )
            elif kind == "yesno":
                writers.append(
                    lambda r, c, v: sheet.write_string(
                        r, c, yes if v else no, fmts["text"]
                    )
                )
            else:
                labels = self._emowaten_label_cache(Analysis._fields[fname])
                writers.append(
                    lambda r, c, v, labels=labels: sheet.write_string(
                        r, c, labels[v], fmts["text"]
                    )
                )
        return writers

    def _emowaten_label_cache(self, field):
        """dict-like ``key -> translated label`` filled on first use of a key."""
        report = self

        class Labels(dict):
            def __missing__(self, key):
                if field.type == "selection":
                    label = str(key)
                else:
                    record = report.env[field.comodel_name].browse(key).sudo()
                    label = record.display_name or ""
                self[key] = label
                return label

        labels = Labels()
        if field.type == "selection":
            labels.update(field._description_selection(self.env))
        return labels
