from datetime import date, datetime

import pytz

from odoo.exceptions import ValidationError
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
        for year in (2026, 2027):
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
