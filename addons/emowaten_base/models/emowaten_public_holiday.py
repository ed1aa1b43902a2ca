from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import ValidationError

TUNIS_TZ = pytz.timezone("Africa/Tunis")


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
