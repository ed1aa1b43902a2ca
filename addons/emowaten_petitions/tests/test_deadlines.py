from datetime import date, datetime

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestDeadlines(EmowatenPetitionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a holiday of our own on Wednesday 18 March 2026 (base ships 20 March too);
        # stored in UTC, Tunis is UTC+1
        cls.env["resource.calendar.leaves"].create(
            {
                "name": "Test holiday",
                "calendar_id": cls.office_a.calendar_id.id,
                "date_from": datetime(2026, 3, 17, 23, 0),
                "date_to": datetime(2026, 3, 18, 22, 59),
                "resource_id": False,
            }
        )
        cls.type_working = cls.env["emowaten.request.type"].create(
            {
                "name": "Working-day type",
                "code": "test_working",
                "deadline_days": 10,
                "deadline_unit": "working",
            }
        )

    @freeze_time("2026-03-02 09:00:00")
    def test_calendar_days(self):
        request = self._request()
        self.assertEqual(request.deadline_start_date, date(2026, 3, 2))
        self.assertEqual(request.date_deadline, date(2026, 5, 1))
        self.assertIn("60", request.deadline_explanation)

    @freeze_time("2026-03-16 09:00:00")
    def test_working_days_skip_weekends_and_holidays(self):
        request = self._request(type_id=self.type_working.id)
        # from Tue 17: 17, 19 (18 and 20 are holidays), 23-27, 30, 31, 1 April
        self.assertEqual(request.date_deadline, date(2026, 4, 1))
        self.assertIn("10", request.deadline_explanation)

    def test_suspension_stops_the_clock(self):
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request()
            self.assertEqual(request.date_deadline, date(2026, 5, 1))
        with freeze_time("2026-03-10 09:00:00"):
            request.action_suspend("waiting for the citizen's documents")
            self.assertTrue(request.deadline_suspended)
        with freeze_time("2026-03-22 09:00:00"):
            # the citizen answers by e-mail: the clock restarts by itself
            request.message_post(
                body="Voici les documents.",
                author_id=self.citizen.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
            self.assertFalse(request.deadline_suspended)
            self.assertEqual(request.date_deadline, date(2026, 5, 13))
            self.assertIn("12", request.deadline_explanation)
            self.assertIn(
                "waiting for the citizen's documents", request.deadline_explanation
            )

    @freeze_time("2026-03-02 09:00:00")
    def test_extension_needs_motive_and_is_notified(self):
        request = self._request()
        with self.assertRaises(UserError):
            request.action_extend(15, "  ")
        request.action_extend(15, "Site visit needed")
        self.assertEqual(request.date_deadline, date(2026, 5, 16))
        self.assertIn("Site visit needed", request.deadline_explanation)
        notice = request.message_ids.filtered(
            lambda m: "Site visit needed" in str(m.body)
        )
        self.assertIn(self.citizen, notice.partner_ids)

    @freeze_time("2026-03-16 09:00:00")
    def test_working_day_suspension(self):
        request = self._request(type_id=self.type_working.id)
        request.action_suspend("documents")
        with freeze_time("2026-03-23 09:00:00"):
            request.action_resume()
        # 16-20 March: Mon 16, Tue 17, Thu 19 are worked (18 and 20 are holidays)
        event = request.deadline_event_ids
        self.assertEqual(event.days, 3)
        self.assertEqual(request.date_deadline, date(2026, 4, 6))

    @freeze_time("2026-03-02 09:00:00")
    def test_transfer_keeps_deadline_or_restarts(self):
        request = self._request()
        due = request.date_deadline
        with freeze_time("2026-03-20 09:00:00"):
            request.action_transfer("competence of the ministry", body=self.body_x)
            self.assertEqual(request.date_deadline, due)
            self.type_petition.transfer_keeps_deadline = False
            request.action_transfer("back to the governorate", body=self.body_y)
            self.assertEqual(request.date_deadline, date(2026, 5, 19))
            self.assertIn("transferred", request.deadline_explanation)

    def test_implicit_refusal_cron(self):
        with freeze_time("2026-01-05 09:00:00"):
            late = self._request(type_id=self.type_guidance.id)
            answered = self._request(type_id=self.type_guidance.id)
            answered.state = "answered"
            suspended = self._request(type_id=self.type_guidance.id)
            suspended.action_suspend("documents")
            on_time = self._request()
        with freeze_time("2026-02-10 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_implicit_refusal")
        self.assertTrue(late.implicit_refusal)
        self.assertEqual(late.implicit_refusal_date, date(2026, 2, 10))
        self.assertFalse(answered.implicit_refusal)
        self.assertFalse(suspended.implicit_refusal)
        self.assertFalse(on_time.implicit_refusal)
        notice = late.message_ids.filtered(lambda m: "implicit refusal" in str(m.body))
        self.assertTrue(notice)
        self.assertIn(
            self.citizen, notice.partner_ids, "the citizen is told the recourse path"
        )
        self.assertIn("administrative court", str(notice.body))
        # idempotent
        count = len(late.message_ids)
        with freeze_time("2026-02-11 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_implicit_refusal")
        self.assertEqual(len(late.message_ids), count)
