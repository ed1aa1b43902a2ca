from datetime import date, datetime

from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

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


@tagged("post_install", "-at_install")
class TestWaitingEnds(EmowatenPetitionsCase):
    """A request for information has a reply deadline, a reminder and an end; an
    extension is capped per type."""

    def _notices(self, request, text):
        return request.message_ids.filtered(lambda m: text in str(m.body))

    def test_reply_deadline_reminder_then_clock_restarts(self):
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request()
            self.assertEqual(request.date_deadline, date(2026, 5, 1))
            request.action_suspend("a copy of the building permit")
        event = request.deadline_event_ids
        # the type's default: 30 calendar days to reply
        self.assertEqual(event.date_reply_deadline, date(2026, 4, 1))
        told = self._notices(request, "Please reply by")
        self.assertIn(self.citizen, told.partner_ids)
        self.assertIn("starts running again", str(told.body))
        self.assertIn("reply expected by", request.deadline_explanation)
        # 10 days before: nothing yet; 7 days before: one reminder, once
        with freeze_time("2026-03-22 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        self.assertFalse(self._notices(request, "Reminder"))
        with freeze_time("2026-03-25 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        reminder = self._notices(request, "Reminder")
        self.assertEqual(len(reminder), 1)
        self.assertIn(self.citizen, reminder.partner_ids)
        self.assertTrue(event.reminder_sent)
        # the reply deadline passed (the job runs late, on 10 April): the clock
        # restarts from the reply deadline, not from the day the job ran
        with freeze_time("2026-04-10 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        self.assertFalse(request.deadline_suspended)
        self.assertTrue(event.expired)
        self.assertEqual(event.date_end, date(2026, 4, 1))
        self.assertEqual(event.days, 30)
        self.assertEqual(request.date_deadline, date(2026, 5, 31))
        self.assertTrue(self._notices(request, "runs again"))
        self.assertIn(request.state, ("registered", "screening"))

    def test_reply_deadline_passed_closes_as_no_reply(self):
        self.type_petition.info_expiry_action = "close"
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request()
            request.action_suspend("the land title", reply_deadline=date(2026, 3, 20))
        self.assertIn(
            "closed without an answer", str(self._notices(request, "reply").body)
        )
        with freeze_time("2026-03-21 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        self.assertEqual(request.state, "closed")
        self.assertTrue(request.closed_no_reply)
        notice = self._notices(request, "closed without an answer")
        self.assertTrue(notice.filtered(lambda m: self.citizen in m.partner_ids))
        # a closed file is no longer watched: a second run does nothing
        count = len(request.message_ids)
        self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        self.assertEqual(len(request.message_ids), count)

    def test_citizen_reply_before_the_deadline_ends_the_wait(self):
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request()
            request.action_suspend("documents")
        with freeze_time("2026-03-05 09:00:00"):
            request.message_post(
                body="Voici les documents.",
                author_id=self.citizen.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        with freeze_time("2026-04-15 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        self.assertFalse(request.deadline_event_ids.expired)
        self.assertFalse(self._notices(request, "No reply"))

    def test_reply_deadline_in_the_past_is_refused(self):
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request()
            with self.assertRaises(UserError):
                request.action_suspend("documents", reply_deadline=date(2026, 3, 1))
            wizard = (
                self.env["emowaten.request.deadline"]
                .with_context(active_ids=request.ids)
                .create({"kind": "suspension", "motive": "documents"})
            )
            self.assertEqual(wizard.reply_deadline, date(2026, 4, 1))
            wizard.action_apply()
        self.assertTrue(request.deadline_suspended)

    @freeze_time("2026-03-02 09:00:00")
    def test_extensions_are_capped_per_type(self):
        """Default: one extension, of at most the legal deadline; the cap is in the
        deadline explanation, and it holds however the extension is written."""
        request = self._request()
        self.assertIn("0 of 1 allowed, 60 days at most", request.deadline_explanation)
        with self.assertRaises(ValidationError) as caught:
            request.action_extend(400, "a long enquiry")
        self.assertIn("60 days at most", str(caught.exception))
        request.action_extend(60, "a long enquiry")
        self.assertIn("1 of 1 allowed", request.deadline_explanation)
        with self.assertRaises(ValidationError) as caught:
            request.action_extend(1, "one more day")
        self.assertIn("1 time(s) only", str(caught.exception))
        # written directly, an extension is held to the same cap
        with self.assertRaises(ValidationError):
            self.env["emowaten.request.deadline.event"].create(
                {
                    "request_id": request.id,
                    "kind": "extension",
                    "days": 1,
                    "motive": "x",
                }
            )
        # and raising an existing one past the cap too
        with self.assertRaises(ValidationError):
            request.deadline_event_ids.write({"days": 61})
        # a type allowing two extensions of 20 days in all
        self.type_guidance.write({"max_extensions": 2, "max_extension_days": 20})
        other = self._request(type_id=self.type_guidance.id)
        other.action_extend(15, "first")
        with self.assertRaises(ValidationError):
            other.action_extend(6, "second, too long")
        other.action_extend(5, "second")
        self.assertEqual(len(other.deadline_event_ids), 2)
        wizard = (
            self.env["emowaten.request.deadline"]
            .with_context(active_ids=other.ids)
            .create({"kind": "extension", "motive": "x"})
        )
        self.assertIn("2 of 2 extension(s) used, 0 days left", wizard.cap_note)

    def test_type_limits_validated(self):
        for vals in ({"info_reminder_days": 40}, {"max_extensions": -1}):
            with (
                mute_logger("odoo.sql_db"),
                self.assertRaises(IntegrityError),
                self.cr.savepoint(),
            ):
                self.type_petition.write(vals)
                self.type_petition.flush_recordset()

    def test_waiting_notices_in_the_citizen_language(self):
        """The suspension notice, the reminder and the end of the wait are the
        citizen's letters: in their language, whatever the agent or the job reads."""
        for code in ("ar_001", "fr_FR"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001", "fr_FR"], overwrite=True
        )
        self.env.user.lang = "fr_FR"
        self.citizen.lang = "ar_001"
        self.citizen_2.lang = "fr_FR"
        with freeze_time("2026-03-02 09:00:00"):
            arabic = self._request()
            french = self._request(partner_id=self.citizen_2.id)
            (arabic | french).action_suspend("الوثائق / les documents")
        for when in ("2026-03-26 09:00:00", "2026-04-02 09:00:00"):
            with freeze_time(when):
                self._run_cron("emowaten_petitions.ir_cron_request_information_replies")
        for request, expected, foreign in (
            (arabic, ("يُرجى الرد قبل", "تذكير", "لم يصلنا أي رد"), "Merci"),
            (french, ("Merci de répondre", "Rappel", "Aucune réponse"), "يُرجى"),
        ):
            bodies = " ".join(
                str(m.body) for m in request.message_ids if request.name in str(m.body)
            )
            for text in expected:
                self.assertIn(text, bodies)
            self.assertNotIn(foreign, bodies)
            for english in ("Please reply", "Reminder", "No reply was received"):
                self.assertNotIn(english, bodies)
