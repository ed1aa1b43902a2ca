import logging
from datetime import date, datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

_logger = logging.getLogger(__name__)

try:
    from hijridate import Hijri
except ImportError:  # declared in the manifest: only a bare import can miss it
    Hijri = None

TUNIS_TZ = pytz.timezone("Africa/Tunis")

# (code, English name, month, day) of the holidays of the Gregorian calendar
FIXED_HOLIDAYS = [
    ("new_year", "New Year's Day", 1, 1),
    ("independence", "Independence Day", 3, 20),
    ("martyrs", "Martyrs' Day", 4, 9),
    ("labour", "Labour Day", 5, 1),
    ("republic", "Republic Day", 7, 25),
    ("women", "Women's Day", 8, 13),
    ("evacuation", "Evacuation Day", 10, 15),
    ("revolution", "Revolution Day", 12, 17),
]
# (code, English name, Hijri month, Hijri day, number of days off)
HIJRI_HOLIDAYS = [
    ("fitr", "Eid al-Fitr", 10, 1, 2),
    ("adha", "Eid al-Adha", 12, 10, 2),
    ("hijri_new_year", "Islamic New Year", 1, 1, 1),
    ("mouled", "Mouled (Prophet's Birthday)", 3, 12, 1),
]
# from this day of the year on, the coming year must have confirmed holidays
WARNING_FROM = (10, 1)


