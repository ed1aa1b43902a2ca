from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class EmowatenRequestDeadlineEvent(models.Model):
    _name = "emowaten.request.deadline.event"
    _inherit = ["emowaten.request.line.mixin"]
    _description = "Suspension or Extension of a Legal Deadline"
    _order = "date_start, id"

    request_id = fields.Many2one(
        "emowaten.request", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection(
        [("suspension", "Suspension"), ("extension", "Extension")], required=True
    )
    date_start = fields.Date(required=True, default=fields.Date.context_today)
    date_end = fields.Date(help="Empty while the clock is still stopped.")
    days = fields.Integer(
        compute="_compute_days",
        store=True,
        precompute=True,
        readonly=False,
        help="Extension: days granted. Suspension: days the clock was stopped, counted "
        "like the legal deadline.",
    )
    motive = fields.Text(required=True)
    date_reply_deadline = fields.Date(
        string="Reply Expected By",
        help="Suspension: the date the citizen's reply is expected by; when it passes, "
        "the request type says what happens.",
    )
    reminder_sent = fields.Boolean(readonly=True, copy=False)
    expired = fields.Boolean(
        string="Reply Deadline Passed",
        readonly=True,
        copy=False,
        help="The citizen did not reply by the reply deadline.",
    )
    user_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    _days_positive = models.Constraint(
        "CHECK(days >= 0)", "A number of days cannot be negative."
    )

    @api.depends("kind", "date_start", "date_end")
    def _compute_days(self):
        for event in self:
            if event.kind != "suspension":
                event.days = event.days or 0
                continue
            if not event.date_end:
                event.days = 0
                continue
            request = event.request_id
            calendar = (
                request.office_id.calendar_id
                if request.deadline_unit == "working"
                else None
            )
            event.days = request._emowaten_count_days(
                event.date_start, event.date_end, calendar
            )

    @api.constrains("date_start", "date_end", "date_reply_deadline")
    def _check_dates(self):
        for event in self:
            if event.date_end and event.date_end < event.date_start:
                raise ValidationError(
                    self.env._("A suspension cannot end before it starts.")
                )
            if (
                event.date_reply_deadline
                and event.date_reply_deadline < event.date_start
            ):
                raise ValidationError(
                    self.env._("The reply deadline cannot be before the suspension.")
                )

    @api.constrains("kind", "days", "request_id")
    def _check_extension_cap(self):
        """Checked on the extensions as they are after the create or write, whoever
        makes them (the wizard, an import, a script)."""
        for request in self.filtered(lambda e: e.kind == "extension").request_id:
            rtype = request.type_id
            extensions = request._emowaten_extensions()
            if len(extensions) > rtype.max_extensions:
                raise ValidationError(
                    self.env._(
                        "%(ref)s: a request of type %(type)s may be extended "
                        "%(max)s time(s) only.",
                        ref=request.name or "",
                        type=rtype.name,
                        max=rtype.max_extensions,
                    )
                )
            cap = rtype._emowaten_extension_cap_days(request.deadline_days)
            total = sum(extensions.mapped("days"))
            if total > cap:
                raise ValidationError(
                    self.env._(
                        "%(ref)s: the extensions of a request of type %(type)s may "
                        "add %(cap)s days at most (%(total)s asked in all).",
                        ref=request.name or "",
                        type=rtype.name,
                        cap=cap,
                        total=total,
                    )
                )

    # ------------------------------------------------------ waiting for a reply
    def _emowaten_remind(self):
        """Remind the citizen of the information awaited, in their language."""
        for event in self:
            request = event.request_id
            citizen = request._emowaten_in_lang(request._emowaten_citizen_lang_short())
            citizen.message_post(
                body=citizen.env._(
                    "Reminder: for %(ref)s we are still waiting for %(motive)s. "
                    "Please reply by %(date)s. %(then)s",
                    ref=request.name or "",
                    motive=event.motive,
                    date=format_date(citizen.env, event.date_reply_deadline),
                    then=citizen._emowaten_reply_expiry_text(),
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=request.partner_id.ids,
            )
        self.write({"reminder_sent": True})
        return True

    def _emowaten_expire(self):
        """The reply deadline passed without a reply: the type says whether the
        legal clock restarts (from the reply deadline, however late this runs) or
        the request is closed as "no reply"; the citizen is told either way."""
        for event in self:
            request = event.request_id
            citizen = request._emowaten_in_lang(request._emowaten_citizen_lang_short())
            event.write(
                {
                    "date_end": max(event.date_reply_deadline, event.date_start),
                    "expired": True,
                }
            )
            told = {
                "date": format_date(citizen.env, event.date_reply_deadline),
                "motive": event.motive,
                "ref": request.name or "",
            }
            if request.type_id.info_expiry_action == "close":
                request.write({"state": "closed", "closed_no_reply": True})
                body = citizen.env._(
                    "No reply was received by %(date)s to our request for "
                    "%(motive)s: %(ref)s is closed without an answer. You may file "
                    "a new request with the information at any time.",
                    **told,
                )
            else:
                body = citizen.env._(
                    "No reply was received by %(date)s to our request for "
                    "%(motive)s: the legal deadline of %(ref)s runs again; it is "
                    "now due on %(due)s.",
                    due=format_date(citizen.env, request.date_deadline),
                    **told,
                )
            citizen.message_post(
                body=Markup("<p>%s</p>") % body,
                subtype_xmlid="mail.mt_comment",
                partner_ids=request.partner_id.ids,
            )
        return True
