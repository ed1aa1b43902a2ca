from datetime import date
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged

from .common import EmowatenBaseCase

GIB = 1024**3


@tagged("post_install", "-at_install")
class TestHostingCost(EmowatenBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agreement = cls.env["emowaten.hosting.agreement"].create(
            {
                "body_id": cls.body_a.id,
                "year": 2026,
                "budget": 300.0,
                "state": "committed",
                "tariff_ids": [
                    (
                        0,
                        0,
                        {
                            "date_from": "2026-01-01",
                            "yearly_fee": 120.0,
                            "price_gb_month": 10.0,
                            "price_per_thousand_docs": 1000.0,
                        },
                    ),
                    # the CNI changes its tariff on 1 July
                    (
                        0,
                        0,
                        {
                            "date_from": "2026-07-01",
                            "yearly_fee": 240.0,
                            "price_gb_month": 20.0,
                            "price_per_thousand_docs": 0.0,
                        },
                    ),
                ],
            }
        )
        cls.usage = cls.env["emowaten.hosting.usage"]
        # one attachment on the body (January, 1 GiB), two on its office (June,
        # 1 GiB each), one on another body; sizes and dates forced to round values
        cls._attach(cls.body_a, "2026-01-15", GIB)
        cls._attach(cls.office_a, "2026-06-10", GIB)
        cls._attach(cls.office_a, "2026-06-11", GIB)
        cls._attach(cls.body_b, "2026-03-01", GIB // 2)

    @classmethod
    def _attach(cls, record, created, size):
        attachment = cls.env["ir.attachment"].create(
            {
                "name": "scan.pdf",
                "raw": b"%PDF-1.4 test",
                "res_model": record._name,
                "res_id": record.id,
            }
        )
        attachment.flush_recordset()
        cls.env.cr.execute(
            "UPDATE ir_attachment SET file_size = %s, create_date = %s WHERE id = %s",
            [size, created, attachment.id],
        )
        attachment.invalidate_recordset()
        return attachment

    def _line(self, body, month):
        return self.usage.search([("body_id", "=", body.id), ("date", "=", month)])

    def test_costs_across_a_tariff_change(self):
        for month in range(1, 8):
            self.usage._cron_measure_usage(date(2026, month, 1))
        jan = self._line(self.body_a, date(2026, 1, 1))
        self.assertEqual((jan.record_count, jan.byte_count), (1, GIB))
        # 120/12 + 1 GB x 10 + 1 doc x 1000/1000
        self.assertAlmostEqual(jan.cost, 10.0 + 10.0 + 1.0)
        june = self._line(self.body_a, date(2026, 6, 1))
        self.assertEqual((june.record_count, june.byte_count), (3, 3 * GIB))
        self.assertAlmostEqual(june.cost, 10.0 + 30.0 + 3.0)
        july = self._line(self.body_a, date(2026, 7, 1))
        self.assertEqual(july.tariff_id, self.agreement.tariff_ids[1])
        self.assertAlmostEqual(july.cost, 20.0 + 60.0 + 0.0)
        # Jan..May 21 each, June 43, July 80
        self.assertAlmostEqual(self.agreement.actual_cost, 5 * 21.0 + 43.0 + 80.0)
        self.assertAlmostEqual(
            self.agreement.forecast_cost, self.agreement.actual_cost + 5 * 80.0
        )
        self.assertEqual(self.agreement.last_month, date(2026, 7, 1))
        # a body without agreement is measured, at no cost
        march_b = self._line(self.body_b, date(2026, 3, 1))
        self.assertEqual((march_b.record_count, march_b.cost), (1, 0.0))
        self.assertFalse(self._line(self.body_b, date(2026, 2, 1)))

    def test_cron_is_idempotent(self):
        self.usage._cron_measure_usage(date(2026, 6, 1))
        lines = self.usage.search([("date", "=", date(2026, 6, 1))])
        totals = sorted(lines.mapped("cost"))
        self.usage._cron_measure_usage(date(2026, 6, 1))
        again = self.usage.search([("date", "=", date(2026, 6, 1))])
        self.assertEqual(again, lines)
        self.assertEqual(sorted(again.mapped("cost")), totals)
        self.assertAlmostEqual(self.agreement.actual_cost, 43.0)

    def test_forecast_over_budget_alerts_the_head(self):
        todo = self.env.ref("mail.mail_activity_data_todo")
        self.usage._cron_measure_usage(date(2026, 1, 1))
        # 21 + 11 x 21 = 252 <= 300
        self.assertFalse(self.agreement.over_budget)
        self.assertFalse(self.agreement.activity_ids)
        self.usage._cron_measure_usage(date(2026, 6, 1))
        # 21 + 43 + 6 x 43 = 322 > 300
        self.assertAlmostEqual(self.agreement.forecast_cost, 322.0)
        self.assertTrue(self.agreement.over_budget)
        activity = self.agreement.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.correspondent_a)
        self.assertEqual(activity.activity_type_id, todo)
        self.usage._cron_measure_usage(date(2026, 6, 1))
        self.assertEqual(self.agreement.activity_ids, activity, "no second alert")

    def test_default_month_is_the_previous_one(self):
        with freeze_time("2026-03-02 03:00:00"):
            self.usage._cron_measure_usage()
        self.assertTrue(self._line(self.body_a, date(2026, 2, 1)))
        self.assertFalse(self._line(self.body_a, date(2026, 3, 1)))
        cron = self.env.ref("emowaten_base.ir_cron_emowaten_measure_usage")
        self.assertEqual(cron.code, "model._cron_measure_usage()")

    def test_usage_hook_extends_measure(self):
        """Petitions and scan append their own set-based queries."""
        Usage = type(self.usage)
        original = Usage._emowaten_usage_queries
        body_b = self.body_b.id

        def queries(self, date_to):
            return original(self, date_to) + [
                ("SELECT %s, 1000, 0 WHERE %s IS NOT NULL", [body_b, date_to])
            ]

        with patch.object(Usage, "_emowaten_usage_queries", queries):
            self.usage._cron_measure_usage(date(2026, 3, 1))
        line = self._line(self.body_b, date(2026, 3, 1))
        self.assertEqual((line.record_count, line.byte_count), (1001, GIB // 2))

    def test_draft_agreement_is_not_charged(self):
        self.agreement.action_reset_draft()
        self.usage._cron_measure_usage(date(2026, 1, 1))
        line = self._line(self.body_a, date(2026, 1, 1))
        self.assertEqual((line.record_count, line.cost), (1, 0.0))
        self.assertFalse(line.agreement_id)