class EmowatenPublicHoliday(models.Model):
    """A Tunisian public holiday of one year.

    The Hijri holidays move every year and their exact day is only fixed when the
    moon is sighted, so every holiday is yearly data an administrator can edit or
    import (list view → Import). Each holiday is mirrored as a public time off
    (``resource.calendar.leaves`` without resource) on every office calendar.
    """

    _name = "emowaten.public.holiday"
    _description = "Public Holiday"
    _order = "date_from, id"

    name = fields.Char(required=True, translate=True)
    date_from = fields.Date(string="From", required=True)
    date_to = fields.Date(string="To", required=True)
    year = fields.Integer(compute="_compute_year", store=True, index=True)
    kind = fields.Selection(
        [("fixed", "Fixed (Gregorian)"), ("hijri", "Hijri (moves every year)")],
        required=True,
        default="fixed",
    )
    code = fields.Char(
        index=True,
        help="Which holiday this is (fitr, adha, labour...): the yearly pre-filling "
        "creates a holiday only when the year has none with its code.",
    )
    state = fields.Selection(
        [("expected", "Expected"), ("confirmed", "Confirmed")],
        string="Status",
        required=True,
        default="confirmed",
        help="Expected: computed from the Hijri (Umm al-Qura) calendar or pre-filled "
        "for a coming year, to be confirmed once officially announced.",
    )
    leave_ids = fields.One2many(
        "resource.calendar.leaves", "emowaten_holiday_id", string="Calendar Time Off"
    )
    active = fields.Boolean(default=True)

    _name_date_uniq = models.Constraint(
        "UNIQUE(name, date_from)", "This public holiday already exists on that date."
    )

    @api.depends("date_from")
    def _compute_year(self):
        for holiday in self:
            holiday.year = holiday.date_from.year if holiday.date_from else 0

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for holiday in self:
            if holiday.date_to < holiday.date_from:
                raise ValidationError(
                    self.env._(
                        "The public holiday %s ends before it starts.", holiday.name
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("date_from") and not vals.get("date_to"):
                vals["date_to"] = vals["date_from"]
        holidays = super().create(vals_list)
        holidays._emowaten_sync_leaves()
        return holidays

    def write(self, vals):
        res = super().write(vals)
        if {"name", "date_from", "date_to", "active"} & set(vals):
            self._emowaten_sync_leaves()
        return res

    def unlink(self):
        self.leave_ids.sudo().unlink()
        return super().unlink()

    def action_confirm(self):
        self.write({"state": "confirmed"})
        return True

    def action_reset_expected(self):
        self.write({"state": "expected"})
        return True

    @api.model
    def action_prefill_next_year(self):
        """Pre-fill next year's holidays (the administrator's button)."""
        # the pre-filling creates as superuser (for the cron): the caller must be
        # allowed to create holidays himself
        self.check_access("create")
        year = fields.Date.context_today(self).year + 1
        created = self._emowaten_prefill_year(year)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if created else "info",
                "message": self.env._(
                    "%(count)s expected holidays created for %(year)s.",
                    count=len(created),
                    year=year,
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_prefill_holidays(self):
        """Yearly: make sure this year and the next one have their holidays, the
        missing ones created as expected, so the calendar never runs out."""
        year = fields.Date.context_today(self).year
        for each in (year, year + 1):
            self._emowaten_prefill_year(each)

    @api.model
    def _emowaten_hijri_dates(self, year):
        """Return ``[(code, name, first day, last day)]`` of the Hijri holidays that
        fall in Gregorian ``year`` (Umm al-Qura calendar, as hijridate computes it;
        a holiday can fall twice in one Gregorian year)."""
        if Hijri is None:
            raise UserError(
                self.env._(
                    "The Hijri calendar library (hijridate) is not installed: "
                    "the Hijri holidays cannot be computed."
                )
            )
        result = []
        # the Hijri year is about 11 days shorter: these three cover any Gregorian year
        for hijri_year in range(year - 580, year - 577):
            for code, name, month, day, length in HIJRI_HOLIDAYS:
                try:
                    first = Hijri(hijri_year, month, day).to_gregorian()
                except (OverflowError, ValueError):
                    continue  # beyond the range of the Umm al-Qura tables
                first = date(first.year, first.month, first.day)
                if first.year == year:
                    result.append(
                        (code, name, first, first + timedelta(days=length - 1), "hijri")
                    )
        return sorted(result, key=lambda item: item[2])

    @api.model
    def _emowaten_prefill_year(self, year):
        """Create the holidays of ``year`` that are missing, as expected: the fixed
        ones on their day, the Hijri ones on the day the calendar computes. A holiday
        is missing when no holiday of that code, or without code but of that English
        name (archived ones included: archiving is how an administrator drops one),
        lies within a few days of that date."""
        # holidays created before codes existed (or by hand) match by English name
        existing = self.with_context(active_test=False, lang="en_US").search(
            [("year", "in", [year - 1, year, year + 1])]
        )
        candidates = [
            (code, name, date(year, month, day), date(year, month, day), "fixed")
            for code, name, month, day in FIXED_HOLIDAYS
        ]
        try:
            candidates += self._emowaten_hijri_dates(year)
        except UserError:
            _logger.warning(
                "hijridate missing: Hijri holidays of %s not pre-filled", year
            )
        vals_list = []
        for code, name, first, last, kind in candidates:
            if any(
                (holiday.code == code or (not holiday.code and holiday.name == name))
                and abs((holiday.date_from - first).days) <= 15
                for holiday in existing
            ):
                continue
            vals_list.append(
                {
                    "name": name,
                    "code": code,
                    "date_from": first,
                    "date_to": last,
                    "kind": kind,
                    "state": "expected",
                }
            )
        holidays = self.sudo().create(vals_list)
        holidays._emowaten_translate_names()
        return holidays

    def _emowaten_translate_names(self):
        """Give the pre-filled holidays the names in every language of the latest
        earlier holiday of the same code (the shipped ones carry the Arabic and
        French names, an administrator may have corrected them since)."""
        for holiday in self:
            source = self.with_context(active_test=False).search(
                [
                    ("code", "=", holiday.code),
                    ("date_from", "<", holiday.date_from),
                    ("id", "not in", self.ids),
                ],
                order="date_from desc",
                limit=1,
            )
            if not source:
                continue
            translations = {
                item["lang"]: item["value"]
                for item in source.get_field_translations("name")[0]
                if item["value"]
            }
            if translations:
                holiday.update_field_translations("name", translations)

    @api.model
    def _emowaten_coming_year_warning(self, today=None):
        """A warning text when, from 1 October, next year has no confirmed holiday
        (deadlines would then count the holidays as working days), else ``""``."""
        today = today or fields.Date.context_today(self)
        if (today.month, today.day) < WARNING_FROM:
            return ""
        year = today.year + 1
        if self.sudo().search_count(
            [("year", "=", year), ("state", "=", "confirmed")], limit=1
        ):
            return ""
        return self.env._(
            "No public holiday of %(year)s is confirmed yet: deadlines would count "
            "them as working days. Confirm the holidays of %(year)s in Configuration "
            "> Public Holidays.",
            year=year,
        )

    def _emowaten_calendars(self):
        calendars = (
            self.env["emowaten.office"]
            .sudo()
            .with_context(active_test=False)
            .search([("calendar_id", "!=", False)])
            .calendar_id
        )
        default = self.env.ref(
            "emowaten_base.resource_calendar_tn", raise_if_not_found=False
        )
        return calendars | (default or calendars.browse())

    def _emowaten_leave_bounds(self):
        start = TUNIS_TZ.localize(datetime.combine(self.date_from, time.min))
        stop = TUNIS_TZ.localize(
            datetime.combine(self.date_to + timedelta(days=1), time.min)
        )
        return (
            start.astimezone(pytz.utc).replace(tzinfo=None),
            (stop - timedelta(seconds=1)).astimezone(pytz.utc).replace(tzinfo=None),
        )

    def _emowaten_sync_leaves(self, calendars=None):
        """Create, update or remove the public time off of each holiday on each
        office calendar (``calendars`` defaults to all of them)."""
        Leave = self.env["resource.calendar.leaves"].sudo()
        calendars = calendars if calendars is not None else self._emowaten_calendars()
        to_create = []
        for holiday in self.sudo():
            if not holiday.active:
                holiday.leave_ids.unlink()
                continue
            date_from, date_to = holiday._emowaten_leave_bounds()
            existing = {leave.calendar_id.id: leave for leave in holiday.leave_ids}
            for calendar in calendars:
                values = {
                    "name": holiday.name,
                    "date_from": date_from,
                    "date_to": date_to,
                }
                if calendar.id in existing:
                    existing[calendar.id].write(values)
                else:
                    to_create.append(
                        dict(
                            values,
                            calendar_id=calendar.id,
                            time_type="leave",
                            emowaten_holiday_id=holiday.id,
                        )
                    )
        if to_create:
            Leave.create(to_create)
