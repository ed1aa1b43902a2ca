from datetime import date

from odoo.fields import Domain
from odoo.tests import tagged

from .common import EmowatenReportingCase


@tagged("post_install", "-at_install")
class TestRequestAnalysis(EmowatenReportingCase):
    def _office_domain(self, office):
        return (
            Domain("office_id", "=", office.id)
            & Domain("is_routed", "=", False)
            & Domain("registration_day", ">=", date(2025, 1, 1))
            & Domain("registration_day", "<=", date(2025, 12, 31))
        )

    def test_office_figures_by_hand(self):
        """The manager of office M: R1..R5 (R8 is confidential, C1 is routed)."""
        stats = self._analysis(self.manager)._emowaten_statistics(
            self._office_domain(self.office_m)
        )
        self.assertEqual(len(stats), 1)
        figures = stats[0]
        self.assertEqual(figures["count"], 5)
        self.assertEqual(figures["answered"], 3)
        self.assertEqual(figures["in_time"], 2)
        self.assertEqual(figures["due"], 4)
        self.assertAlmostEqual(figures["in_time_pct"], 50.0)
        self.assertAlmostEqual(figures["median_days"], 20.0)
        # percentile_cont(0.9) of 10, 20, 36: 20 + 0.8 * (36 - 20)
        self.assertAlmostEqual(figures["p90_days"], 32.8)
        self.assertAlmostEqual(figures["avg_days"], 22.0)
        self.assertEqual(figures["overdue"], 1)
        self.assertEqual(figures["implicit_refusals"], 1)
        self.assertEqual(figures["transfers"], 2)
        self.assertAlmostEqual(figures["rating_avg"], 3.0)
        self.assertEqual(figures["rating_count"], 2)

    def test_national_figures_by_hand(self):
        """The central bureau, designated for the confidential type, sees R8 and the
        other office's R6."""
        self.type_secret.designated_user_ids = self.supervisor
        domain = Domain("is_routed", "=", False) & Domain(
            "registration_day", ">=", date(2025, 1, 1)
        )
        figures = self._analysis(self.supervisor)._emowaten_statistics(domain)[0]
        self.assertEqual(figures["count"], 7)
        self.assertEqual(figures["answered"], 4)
        # answered in 4, 10, 20, 36 days
        self.assertAlmostEqual(figures["median_days"], 15.0)
        self.assertAlmostEqual(figures["p90_days"], 31.2)
        # in time: R1, R3, R6; due: the four answered plus R4 and R8 overdue
        self.assertEqual(figures["in_time"], 3)
        self.assertEqual(figures["due"], 6)
        self.assertAlmostEqual(figures["in_time_pct"], 50.0)
        self.assertEqual(figures["overdue"], 2)

    def test_breakdowns(self):
        Analysis = self._analysis(self.manager)
        domain = self._office_domain(self.office_m)
        by_channel = {
            row["key"]: row["count"]
            for row in Analysis._emowaten_statistics(domain, "channel")
        }
        self.assertEqual(by_channel, {"portal": 2, "counter": 1, "email": 1, "post": 1})
        by_type = {
            row["key"]: (row["count"], row["median_days"])
            for row in Analysis._emowaten_statistics(domain, "type_id")
        }
        self.assertEqual(
            by_type,
            {self.type_petition.id: (3, 15.0), self.type_guidance.id: (2, 36.0)},
        )
        by_month = {
            row["key"]: row["count"]
            for row in Analysis._emowaten_statistics(domain, "registration_day:month")
        }
        self.assertEqual(
            by_month, {date(2025, 1, 1): 2, date(2025, 2, 1): 1, date(2025, 3, 1): 2}
        )
        by_district = Analysis.with_user(self.supervisor)._emowaten_statistics(
            Domain("state_id", "!=", False), "district_id"
        )
        self.assertEqual(
            [(row["key"], row["count"]) for row in by_district], [(self.district.id, 1)]
        )
        with self.assertRaises(ValueError):
            Analysis._emowaten_statistics(domain, "registration_day:century")

    def test_rows(self):
        Analysis = self._analysis()
        rows = Analysis.search([("name", "like", "RPT-2025-")])
        self.assertEqual(len(rows), 8, "every request but the draft R7")
        self.assertNotIn("RPT-2025-R7", rows.mapped("name"))
        child = rows.filtered(lambda r: r.request_id == self.requests["C1"])
        self.assertTrue(child.is_routed)
        self.assertEqual(child.body_id, self.sub_body)
        r2 = rows.filtered(lambda r: r.request_id == self.requests["R2"])
        self.assertAlmostEqual(r2.answer_days, 36.0)
        self.assertTrue(r2.is_answered)
        self.assertEqual(r2.in_time_count, 0)
        self.assertEqual(r2.in_time_rate, 0.0)
        r5 = rows.filtered(lambda r: r.request_id == self.requests["R5"])
        self.assertFalse(r5.is_overdue)
        self.assertEqual(r5.registration_day, date(2025, 3, 5))

    def test_pivot_aggregates(self):
        """What the pivot shows: sums and averages computed by the ORM."""
        groups = self._analysis(self.manager)._read_group(
            self._office_domain(self.office_m),
            ["type_id"],
            ["nbr:sum", "answered_count:sum", "in_time_rate:avg", "transfer_count:sum"],
        )
        result = {group[0]: group[1:] for group in groups}
        self.assertEqual(result[self.type_petition], (3, 2, 100.0 * 2 / 3, 0))
        self.assertEqual(result[self.type_guidance], (2, 1, 0.0, 2))

    def test_monthly_answer_times(self):
        Monthly = self.env["emowaten.request.analysis.monthly"].with_user(self.manager)
        rows = Monthly.search([("office_id", "=", self.office_m.id)], order="month")
        self.assertEqual(
            [(str(r.month), r.request_count, r.answered_count) for r in rows],
            [("2025-01-01", 2, 2), ("2025-02-01", 1, 1), ("2025-03-01", 2, 0)],
            "R8 is confidential: never in the monthly figures",
        )
        january = rows[0]
        self.assertAlmostEqual(january.median_days, 23.0)
        # percentile_cont(0.9) of 10 and 36: 10 + 0.9 * 26
        self.assertAlmostEqual(january.p90_days, 33.4)
        self.assertAlmostEqual(january.in_time_pct, 50.0)
        self.assertEqual(january.transfer_count, 2)
        self.assertFalse(rows[2].median_days)
        self.assertEqual(rows[2].implicit_refusal_count, 1)
        # the manager of office M does not see office G's figures
        self.assertFalse(Monthly.search([("office_id", "=", self.office_g.id)]))
        self.assertTrue(
            Monthly.with_user(self.supervisor).search(
                [("office_id", "=", self.office_g.id)]
            )
        )
