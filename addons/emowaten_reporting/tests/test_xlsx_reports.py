import zipfile
from datetime import date, datetime
from io import BytesIO

import openpyxl

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EmowatenReportingCase


@tagged("post_install", "-at_install")
class TestXlsxReports(EmowatenReportingCase):
    def _render(self, report, docids, data, user=None):
        Report = self.env["ir.actions.report"]
        if user:
            Report = Report.with_user(user)
        content, fmt = Report._render_xlsx(f"emowaten_reporting.{report}", docids, data)
        self.assertEqual(fmt, "xlsx")
        return openpyxl.load_workbook(BytesIO(content)), content

    def _periodic_data(self, lang, **kw):
        return dict(
            {
                "lang": lang,
                "period": "year",
                "date_from": "2025-01-01",
                "date_to": "2025-12-31",
                "office_id": self.office_m.id,
            },
            **kw,
        )

    def test_periodic_statistics_french(self):
        workbook, content = self._render(
            "action_report_periodic_statistics_xlsx",
            None,
            self._periodic_data("fr_FR"),
            self.manager,
        )
        self.assertEqual(workbook.sheetnames[:3], ["Synthèse", "Tendance", "Par type"])
        summary = workbook["Synthèse"]
        self.assertFalse(summary.sheet_view.rightToLeft)
        self.assertEqual(summary["A1"].value, "Statistiques périodiques")
        self.assertEqual(summary["B2"].value, self.office_m.display_name)
        self.assertEqual(summary["B3"].value, datetime(2025, 1, 1))
        self.assertEqual(summary["A8"].value, "Demandes reçues")
        expected = {
            "B8": 5,
            "B9": 3,
            "B10": 2,
            "B11": 0.5,
            "B12": 20,
            "B14": 1,
            "B15": 1,
            "B16": 2,
            "B17": 3,
        }
        for cell, value in expected.items():
            self.assertEqual(summary[cell].value, value, cell)
        self.assertAlmostEqual(summary["B13"].value, 32.8)
        # trend of a year: one line per month, the empty ones included
        trend = workbook["Tendance"]
        self.assertEqual(trend["A2"].value, datetime(2025, 1, 1))
        self.assertEqual(trend["A13"].value, datetime(2025, 12, 1))
        self.assertEqual([trend[f"B{row}"].value for row in range(2, 6)], [2, 1, 2, 0])
        by_channel = workbook["Par canal"]
        counts = {
            by_channel.cell(row, 1).value: by_channel.cell(row, 2).value
            for row in range(2, by_channel.max_row + 1)
            if by_channel.cell(row, 1).value
        }
        self.assertEqual(sorted(counts.values()), [1, 1, 1, 2])
        self.assertEqual(by_channel["A1"].value, "Canal")
        with zipfile.ZipFile(BytesIO(content)) as archive:
            charts = [n for n in archive.namelist() if n.startswith("xl/charts/")]
        self.assertTrue(charts, "the trend must come with a chart")

    def test_periodic_statistics_arabic_right_to_left(self):
        workbook, _content = self._render(
            "action_report_periodic_statistics_xlsx",
            None,
            self._periodic_data("ar_001", period="quarter", date_to="2025-03-31"),
            self.manager,
        )
        self.assertEqual(workbook.sheetnames[0], "ملخص")
        for sheet in workbook.worksheets:
            self.assertTrue(sheet.sheet_view.rightToLeft, sheet.title)
        summary = workbook.worksheets[0]
        self.assertEqual(summary["A8"].value, "الطلبات الواردة")
        self.assertEqual(summary["B8"].value, 5)
        # a quarter is followed week by week: 14 weeks from Monday 30 Dec 2024
        trend = workbook.worksheets[1]
        self.assertEqual(trend["A2"].value, datetime(2024, 12, 30))
        self.assertEqual(sum(trend[f"B{row}"].value for row in range(2, 16)), 5)

    def test_periodic_statistics_of_a_body(self):
        workbook, _content = self._render(
            "action_report_periodic_statistics_xlsx",
            None,
            {
                "lang": "en_US",
                "period": "month",
                "date_from": "2025-03-01",
                "date_to": "2025-03-31",
                "body_id": self.ministry.id,
            },
            self.correspondent,
        )
        summary = workbook["Summary"]
        self.assertEqual(summary["B2"].value, self.ministry.display_name)
        self.assertEqual(summary["B8"].value, 1, "the file routed to the sub-body")
        self.assertEqual(workbook["Trend"].max_row, 32)

    def test_periodic_statistics_national(self):
        workbook, _content = self._render(
            "action_report_periodic_statistics_xlsx",
            None,
            {
                "lang": "en_US",
                "period": "year",
                "date_from": "2025-01-01",
                "date_to": "2025-12-31",
            },
            self.supervisor,
        )
        summary = workbook["Summary"]
        self.assertEqual(summary["B2"].value, "National")
        self.assertEqual(summary["B8"].value, 6, "R1 to R6; R8 is confidential")
        by_office = workbook["By office"]
        counts = {
            by_office.cell(row, 1).value: by_office.cell(row, 2).value
            for row in range(2, 4)
        }
        self.assertEqual(
            counts, {self.office_m.display_name: 5, self.office_g.display_name: 1}
        )
        by_body = workbook["By body"]
        self.assertEqual(by_body["A2"].value, self.sub_body.display_name)
        self.assertEqual(by_body["B2"].value, 1)

    def test_hosting_costs_of_every_body(self):
        """From the wizard without a body: every body with a usage that year."""
        self.env["emowaten.hosting.usage"].create(
            {"body_id": self.governorate.id, "date": date(2025, 3, 1), "cost": 7.0}
        )
        wizard = self.env["emowaten.reporting.wizard"].create(
            {"report_kind": "hosting", "year": 2025, "lang": "en_US"}
        )
        data = wizard.action_print()["data"]
        self.assertEqual(data["record_ids"], [])
        workbook, _content = self._render(
            "action_report_body_hosting_xlsx", None, data, self.supervisor
        )
        self.assertEqual(workbook.sheetnames, ["Hosting costs", "RPT-G"])
        self.assertEqual(workbook["Hosting costs"]["A5"].value, "Governorate of Tests")
        self.assertEqual(workbook["RPT-G"]["G10"].value, 7)

    def test_periodic_statistics_bad_input(self):
        with self.assertRaises(UserError):
            self._render(
                "action_report_periodic_statistics_xlsx",
                None,
                self._periodic_data(
                    "fr_FR", date_from="2025-12-31", date_to="2025-01-01"
                ),
            )
        with self.assertRaises(UserError):
            self._render(
                "action_report_periodic_statistics_xlsx",
                None,
                self._periodic_data("xx_XX"),
            )

    def test_office_yearly_report(self):
        workbook, _content = self._render(
            "action_report_office_yearly_xlsx",
            self.office_m.ids,
            {"lang": "en_US", "year": 2025},
            self.manager,
        )
        report = workbook["Activity report"]
        self.assertEqual(report["A1"].value, "Yearly activity report 2025")
        self.assertIn("Minister", report["B4"].value)
        self.assertEqual(report["A8"].value, "Indicator")
        self.assertEqual(report["B9"].value, 5)
        self.assertAlmostEqual(report["B14"].value, 32.8)
        annex = workbook["Requests"]
        names = [annex.cell(row, 1).value for row in range(2, annex.max_row + 1)]
        self.assertEqual(names, [f"RPT-2025-R{i}" for i in range(1, 6)])
        self.assertEqual(annex["B3"].value, datetime(2025, 1, 15))
        self.assertEqual(annex["K3"].value, 36)
        self.assertEqual(annex["L3"].value, "No")
        self.assertEqual(annex["L2"].value, "Yes")
        by_body = workbook["By body"]
        self.assertEqual(by_body["A2"].value, self.sub_body.display_name)
        self.assertEqual(by_body["B2"].value, 1)

    def test_office_yearly_report_arabic(self):
        workbook, _content = self._render(
            "action_report_office_yearly_xlsx",
            self.office_g.ids,
            {"lang": "ar_001", "year": 2025},
        )
        for sheet in workbook.worksheets:
            self.assertTrue(sheet.sheet_view.rightToLeft, sheet.title)
        self.assertEqual(workbook.worksheets[0]["B9"].value, 1)
        self.assertEqual(workbook.worksheets[-1]["A2"].value, "RPT-2025-R6")

    def test_hosting_costs(self):
        agreement = self.env["emowaten.hosting.agreement"].create(
            {"body_id": self.ministry.id, "year": 2025, "budget": 1000.0}
        )
        self.env["emowaten.hosting.usage"].create(
            [
                {
                    "body_id": self.ministry.id,
                    "agreement_id": agreement.id,
                    "date": date(2025, month, 1),
                    "record_count": 1000 * month,
                    "byte_count": 1024**3 * month,
                    "fixed_cost": 10.0,
                    "storage_cost": 2.5 * month,
                    "document_cost": 1.0 * month,
                    "cost": 10.0 + 3.5 * month,
                }
                for month in (1, 2)
            ]
        )
        workbook, _content = self._render(
            "action_report_body_hosting_xlsx",
            self.ministry.ids,
            {"lang": "fr_FR", "year": 2025},
            self.supervisor,
        )
        summary = workbook.worksheets[0]
        self.assertEqual(summary["A5"].value, self.ministry.display_name)
        self.assertEqual(summary["C5"].value, 1000)
        self.assertAlmostEqual(summary["D5"].value, 30.5)
        body = workbook["RPT-M"]
        self.assertEqual(body["A8"].value, "2025-01")
        self.assertEqual(body["B9"].value, 2000)
        self.assertAlmostEqual(body["C9"].value, 2.0)
        self.assertAlmostEqual(body["G20"].value, 30.5)
        self.assertEqual(body["A19"].value, "2025-12")
        self.assertEqual(body["G19"].value, 0)
        with self.assertRaises(UserError):
            self._render(
                "action_report_body_hosting_xlsx",
                self.sub_body.ids,
                {"lang": "fr_FR", "year": 1999},
            )
