import csv
import io
import json
from datetime import date, datetime

from odoo.tests import tagged

from .common import EmowatenPortalCase


@tagged("post_install", "-at_install")
class TestStatistics(EmowatenPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.stats_model = cls.env["emowaten.portal.statistics"]
        Request = cls.env["emowaten.request"].sudo()
        # request A: answered on time after 10 days; B: implicit refusal
        cls.request_a.write(
            {
                "registration_date": datetime(2026, 1, 1, 9, 0),
                "deadline_start_date": date(2026, 1, 1),
                "deadline_days": 60,
            }
        )
        answer = (
            cls.env["emowaten.answer"]
            .sudo()
            .create(
                {
                    "request_id": cls.request_a.id,
                    "kind": "information",
                    "body_html": "<p>ok</p>",
                }
            )
        )
        answer.write({"state": "sent", "date_sent": datetime(2026, 1, 11, 9, 0)})
        cls.request_a.write({"state": "answered"})
        cls.request_b.write({"implicit_refusal": True})
        # a child file routed to the test body
        cls.child = Request.create(
            {
                "name": cls.request_b.name + "/1",
                "parent_id": cls.request_b.id,
                "office_id": cls.office.id,
                "body_id": cls.body.id,
                "partner_id": cls.request_b.partner_id.id,
                "type_id": cls.rtype.id,
                "subject": cls.request_b.subject,
                "state": "routed",
                "state_id": cls.governorate.id,
            }
        )

    def setUp(self):
        super().setUp()
        self.stats_model._emowaten_clear_cache()
        self.addCleanup(self.stats_model._emowaten_clear_cache)

    def _row(self, rows, code):
        return next(row for row in rows if row["code"] == code)

    def test_figures(self):
        stats = self.stats_model._emowaten_get_statistics()
        gov = self._row(stats["governorates"], self.governorate.code)
        # other governorate rows may exist in the database: compare with our two files
        self.assertGreaterEqual(gov["received"], 2)
        self.assertGreaterEqual(gov["answered"], 1)
        self.assertGreaterEqual(gov["implicit_refusals"], 1)
        body = self._row(stats["bodies"], self.body.code)
        # the child file routed to the body, and request A, which the office
        # answered itself for its own body (issue 18: such files were missing);
        # request B counts through its child only
        self.assertEqual(body["received"], 2)
        self.assertEqual(body["answered"], 1)
        self.assertEqual(body["within_deadline_pct"], 100.0)

    def test_figures_exact(self):
        # only our office's requests in a clean governorate
        tunisia = self.env.ref("base.tn")
        state = self.env["res.country.state"].create(
            {"name": "Test governorate", "code": "TN-99", "country_id": tunisia.id}
        )
        (self.request_a | self.request_b).write({"state_id": state.id})
        self.child.write({"state_id": state.id})
        stats = self.stats_model._emowaten_compute_statistics()
        gov = self._row(stats["governorates"], "TN-99")
        self.assertEqual(gov["received"], 2, "child files are not counted twice")
        self.assertEqual(gov["answered"], 1)
        self.assertEqual(gov["within_deadline_pct"], 100.0)
        self.assertEqual(gov["median_days"], 10.0)
        self.assertEqual(gov["implicit_refusals"], 1)

    def test_cache_invalidated_by_time(self):
        first = self.stats_model._emowaten_get_statistics()
        self._make_request(self.user_a.partner_id, "Another request")
        self.assertEqual(
            self.stats_model._emowaten_get_statistics(), first, "served from the cache"
        )
        # a zero lifetime means the cached figures are already stale
        self.env["ir.config_parameter"].sudo().set_param(
            "emowaten_portal.stats_cache_seconds", 0
        )
        self.stats_model._emowaten_clear_cache()
        self.stats_model._emowaten_get_statistics()
        fresh = self.stats_model._emowaten_get_statistics()
        self.assertEqual(fresh["totals"]["received"], first["totals"]["received"] + 1)

    def test_snapshot_shared_by_workers(self):
        Snapshot = self.env["emowaten.portal.statistics.snapshot"]
        Snapshot._cron_refresh()
        first = self.stats_model._emowaten_get_statistics()
        self._make_request(self.user_a.partner_id, "Another request")
        # a worker with an empty memory reads the shared snapshot, no recomputation
        self.stats_model._emowaten_clear_cache()
        self.assertEqual(self.stats_model._emowaten_get_statistics(), first)
        Snapshot._cron_refresh()
        self.stats_model._emowaten_clear_cache()
        fresh = self.stats_model._emowaten_get_statistics()
        self.assertEqual(fresh["totals"]["received"], first["totals"]["received"] + 1)
        self.assertEqual(Snapshot.search_count([]), 1, "one snapshot is kept")

    def test_page(self):
        response = self.url_open("/emowaten/statistics")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.body.name, response.text)
        self.assertIn("/emowaten/statistics.csv", response.text)
        self._assert_no_personal_data(response.text)

    def test_json(self):
        response = self.url_open("/emowaten/statistics.json")
        self.assertEqual(response.status_code, 200)
        self.assertIn("application/json", response.headers["Content-Type"])
        self.assertIn("max-age", response.headers["Cache-Control"])
        data = json.loads(response.text)
        self.assertEqual(
            set(data),
            {"generated_at", "cache_seconds", "totals", "bodies", "governorates"},
        )
        body = self._row(data["bodies"], self.body.code)
        self.assertEqual(
            set(body),
            {
                "code",
                "name",
                "name_ar",
                "name_fr",
                "received",
                "answered",
                "within_deadline_pct",
                "median_days",
                "implicit_refusals",
            },
        )
        self._assert_no_personal_data(response.text)

    def test_csv(self):
        response = self.url_open("/emowaten/statistics.csv")
        self.assertEqual(response.status_code, 200)
        self.assertIn("text/csv", response.headers["Content-Type"])
        self.assertIn("attachment", response.headers["Content-Disposition"])
        rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
        levels = {row["level"] for row in rows}
        self.assertEqual(levels, {"body", "governorate"})
        body = next(row for row in rows if row["code"] == self.body.code)
        self.assertEqual(body["received"], "2")
        self._assert_no_personal_data(response.text)

    def _assert_no_personal_data(self, text):
        for value in (
            "01234567",
            "09876543",
            "Citizen A",
            "Citizen B",
            "a@example.com",
        ):
            self.assertNotIn(value, text)
        self.assertNotIn(self.request_a.subject, text)

    def test_confidential_and_drafts_not_counted(self):
        before = self.stats_model._emowaten_compute_statistics()
        secret = self.env["emowaten.request.type"].create(
            {
                "name": "Portal test corruption report",
                "code": "portal_test_secret",
                "deadline_days": 30,
                "confidential": True,
            }
        )
        Request = self.env["emowaten.request"].sudo()
        common = {
            "partner_id": self.user_a.partner_id.id,
            "office_id": self.office.id,
            "body_id": self.body.id,
            "subject": "Not public",
            "state_id": self.governorate.id,
        }
        Request.create(dict(common, type_id=secret.id, state="registered"))
        Request.create(dict(common, type_id=self.rtype.id, state="draft"))
        after = self.stats_model._emowaten_compute_statistics()
        self.assertEqual(after["totals"], before["totals"])
        self.assertEqual(
            self._row(after["bodies"], self.body.code)["received"],
            self._row(before["bodies"], self.body.code)["received"],
        )

    def test_files_an_office_answers_for_its_own_body_count(self):
        """A file the office answers itself (no body, no child files) counts for the
        office's own body; a file split into child files counts through them only."""
        before = self._row(
            self.stats_model._emowaten_compute_statistics()["bodies"], self.body.code
        )
        Request = self.env["emowaten.request"].sudo()
        common = {
            "partner_id": self.user_a.partner_id.id,
            "office_id": self.office.id,
            "type_id": self.rtype.id,
            "subject": "Answered by the office itself",
            "state_id": self.governorate.id,
            "state": "registered",
        }
        Request.create(dict(common, body_id=False))
        parent = Request.create(dict(common, body_id=False, subject="Split"))
        Request.create(
            dict(common, parent_id=parent.id, body_id=self.body.id, subject="Split/1")
        )
        after = self._row(
            self.stats_model._emowaten_compute_statistics()["bodies"], self.body.code
        )
        self.assertEqual(after["received"], before["received"] + 2)
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["fr_FR"], overwrite=True
        )
        page = self.url_open("/fr/emowaten/statistics")
        self.assertIn("Refus implicites", page.text)
        self.assertIn("tribunal administratif", page.text)
