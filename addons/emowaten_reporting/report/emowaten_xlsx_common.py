from datetime import date

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import LazyTranslate

_lt = LazyTranslate(__name__)

# Labels of the statistics columns, in the order they are written.
STAT_LABELS = {
    "count": _lt("Requests received"),
    "answered": _lt("Answered"),
    "in_time": _lt("Answered within deadline"),
    "in_time_pct": _lt("% answered within deadline"),
    "median_days": _lt("Median answer time (days)"),
    "p90_days": _lt("90th percentile answer time (days)"),
    "overdue": _lt("Overdue, unanswered"),
    "implicit_refusals": _lt("Implicit refusals"),
    "transfers": _lt("Transfers"),
    "rating_avg": _lt("Average rating (1-5)"),
}
STAT_FORMATS = {
    "in_time_pct": "pct",
    "median_days": "days",
    "p90_days": "days",
    "rating_avg": "rating",
}

# Dimensions of the breakdown sheets: analysis column -> sheet name, column title.
DIMENSIONS = {
    "type_id": (_lt("By type"), _lt("Type")),
    "channel": (_lt("By channel"), _lt("Channel")),
    "category_id": (_lt("By category"), _lt("Category")),
    "stage_id": (_lt("By stage"), _lt("Stage")),
    "office_id": (_lt("By office"), _lt("Office")),
    "body_id": (_lt("By body"), _lt("Competent body")),
    "state_id": (_lt("By governorate"), _lt("Governorate")),
    "district_id": (_lt("By district"), _lt("District")),
}


