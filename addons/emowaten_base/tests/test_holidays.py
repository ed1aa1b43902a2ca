from datetime import date, datetime

import pytz
from freezegun import freeze_time
from hijridate import Hijri

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import EmowatenBaseCase

TUNIS = pytz.timezone("Africa/Tunis")


@tagged("post_install", "-at_install")
class TestHolidays(EmowatenBaseCase):
    def _is_working_day(self, calendar, day):
        start = TUNIS.localize(datetime.combine(day, datetime.min.time()))
        stop = TUNIS.localize(datetime.combine(day, datetime.max.time()))
        return bool(calendar._work_intervals_batch(start, stop)[False])

    def test_shipped_years(self):
        Holiday = self.env["emowaten.public.holiday"]
        for year in (2026, 2027, 2028, 2029, 2030):
            holidays = Holiday.search([("year", "=", year)])
            self.assertEqual(len(holidays.filtered(lambda h: h.kind == "fixed")), 8)
            self.assertEqual(len(holidays.filtered(lambda h: h.kind == "hijri")), 4)
        fitr = self.env.ref("emowaten_base.emowaten_public_holiday_2026_fitr")
        self.assertEqual((fitr.date_to - fitr.date_from).days, 1)

    def test_holidays_on_office_calendar(self):
        calendar = self.office_a.calendar_id
        self.assertEqual(calendar, self.env.ref("emowaten_base.resource_calendar_tn"))
        # Thursday 9 April 2026, Martyrs' Day; Wednesday 8 April is worked
        self.assertFalse(self._is_working_day(calendar, date(2026, 4, 9)))
        self.assertTrue(self._is_working_day(calendar, date(2026, 4, 8)))
        # Eid al-Adha 2026, two days
        self.assertFalse(self._is_working_day(calendar, date(2026, 5, 27)))
        self.assertFalse(self._is_working_day(calendar, date(2026, 5, 28)))
        # Saturday is never worked
        self.assertFalse(self._is_working_day(calendar, date(2026, 4, 11)))

    def test_edit_moves_the_time_off(self):
        """The Hijri date is confirmed one day later: the calendar follows."""
        calendar = self.office_a.calendar_id
        mouled = self.env.ref("emowaten_base.emowaten_public_holiday_2026_mouled")
        self.assertFalse(self._is_working_day(calendar, date(2026, 8, 25)))
        mouled.write({"date_from": date(2026, 8, 26), "date_to": date(2026, 8, 26)})
        self.assertTrue(self._is_working_day(calendar, date(2026, 8, 25)))
        self.assertFalse(self._is_working_day(calendar, date(2026, 8, 26)))
        mouled.active = False
        self.assertTrue(self._is_working_day(calendar, date(2026, 8, 26)))

    def test_imported_holiday_reaches_new_calendars(self):
        other = self.env["resource.calendar"].create({"name": "Summer schedule"})
        self.office_b.calendar_id = other
        self.assertFalse(self._is_working_day(other, date(2027, 3, 9)))
        new = self.env["emowaten.public.holiday"].load(
            ["name", "date_from", "date_to", "kind"],
            [["Exceptional day off", "2027-04-14", "2027-04-14", "fixed"]],
        )
        self.assertFalse(new["messages"])
        self.assertFalse(self._is_working_day(other, date(2027, 4, 14)))
        self.assertFalse(
            self._is_working_day(self.office_a.calendar_id, date(2027, 4, 14))
        )

    def test_dates_order(self):
        with self.assertRaises(ValidationError):
            self.env["emowaten.public.holiday"].create(
                {
                    "name": "Backwards",
                    "date_from": "2026-02-02",
                    "date_to": "2026-02-01",
                }
            )