class EmowatenReportXlsxCommon(models.AbstractModel):
    """Shared layout of every e-Mowaten spreadsheet.

    The workbook is written in ``constant_memory`` mode so that a yearly annex of
    hundreds of thousands of requests never sits in memory: every sheet is
    therefore written strictly top to bottom.  Texts are translated in the
    language given in ``data["lang"]``; Arabic sheets run right to left.
    """

    _name = "report.emowaten_reporting.xlsx_common"
    _inherit = "report.report_xlsx.abstract"
    _description = "e-Mowaten XLSX Report Helpers"

    def get_workbook_options(self):
        options = super().get_workbook_options()
        options.update(constant_memory=True, strings_to_numbers=False)
        return options

    def _get_objs_for_report(self, docids, data):
        # a wizard passes the records in ``data``: the web client's context may
        # carry unrelated active_ids
        if not docids and data and "record_ids" in data:
            model = self.env.context.get("active_model")
            return self.env[model].browse(data["record_ids"]).exists()
        return super()._get_objs_for_report(docids, data)

    def create_xlsx_report(self, docids, data):
        data = dict(data or {})
        lang = self._emowaten_check_lang(data.get("lang") or self.env.lang or "en_US")
        report = self.with_context(lang=lang)
        return super(EmowatenReportXlsxCommon, report).create_xlsx_report(docids, data)

    @api.model
    def _emowaten_check_lang(self, lang):
        if lang not in dict(self.env["res.lang"].get_installed()):
            raise UserError(
                self.env._("The report language %s is not installed.", lang)
            )
        return lang

    # ------------------------------------------------------------------
    # Workbook helpers
    # ------------------------------------------------------------------
    def _emowaten_is_rtl(self):
        return self.env["res.lang"]._get_data(code=self.env.lang).direction == "rtl"

    def _emowaten_formats(self, workbook):
        rtl = self._emowaten_is_rtl()
        base = {"reading_order": 2} if rtl else {}

        def fmt(**kw):
            return workbook.add_format(dict(base, **kw))

        return {
            "rtl": rtl,
            "title": fmt(bold=True, font_size=14),
            "label": fmt(bold=True),
            "header": fmt(
                bold=True, bg_color="#D9E1F2", border=1, text_wrap=True, valign="top"
            ),
            "text": fmt(),
            "int": fmt(num_format="#,##0"),
            "pct": fmt(num_format="0.0%"),
            "days": fmt(num_format="0.0"),
            "rating": fmt(num_format="0.00"),
            "date": fmt(num_format="yyyy-mm-dd"),
            "datetime": fmt(num_format="yyyy-mm-dd hh:mm"),
            "money": fmt(num_format="#,##0.000"),
            "total": fmt(bold=True, num_format="#,##0", top=1),
            "total_money": fmt(bold=True, num_format="#,##0.000", top=1),
        }

    def _emowaten_add_sheet(self, workbook, name, fmts, widths=None):
        # Excel forbids these characters in sheet names and cuts them at 31
        for char in "[]:*?/\\":
            name = name.replace(char, " ")
        sheet = workbook.add_worksheet(name[:31])
        if fmts["rtl"]:
            sheet.right_to_left()
        for col, width in enumerate(widths or []):
            sheet.set_column(col, col, width)
        return sheet

    def _emowaten_write_header(self, sheet, fmts, title, lines):
        """Title in A1 then ``(label, value)`` lines; return the next free row."""
        sheet.write(0, 0, title, fmts["title"])
        row = 1
        for label, value in lines:
            sheet.write(row, 0, label, fmts["label"])
            self._emowaten_write_value(sheet, row, 1, value, fmts)
            row += 1
        return row + 1

    def _emowaten_write_value(self, sheet, row, col, value, fmts, kind=None):
        if value is None or value is False:
            sheet.write_blank(row, col, None, fmts["text"])
        elif kind:
            sheet.write_number(row, col, value, fmts[kind])
        elif isinstance(value, bool):
            sheet.write_boolean(row, col, value, fmts["text"])
        elif isinstance(value, int):
            sheet.write_number(row, col, value, fmts["int"])
        elif isinstance(value, float):
            sheet.write_number(row, col, value, fmts["days"])
        elif isinstance(value, date):
            sheet.write_datetime(row, col, value, fmts["date"])
        else:
            sheet.write_string(row, col, str(value), fmts["text"])

    def _emowaten_stat_value(self, stats, key):
        value = stats.get(key) if stats else None
        if key == "in_time_pct" and value is not None:
            return value / 100.0
        if key in ("count", "answered", "in_time", "overdue", "implicit_refusals"):
            return int(value or 0)
        if key == "transfers":
            return int(value or 0)
        return value

    def _emowaten_write_kpis(self, sheet, row, fmts, stats):
        """Two columns: indicator, value. Return the next free row."""
        sheet.write(row, 0, self.env._("Indicator"), fmts["header"])
        sheet.write(row, 1, self.env._("Value"), fmts["header"])
        row += 1
        for key, label in STAT_LABELS.items():
            sheet.write(row, 0, self.env._(label), fmts["text"])
            self._emowaten_write_value(
                sheet,
                row,
                1,
                self._emowaten_stat_value(stats, key),
                fmts,
                STAT_FORMATS.get(key),
            )
            row += 1
        return row + 1

    def _emowaten_write_stat_table(self, sheet, row, fmts, first_title, rows, labels):
        """A table with one line per group and one column per indicator.

        :param rows: output of ``_emowaten_statistics`` grouped by something
        :param labels: dict ``key -> label`` for the first column
        :return: (first data row, last data row, next free row)
        """
        sheet.write(row, 0, first_title, fmts["header"])
        for col, label in enumerate(STAT_LABELS.values(), start=1):
            sheet.write(row, col, self.env._(label), fmts["header"])
        row += 1
        first = row
        for stats in rows:
            label = labels.get(stats["key"]) or self.env._("Undefined")
            if isinstance(label, date):
                sheet.write_datetime(row, 0, label, fmts["date"])
            else:
                sheet.write_string(row, 0, str(label), fmts["text"])
            for col, key in enumerate(STAT_LABELS, start=1):
                self._emowaten_write_value(
                    sheet,
                    row,
                    col,
                    self._emowaten_stat_value(stats, key),
                    fmts,
                    STAT_FORMATS.get(key),
                )
            row += 1
        return first, row - 1, row + 1

    def _emowaten_group_labels(self, fname, keys):
        """Translated labels of the group keys of a dimension."""
        Analysis = self.env["emowaten.request.analysis"]
        field = Analysis._fields[fname]
        keys = [key for key in keys if key]
        if field.type == "selection":
            return dict(field._description_selection(self.env))
        records = self.env[field.comodel_name].browse(keys).sudo()
        return {record.id: record.display_name for record in records}

    def _emowaten_write_breakdowns(
        self, workbook, fmts, domain, dimensions, domains=None
    ):
        """One sheet per dimension; ``domains`` overrides the domain of some."""
        Analysis = self.env["emowaten.request.analysis"]
        for fname in dimensions:
            sheet_name, column = DIMENSIONS[fname]
            rows = Analysis._emowaten_statistics(
                (domains or {}).get(fname, domain), fname
            )
            labels = self._emowaten_group_labels(fname, [r["key"] for r in rows])
            sheet = self._emowaten_add_sheet(
                workbook, self.env._(sheet_name), fmts, [40] + [14] * len(STAT_LABELS)
            )
            first, last, _next = self._emowaten_write_stat_table(
                sheet, 0, fmts, self.env._(column), rows, labels
            )
            if rows and fname in ("type_id", "channel"):
                chart = workbook.add_chart({"type": "pie"})
                chart.add_series(
                    {
                        "name": self.env._(sheet_name),
                        "categories": [sheet.name, first, 0, last, 0],
                        "values": [sheet.name, first, 1, last, 1],
                    }
                )
                chart.set_title({"name": self.env._(sheet_name)})
                sheet.insert_chart(last + 3, 1, chart)

    def _emowaten_trend_chart(self, workbook, sheet, first, last, title):
        """Columns received/answered and a line of the median answer time."""
        chart = workbook.add_chart({"type": "column"})
        for col in (1, 2):
            chart.add_series(
                {
                    "name": [sheet.name, first - 1, col],
                    "categories": [sheet.name, first, 0, last, 0],
                    "values": [sheet.name, first, col, last, col],
                }
            )
        line = workbook.add_chart({"type": "line"})
        line.add_series(
            {
                "name": [sheet.name, first - 1, 5],
                "categories": [sheet.name, first, 0, last, 0],
                "values": [sheet.name, first, 5, last, 5],
                "y2_axis": True,
                "marker": {"type": "circle"},
            }
        )
        chart.combine(line)
        chart.set_title({"name": title})
        chart.set_x_axis({"name": self.env._("Period")})
        chart.set_y_axis({"name": self.env._("Requests")})
        line.set_y2_axis({"name": self.env._("Days")})
        chart.set_size({"width": 760, "height": 360})
        return chart

    def _emowaten_year(self, data):
        year = (data or {}).get("year") or self._emowaten_today().year - 1
        try:
            year = int(year)
        except (TypeError, ValueError) as exc:
            raise UserError(self.env._("Invalid report year: %s", year)) from exc
        if not 2000 <= year <= 2100:
            raise UserError(self.env._("Invalid report year: %s", year))
        return year

    def _emowaten_today(self):
        return fields.Date.context_today(self)