@tagged("post_install", "-at_install")
class TestHolidaysThatDoNotRunOut(EmowatenBaseCase):
    """Holidays shipped until 2030, the Hijri ones pre-filled as expected from the
    Umm al-Qura calendar for the coming years, and a readiness warning when the
    coming year has no confirmed holiday."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Holiday = cls.env["emowaten.public.holiday"].with_context(active_test=False)

    def _shipped(self, year, code):
        return self.env.ref(f"emowaten_base.emowaten_public_holiday_{year}_{code}")

    def test_hijridate_gives_the_shipped_dates(self):
        """Every shipped Hijri holiday is on the day hijridate computes: the
        pre-filling of later years uses the same calendar."""
        starts = {"fitr": (10, 1), "adha": (12, 10), "hijri_new_year": (1, 1)}
        starts["mouled"] = (3, 12)
        for year in range(2026, 2031):
            hijri_dates = self.Holiday._emowaten_hijri_dates(year)
            computed = {item[0]: (item[2], item[3]) for item in hijri_dates}
            for code in starts:
                shipped = self._shipped(year, code)
                self.assertEqual(
                    computed[code], (shipped.date_from, shipped.date_to), (year, code)
                )
        # the figures themselves, read from hijridate (1 Shawwal 1448 = 9 March 2027)
        self.assertEqual(Hijri(1448, 10, 1).to_gregorian().isoformat(), "2027-03-09")
        fitr_2027 = self._shipped(2027, "fitr")
        self.assertEqual(
            (fitr_2027.date_from, fitr_2027.date_to),
            (date(2027, 3, 9), date(2027, 3, 10)),
        )
        adha_2028 = self._shipped(2028, "adha")
        self.assertEqual(
            (adha_2028.date_from, adha_2028.date_to),
            (date(2028, 5, 5), date(2028, 5, 6)),
        )
        self.assertEqual(self._shipped(2030, "fitr").date_from, date(2030, 2, 4))

    def test_shipped_states_and_names(self):
        self.assertEqual(self._shipped(2027, "labour").state, "confirmed")
        self.assertEqual(self._shipped(2027, "fitr").state, "expected")
        self.assertEqual(self._shipped(2026, "fitr").state, "confirmed")
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_base"], ["ar_001", "fr_FR"], overwrite=True
        )
        for holiday in self.Holiday.search([("year", "in", [2028, 2029, 2030])]):
            ar_name = holiday.with_context(lang="ar_001").name
            fr_name = holiday.with_context(lang="fr_FR").name
            self.assertNotEqual(ar_name, holiday.name, holiday.code)
            self.assertRegex(ar_name, "[\u0600-\u06ff]", holiday.code)
            self.assertNotEqual(fr_name, ar_name)
        self.assertEqual(
            self._shipped(2030, "fitr").with_context(lang="fr_FR").name, "Aïd el-Fitr"
        )

    def test_cron_prefills_next_year_once(self):
        """In 2030 the cron creates the holidays of 2031, Hijri ones on the days of
        the calendar, all expected, with the Arabic and French names; a second run
        creates nothing."""
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_base"], ["ar_001"], overwrite=True
        )
        self.assertFalse(self.Holiday.search([("year", "=", 2031)]))
        with freeze_time("2030-09-01"):
            self.Holiday._cron_prefill_holidays()
        created = self.Holiday.search([("year", "=", 2031)])
        self.assertEqual(len(created), 12)
        self.assertEqual(set(created.mapped("state")), {"expected"})
        fitr = created.filtered(lambda h: h.code == "fitr")
        self.assertEqual(
            (fitr.date_from, fitr.date_to), (date(2031, 1, 24), date(2031, 1, 25))
        )
        self.assertEqual(fitr.kind, "hijri")
        self.assertEqual(fitr.with_context(lang="ar_001").name, "عيد الفطر")
        labour = created.filtered(lambda h: h.code == "labour")
        self.assertEqual(labour.date_from, date(2031, 5, 1))
        self.assertEqual(labour.kind, "fixed")
        # the office calendars already count them as days off
        self.assertTrue(fitr.leave_ids)
        # 2030 itself is complete: nothing added there
        self.assertEqual(len(self.Holiday.search([("year", "=", 2030)])), 12)
        with freeze_time("2030-09-01"):
            self.Holiday._cron_prefill_holidays()
        self.assertEqual(self.Holiday.search([("year", "=", 2031)]), created)
        # a holiday the administrator moved by a day or archived is not recreated
        fitr.write({"date_from": date(2031, 1, 25), "date_to": date(2031, 1, 26)})
        created.filtered(lambda h: h.code == "mouled").active = False
        self.Holiday._emowaten_prefill_year(2031)
        self.assertEqual(self.Holiday.search([("year", "=", 2031)]), created)

    def test_scheduled_action_runs(self):
        cron = self.env.ref("emowaten_base.ir_cron_emowaten_prefill_holidays")
        self.assertEqual((cron.interval_number, cron.interval_type), (12, "months"))
        with freeze_time("2030-09-01"), self.enter_registry_test_mode():
            cron.method_direct_trigger()
        self.assertEqual(len(self.Holiday.search([("year", "=", 2031)])), 12)

    def test_prefill_respects_holidays_without_code(self):
        """A database installed before holidays had codes (shipped data is not
        updated) or a holiday typed by hand: matched by its English name, no
        duplicate (the unique name and date would even stop the cron)."""
        by_hand = self.Holiday.create(
            {"name": "Labour Day", "date_from": date(2031, 5, 1), "kind": "fixed"}
        )
        moved = self.Holiday.create(
            {
                "name": "Eid al-Fitr",
                "date_from": date(2031, 1, 25),
                "date_to": date(2031, 1, 26),
                "kind": "hijri",
            }
        )
        created = self.Holiday._emowaten_prefill_year(2031)
        self.assertEqual(len(created), 10)
        self.assertNotIn("labour", created.mapped("code"))
        self.assertNotIn("fitr", created.mapped("code"))
        self.assertEqual((by_hand | moved).mapped("state"), ["confirmed", "confirmed"])

    def test_admin_button_prefills_next_year(self):
        with freeze_time("2030-11-15"):
            action = self.Holiday.with_user(self.admin).action_prefill_next_year()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self.Holiday.search([("year", "=", 2031)])), 12)
        # only who may create holidays may pre-fill them
        for user in (self.agent_a, self.manager_a, self.supervisor):
            with self.assertRaises(AccessError), freeze_time("2031-11-15"):
                self.Holiday.with_user(user).action_prefill_next_year()
        self.assertFalse(self.Holiday.search([("year", "=", 2032)]))
        with self.assertRaises(AccessError):
            self._shipped(2028, "fitr").with_user(self.agent_a).action_confirm()

    def test_confirm(self):
        fitr = self._shipped(2028, "fitr")
        self.assertEqual(fitr.state, "expected")
        fitr.with_user(self.admin).action_confirm()
        self.assertEqual(fitr.state, "confirmed")
        self.assertIn(
            fitr,
            self.Holiday.search([("state", "=", "confirmed"), ("year", "=", 2028)]),
        )
        fitr.action_reset_expected()
        self.assertEqual(fitr.state, "expected")

    def test_readiness_warning(self):
        """From 1 October the board warns while the coming year has no confirmed
        holiday, and stops once one is confirmed."""
        assessment = self.env["emowaten.readiness"].create(
            {"office_id": self.office_a.id, "year": 2030}
        )
        with freeze_time("2030-09-30"):
            self.Holiday._cron_prefill_holidays()
            assessment.invalidate_recordset(["holiday_warning", "checklist_html"])
            self.assertFalse(assessment.holiday_warning)
        with freeze_time("2030-10-01"):
            assessment.invalidate_recordset(["holiday_warning", "checklist_html"])
            self.assertIn("2031", assessment.holiday_warning)
            self.assertIn("2031", str(assessment.checklist_html))
            self.assertIn("fa-calendar-times-o", str(assessment.checklist_html))
            # the score is not touched by the warning
            score = assessment.score
            self.Holiday.search(
                [("year", "=", 2031), ("code", "=", "labour")]
            ).action_confirm()
            assessment.invalidate_recordset(["holiday_warning", "checklist_html"])
            self.assertFalse(assessment.holiday_warning)
            self.assertNotIn("fa-calendar-times-o", str(assessment.checklist_html))
            self.assertEqual(assessment.score, score)
        # with the shipped data, late 2026 warns of nothing: 2027 is confirmed
        with freeze_time("2026-12-04"):
            self.assertFalse(self.Holiday._emowaten_coming_year_warning())
