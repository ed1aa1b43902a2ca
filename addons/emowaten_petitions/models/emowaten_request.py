import base64
import logging
import secrets
from collections import defaultdict
from datetime import datetime, time, timedelta

import pytz
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import email_split, format_date, html2plaintext, split_every
from odoo.tools.sql import column_exists, table_exists

from odoo.addons.emowaten_base.tools.public_input import clean_multiline, single_line

from ..tools import arabic_normalize, text_similarity
from ..tools.rtl_print import ltr_word_boxes, rtl_inline, word_boxes

_logger = logging.getLogger(__name__)

REQUEST_STATES = [
    ("draft", "New"),
    ("registered", "Registered"),
    ("screening", "Screening"),
    ("routed", "Routed"),
    ("study", "Under Study"),
    ("answer_drafted", "Answer Drafted"),
    ("to_sign", "Awaiting Signature"),
    ("answered", "Answered"),
    ("closed", "Closed"),
    ("inadmissible", "Inadmissible"),
    ("withdrawn", "Withdrawn"),
]
# states in which the legal clock runs and escalations apply
OPEN_STATES = (
    "registered",
    "screening",
    "routed",
    "study",
    "answer_drafted",
    "to_sign",
)
DONE_STATES = ("answered", "closed", "inadmissible", "withdrawn")
CHANNELS = [
    ("portal", "Web Portal"),
    ("mobile", "Mobile Application"),
    ("counter", "Office Counter"),
    ("phone", "Telephone"),
    ("post", "Postal Mail"),
    ("email", "E-mail"),
]
DUPLICATE_THRESHOLD = 0.8
# stored bookkeeping columns hidden from the custom group-by (see fields_get)
TECHNICAL_FIELDS = (
    "access_token",
    "subject_normalized",
    "intake_cin",
    "intake_phone",
    "intake_name",
    "receipt_pending",
    "color",
    "reference_sequence",
    "reference_number",
    "escalation_level",
    "deadline_days",
    "message_main_attachment_id",
    "scan_text_normalized",
    "privacy_anonymised",
)
# what places a file in someone's scope: changed by a plain write, it must stay there
SCOPE_FIELDS = {"office_id", "body_id", "type_id"}


def new_tracking_code():
    """16 random characters (80 bits) in four groups, e.g. ``K7QM-9XD4-RTAP-Z3BW``,
    from the base32 alphabet (no 0/O or 1/I confusion)."""
    chars = base64.b32encode(secrets.token_bytes(10)).decode()
    return f"{chars[0:4]}-{chars[4:8]}-{chars[8:12]}-{chars[12:16]}"


class EmowatenRequest(models.Model):
    _name = "emowaten.request"
    _description = "Citizen Request"
    _inherit = [
        "portal.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "emowaten.request.citizen.mixin",
    ]
    _order = "id desc"
    _mail_post_access = "write"

    # ------------------------------------------------------------------ fields
    name = fields.Char(
        string="Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
        index="trigram",
    )
    access_token = fields.Char(index="btree_not_null")
    tracking_code = fields.Char(
        related="access_token", string="Tracking Code", readonly=True
    )
    office_id = fields.Many2one(
        "emowaten.office",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self._default_office_id(),
    )
    body_id = fields.Many2one(
        "emowaten.body", string="Competent Body", index="btree_not_null", tracking=True
    )
    parent_id = fields.Many2one(
        "emowaten.request",
        string="Parent File",
        index="btree_not_null",
        ondelete="cascade",
    )
    # the parent file may lie in another office, out of the reach of the body's
    # correspondent or signatory: they read its reference (related: as superuser)
    parent_reference = fields.Char(related="parent_id.name", string="Main File")
    child_ids = fields.One2many("emowaten.request", "parent_id", string="Child Files")
    child_count = fields.Integer(compute="_compute_child_count")
    partner_id = fields.Many2one(
        "res.partner", string="Citizen", index="btree_not_null", tracking=True
    )
    partner_cin = fields.Char(related="partner_id.emowaten_cin", string="CIN")
    # counter and phone intake: the agent types the CIN or phone and the citizen is
    # found at once, or created at registration
    intake_cin = fields.Char(string="Citizen's CIN", copy=False)
    intake_phone = fields.Char(string="Citizen's Phone", copy=False)
    intake_name = fields.Char(string="Citizen's Name", copy=False)
    partner_phone = fields.Char(related="partner_id.phone", string="Phone")
    partner_email = fields.Char(related="partner_id.email", string="E-mail")
    # what a filer typed on a public channel (portal) that differs from the citizen
    # on file: never written to the citizen by the filing (anyone who knows a CIN
    # could redirect that citizen's mail), staff apply it after checking
    filed_name = fields.Char(string="Name Given at Filing", copy=False)
    filed_phone = fields.Char(string="Phone Given at Filing", copy=False)
    filed_email = fields.Char(string="E-mail Given at Filing", copy=False)
    type_id = fields.Many2one(
        "emowaten.request.type",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env["emowaten.request.type"].search([], limit=1),
    )
    confidential = fields.Boolean(
        related="type_id.confidential", store=True, index=True, precompute=True
    )
    channel = fields.Selection(
        CHANNELS, required=True, default="counter", tracking=True
    )
    subject = fields.Char(required=True, tracking=True)
    description = fields.Text()
    # duplicates are looked up per citizen (partner index) and compared in Python: no
    # index here, it would only slow down every registration
    subject_normalized = fields.Char(
        compute="_compute_subject_normalized", store=True, precompute=True
    )
    category_id = fields.Many2one("emowaten.request.category", tracking=True)
    tag_ids = fields.Many2many("emowaten.request.tag", string="Tags")
    state_id = fields.Many2one(
        "res.country.state",
        string="Governorate",
        domain="[('country_id.code', '=', 'TN')]",
    )
    delegation_id = fields.Many2one(
        "emowaten.delegation",
        domain="[('state_id', '=?', state_id)]",
    )
    stage_id = fields.Many2one(
        "emowaten.request.stage",
        index=True,
        tracking=True,
        copy=False,
        group_expand="_read_group_stage_ids",
        ondelete="restrict",
    )
    state = fields.Selection(
        REQUEST_STATES,
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    priority = fields.Selection([("0", "Normal"), ("1", "Urgent")], default="0")
    color = fields.Integer(aggregator=None)
    user_id = fields.Many2one(
        "res.users",
        string="Assignee",
        index="btree_not_null",
        tracking=True,
        domain=[("share", "=", False)],
    )
    correspondent_id = fields.Many2one(
        "res.users", index="btree_not_null", tracking=True
    )
    registration_date = fields.Datetime(readonly=True, copy=False, index=True)
    # deadline rules are frozen at registration: changing a type later must not move the
    # legal deadlines of the requests already filed (nor recompute a million rows)
    deadline_days = fields.Integer(readonly=True, copy=False, aggregator=None)
    deadline_unit = fields.Selection(
        [("calendar", "Calendar days"), ("working", "Working days")],
        readonly=True,
        copy=False,
    )
    deadline_start_date = fields.Date(
        readonly=True, copy=False, help="The day the legal clock starts."
    )
    deadline_event_ids = fields.One2many(
        "emowaten.request.deadline.event",
        "request_id",
        string="Suspensions and Extensions",
    )
    date_deadline = fields.Date(
        string="Due Date",
        compute="_compute_date_deadline",
        # computed before the INSERT: no second UPDATE of every new row (and of its
        # indexes) at flush time
        precompute=True,
        store=True,
        tracking=True,
        copy=False,
    )
    deadline_explanation = fields.Text(compute="_compute_deadline_explanation")
    deadline_suspended = fields.Boolean(
        compute="_compute_deadline_suspended",
        store=True,
        precompute=True,
        string="Clock Suspended",
    )
    implicit_refusal = fields.Boolean(readonly=True, copy=False, tracking=True)
    closed_no_reply = fields.Boolean(
        string="Closed for Lack of Reply",
        readonly=True,
        copy=False,
        tracking=True,
        help="Closed because the citizen did not send the requested information by "
        "the reply deadline.",
    )
    implicit_refusal_date = fields.Date(readonly=True, copy=False)
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        aggregator=None,
        help="Sequence of the last escalation level already applied; a level is never "
        "applied twice.",
    )
    reference_sequence = fields.Integer(
        readonly=True,
        copy=False,
        aggregator=None,
        help="The office's yearly sequence the reference was drawn from.",
    )
    reference_number = fields.Integer(
        readonly=True,
        copy=False,
        aggregator=None,
        help="The number of the reference in its sequence, gapless per office and "
        "year.",
    )
    receipt_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="The receipt waits to be e-mailed: it is rendered and sent by a scheduled "
        "action started right after the registration, so that registering stays quick.",
    )
    custody_ids = fields.One2many(
        "emowaten.request.custody", "request_id", string="Custody Log"
    )
    transfer_count = fields.Integer(readonly=True, copy=False)
    transfer_alert = fields.Boolean(compute="_compute_transfer_alert")
    escalation_level_id = fields.Many2one(
        "emowaten.escalation.level",
        string="Escalation",
        readonly=True,
        copy=False,
        help="The last escalation level applied to the request.",
    )
    deadline_overdue = fields.Boolean(
        string="Overdue",
        compute="_compute_deadline_overdue",
        search="_search_deadline_overdue",
        help="The legal deadline has passed and the request is still open.",
    )
    for_my_bodies = fields.Boolean(
        compute="_compute_for_my_bodies",
        search="_search_for_my_bodies",
        help="Files of the bodies the user is a correspondent or a signatory of.",
    )
    answer_ids = fields.One2many("emowaten.answer", "request_id", string="Answers")
    answer_count = fields.Integer(compute="_compute_answer_count")
    inadmissibility_reason_id = fields.Many2one(
        "emowaten.inadmissibility.reason",
        tracking=True,
    )
    orientation_body_id = fields.Many2one(
        "emowaten.body", string="Competent Body Named"
    )
    duplicate_of_id = fields.Many2one(
        "emowaten.request", string="Repeats", index="btree_not_null", copy=False
    )
    duplicate_ids = fields.Many2many(
        "emowaten.request", compute="_compute_duplicate_ids", string="Likely Duplicates"
    )
    duplicate_count = fields.Integer(compute="_compute_duplicate_ids")
    rating = fields.Integer(
        copy=False, aggregator="avg", help="Citizen satisfaction, 1 to 5."
    )
    rating_comment = fields.Text(copy=False)
    rating_date = fields.Datetime(copy=False)
    close_date = fields.Datetime(readonly=True, copy=False)
    attachment_ids = fields.One2many(
        "ir.attachment",
        "res_id",
        string="Attachments",
        domain=[("res_model", "=", "emowaten.request")],
    )

    _name_office_uniq = models.UniqueIndex(
        "(office_id, name) WHERE parent_id IS NULL AND state != 'draft'",
        "This reference already exists in this office.",
    )
    _rating_range = models.Constraint(
        "CHECK(rating IS NULL OR (rating >= 0 AND rating <= 5))",
        "A rating goes from 1 to 5.",
    )
    # kanban of an office: cards by stage, newest first, with the columns the record
    # rules test, so the grouped counts and first cards are index-only scans
    # (measured on 1,000,000 requests: 2.0 s -> 0.5 s for an office of 58,000)
    _office_stage_idx = models.Index(
        "(office_id, stage_id, id DESC) INCLUDE (confidential, partner_id, type_id, "
        "user_id) WHERE parent_id IS NULL"
    )
    # escalation and implicit refusal crons scan open requests by due date only
    _open_deadline_idx = models.Index(
        "(date_deadline, escalation_level) WHERE state IN "
        "('registered', 'screening', 'routed', 'study', 'answer_drafted', 'to_sign') "
        "AND NOT COALESCE(deadline_suspended, FALSE)"
    )
    _name_idx = models.Index("(name)")
    # the drawn numbers: one per sequence, read backwards by each draw (max)
    _reference_number_uniq = models.UniqueIndex(
        "(reference_sequence, reference_number) WHERE reference_number IS NOT NULL",
        "This reference number was already given.",
    )
    _receipt_pending_idx = models.Index("(id) WHERE receipt_pending")

    def _auto_init(self):
        # escalation_level_id came after escalation_level: fill it in one UPDATE for
        # the files already escalated, rather than let the ORM compute a million rows
        fill = table_exists(self.env.cr, self._table) and not column_exists(
            self.env.cr, self._table, "escalation_level_id"
        )
        res = super()._auto_init()
        if fill and table_exists(self.env.cr, "emowaten_escalation_level"):
            self.env.cr.execute(
                """UPDATE emowaten_request r SET escalation_level_id = l.id
                     FROM emowaten_escalation_level l
                    WHERE r.escalation_level > 0 AND l.sequence = r.escalation_level"""
            )
        return res

    # ---------------------------------------------------------------- defaults
    @api.model
    def _default_office_id(self):
        return self.env.user.emowaten_office_ids[:1]

    # ---------------------------------------------------------------- computes
    def _compute_access_url(self):
        res = super()._compute_access_url()
        for request in self:
            request.access_url = f"/my/requests/{request.id}"
        return res

    @api.depends("subject", "description")
    def _compute_subject_normalized(self):
        for request in self:
            request.subject_normalized = arabic_normalize(request.subject)

    def _compute_child_count(self):
        counts = dict(
            self._read_group(
                [("parent_id", "in", self.ids)], ["parent_id"], ["__count"]
            )
        )
        for request in self:
            request.child_count = counts.get(request, 0)

    def _compute_answer_count(self):
        counts = dict(
            self.env["emowaten.answer"]._read_group(
                [("request_id", "in", self.ids)], ["request_id"], ["__count"]
            )
        )
        for request in self:
            request.answer_count = counts.get(request, 0)

    @api.depends("transfer_count")
    def _compute_transfer_alert(self):
        for request in self:
            request.transfer_alert = request.transfer_count >= 3

    @api.depends("date_deadline", "state")
    @api.depends_context("tz")
    def _compute_deadline_overdue(self):
        today = fields.Date.context_today(self)
        for request in self:
            request.deadline_overdue = bool(
                request.date_deadline
                and request.date_deadline < today
                and request.state in OPEN_STATES
            )

    def _search_deadline_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        overdue = Domain("state", "in", OPEN_STATES) & Domain(
            "date_deadline", "<", fields.Date.context_today(self)
        )
        wanted = True in value
        return overdue if wanted == (operator == "in") else ~overdue

    def _emowaten_my_bodies_domain(self):
        """The files of the bodies (and sub-bodies) the user answers for, as a
        correspondent or as an authorised signatory."""
        user = self.env.user
        bodies = user.emowaten_body_ids | user.emowaten_signatory_body_ids
        domain = Domain("correspondent_id", "=", user.id)
        if bodies:
            domain |= Domain("body_id", "child_of", bodies.ids)
        if user.emowaten_signatory_body_ids:
            domain |= Domain("body_id", "=", False) & Domain(
                "office_id.body_id", "in", user.emowaten_signatory_body_ids.ids
            )
        return domain

    @api.depends_context("uid")
    def _compute_for_my_bodies(self):
        mine = self.filtered_domain(self._emowaten_my_bodies_domain())
        for request in self:
            request.for_my_bodies = request in mine

    def _search_for_my_bodies(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = self._emowaten_my_bodies_domain()
        wanted = True in value
        return domain if wanted == (operator == "in") else ~domain

    @api.depends("deadline_event_ids.kind", "deadline_event_ids.date_end")
    def _compute_deadline_suspended(self):
        for request in self:
            request.deadline_suspended = any(
                event.kind == "suspension" and not event.date_end
                for event in request.deadline_event_ids
            )

    @api.depends(
        "deadline_start_date",
        "deadline_days",
        "deadline_unit",
        "office_id",
        "deadline_event_ids.days",
        "deadline_event_ids.kind",
        "deadline_event_ids.date_end",
    )
    def _compute_date_deadline(self):
        cache = {}
        for request in self:
            if not request.deadline_start_date or not request.deadline_days:
                request.date_deadline = False
                continue
            total = request.deadline_days + sum(
                event.days
                for event in request.deadline_event_ids
                if event.kind == "extension" or event.date_end
            )
            calendar = (
                request.office_id.calendar_id
                if request.deadline_unit == "working"
                else None
            )
            key = (calendar.id if calendar else 0, request.deadline_start_date, total)
            if key not in cache:
                cache[key] = self._emowaten_add_days(
                    request.deadline_start_date, total, calendar
                )
            request.date_deadline = cache[key]

    @api.model
    def _emowaten_add_days(self, start, days, calendar=None):
        """The date ``days`` days after ``start`` (the start day itself not counted);
        on ``calendar`` only working days count, public holidays excluded."""
        if not calendar:
            return start + timedelta(days=days)
        tz = pytz.timezone(calendar.tz or "Africa/Tunis")
        day_dt = tz.localize(datetime.combine(start + timedelta(days=1), time.min))
        planned = calendar.plan_days(days, day_dt, compute_leaves=True)
        if not planned:
            return start + timedelta(days=days)
        return planned.astimezone(tz).date()

    @api.model
    def _emowaten_count_days(self, date_from, date_to, calendar=None):
        """Days of ``[date_from, date_to)`` that count on the legal clock."""
        if date_to <= date_from:
            return 0
        if not calendar:
            return (date_to - date_from).days
        tz = pytz.timezone(calendar.tz or "Africa/Tunis")
        data = calendar.get_work_duration_data(
            tz.localize(datetime.combine(date_from, time.min)),
            tz.localize(datetime.combine(date_to, time.min)),
            compute_leaves=True,
        )
        return round(data["days"])

    @api.depends_context("lang")
    @api.depends(
        "date_deadline",
        "deadline_event_ids",
        "deadline_start_date",
        "registration_date",
    )
    def _compute_deadline_explanation(self):
        for request in self:
            request.deadline_explanation = request._emowaten_explain_deadline()

    def _emowaten_explain_deadline(self):
        self.ensure_one()
        if not self.deadline_start_date:
            return self.env._("The legal deadline starts at registration.")
        unit = (
            self.env._("working days (public holidays excluded)")
            if self.deadline_unit == "working"
            else self.env._("calendar days")
        )
        start = format_date(self.env, self.deadline_start_date)
        if (
            self.registration_date
            and self.deadline_start_date == self.registration_date.date()
        ):
            origin = self.env._("the registration date")
        else:
            origin = self.env._("the date the file was transferred")
        parts = [
            self.env._(
                "%(days)s %(unit)s from %(start)s, %(origin)s",
                days=self.deadline_days,
                unit=unit,
                start=start,
                origin=origin,
            )
        ]
        for event in self.deadline_event_ids.sorted("date_start"):
            if event.kind == "suspension":
                if event.date_end:
                    parts.append(
                        self.env._(
                            "suspended %(days)s days (%(start)s to %(end)s): "
                            "%(motive)s",
                            days=event.days,
                            start=format_date(self.env, event.date_start),
                            end=format_date(self.env, event.date_end),
                            motive=event.motive,
                        )
                    )
                elif event.date_reply_deadline:
                    parts.append(
                        self.env._(
                            "suspended since %(start)s: %(motive)s (reply expected "
                            "by %(reply)s)",
                            start=format_date(self.env, event.date_start),
                            motive=event.motive,
                            reply=format_date(self.env, event.date_reply_deadline),
                        )
                    )
                else:
                    parts.append(
                        self.env._(
                            "suspended since %(start)s: %(motive)s",
                            start=format_date(self.env, event.date_start),
                            motive=event.motive,
                        )
                    )
            else:
                parts.append(
                    self.env._(
                        "extended %(days)s days: %(motive)s",
                        days=event.days,
                        motive=event.motive,
                    )
                )
        if self.type_id:
            extensions = self._emowaten_extensions()
            parts.append(
                self.env._(
                    "extensions: %(used)s of %(max)s allowed, %(days)s days at most "
                    "in all",
                    used=len(extensions),
                    max=self.type_id.max_extensions,
                    days=self.type_id._emowaten_extension_cap_days(self.deadline_days),
                )
            )
        text = "; ".join(parts)
        if self.date_deadline:
            text += " " + self.env._(
                "→ due on %(date)s.", date=format_date(self.env, self.date_deadline)
            )
        return text

    @api.depends("partner_id", "subject", "description")
    def _compute_duplicate_ids(self):
        for request in self:
            duplicates = request._emowaten_find_duplicates()
            request.duplicate_ids = duplicates
            request.duplicate_count = len(duplicates)

    def _emowaten_find_duplicates(self, threshold=DUPLICATE_THRESHOLD):
        """Earlier requests of the same citizen (same CIN) with a similar subject or
        text,
        compared after Arabic normalisation (decree 93-982 art. 8)."""
        self.ensure_one()
        if not self.partner_id or not self.subject:
            return self.browse()
        domain = Domain("partner_id", "=", self.partner_id.id) & Domain(
            "state", "!=", "draft"
        )
        # sudo: at the counter the citizen may not be in the agent's reach yet (her
        # files are in other offices): the request being filed brings her in
        cin = self.partner_id.sudo().emowaten_cin
        if cin:
            domain = Domain("partner_id.emowaten_cin", "=", cin) & Domain(
                "state", "!=", "draft"
            )
        if self._origin.id:
            domain &= Domain("id", "!=", self._origin.id)
        domain &= Domain("parent_id", "=", False)
        candidates = self.search(domain, limit=200, order="id desc")
        own_text = f"{self.subject} {self.description or ''}"
        return candidates.filtered(
            lambda other: (
                text_similarity(self.subject, other.subject) >= threshold
                or text_similarity(
                    own_text, f"{other.subject} {other.description or ''}"
                )
                >= threshold
            )
        )

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        stage_domain = Domain("fold", "=", False) | Domain("id", "in", stages.ids)
        office_id = self.env.context.get("default_office_id")
        if office_id:
            stage_domain &= Domain("office_ids", "=", False) | Domain(
                "office_ids", "in", office_id
            )
        return stages.search(stage_domain)

    # ------------------------------------------------------------- constraints
    @api.constrains("stage_id")
    def _check_stage_required_fields(self):
        for request in self:
            missing = [
                field.field_description
                # the field catalogue is not readable by staff; names are no secret
                for field in request.stage_id.sudo().required_field_ids
                if field.name in request._fields and not request[field.name]
            ]
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(ref)s cannot enter the stage “%(stage)s” without: "
                        "%(fields)s.",
                        ref=request.name,
                        stage=request.stage_id.name,
                        fields=", ".join(missing),
                    )
                )

    @api.constrains("rating")
    def _check_rating(self):
        for request in self:
            if request.rating and request.state not in ("answered", "closed"):
                raise ValidationError(
                    self.env._("A request can only be rated once it has been answered.")
                )

    @api.onchange("intake_cin", "intake_phone")
    def _onchange_intake_identity(self):
        """Find the citizen standing at the counter (or on the phone) by CIN, then by
        phone, as base's _emowaten_find_or_create_citizen does, without creating.
        A CIN and a phone pointing at different citizens are never settled silently:
        the agent is warned and no citizen is put in.
        As superuser: the citizen at the counter may have files in other offices only
        (out of the agent's partner rules); the CIN or phone typed finds her, and the
        request being registered then brings her into the agent's scope."""
        Partner = self.env["res.partner"].sudo()
        cin = (self.intake_cin or "").strip()
        by_cin = by_phone = Partner.browse()
        if cin:
            by_cin = Partner.search(
                [("emowaten_is_citizen", "=", True), ("emowaten_cin", "=", cin)],
                limit=1,
            )
        phone = False
        if self.intake_phone:
            try:
                phone = Partner._emowaten_normalize_vals(
                    {"phone": self.intake_phone}, citizen=True
                ).get("phone")
            except ValidationError:
                phone = False  # still being typed: checked again at registration
        if phone:
            holders = Partner.search(
                [("emowaten_is_citizen", "=", True), ("phone", "=", phone)], limit=5
            )
            by_phone = by_cin if by_cin in holders else holders[:1]
        if cin and by_phone and by_phone != by_cin:
            if self.partner_id and self.partner_id in by_cin | by_phone:
                self.partner_id = False
            return {"warning": self._emowaten_intake_conflict(by_cin, by_phone)}
        partner = by_cin or by_phone
        if partner:
            self.partner_id = partner
        return None

    def _emowaten_intake_conflict(self, by_cin, by_phone):
        """The onchange warning when the typed CIN and phone are not one citizen."""
        if by_cin:
            message = self.env._(
                "The CIN %(cin)s is the one of %(cin_name)s, but the phone "
                "%(phone)s belongs to %(phone_name)s. Check both with the citizen, "
                "then choose the right one in the Citizen field.",
                cin=self.intake_cin,
                cin_name=by_cin.display_name,
                phone=self.intake_phone,
                phone_name=by_phone.display_name,
            )
        else:
            message = self.env._(
                "No citizen has the CIN %(cin)s, but the phone %(phone)s belongs to "
                "%(phone_name)s. If it is the same person, choose them in the "
                "Citizen field; otherwise a new citizen will be registered with "
                "this CIN.",
                cin=self.intake_cin,
                phone=self.intake_phone,
                phone_name=by_phone.display_name,
            )
        return {"title": self.env._("Check the citizen's identity"), "message": message}

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A file cannot be its own parent."))

    # -------------------------------------------------------------------- CRUD
    @api.model
    def _emowaten_stage_map(self):
        """{state: first stage} for the generic stages (a copy: callers may keep it)."""
        return dict(self._emowaten_stage_items())

    @api.model
    @tools.ormcache()
    def _emowaten_stage_items(self):
        """The generic stage of each state, cached for the registry: every
        registration needs it. Cleared when a stage is created, changed or deleted."""
        stage_map = {}
        for stage in (
            self.env["emowaten.request.stage"]
            .sudo()
            .search([("office_ids", "=", False)])
        ):
            stage_map.setdefault(stage.state, stage.id)
        return tuple(stage_map.items())

    @api.model
    def _emowaten_prepare_registration(self, vals_list, now=None):
        """Give a reference, a registration date and frozen deadline rules to every
        value dict in ``vals_list`` (new or existing requests being registered).
        References are drawn in one locked UPDATE per office and year."""
        now = now or fields.Datetime.now()
        type_ids = {vals["type_id"] for vals in vals_list if vals.get("type_id")}
        types = {t.id: t for t in self.env["emowaten.request.type"].browse(type_ids)}
        today = fields.Date.context_today(self, now)
        groups = defaultdict(list)
        for vals in vals_list:
            rtype = types.get(vals.get("type_id"))
            if not rtype:
                raise ValidationError(
                    self.env._("A request needs a type to be registered.")
                )
            vals.setdefault("registration_date", now)
            vals.setdefault("deadline_start_date", today)
            vals.setdefault("deadline_days", rtype.deadline_days)
            vals.setdefault("deadline_unit", rtype.deadline_unit)
            groups[(vals["office_id"], today.year)].append(vals)
        offices = self.env["emowaten.office"].browse({key[0] for key in groups}).sudo()
        offices.fetch(["reference_prefix", "code"])
        # offices in a fixed order: two transactions registering in the same offices
        # take their reference locks in the same order
        for (office_id, year), group in sorted(groups.items()):
            drawn = offices.browse(office_id)._emowaten_next_references(
                year, len(group)
            )
            for vals, (sequence_id, number, name) in zip(group, drawn, strict=True):
                vals["name"] = name
                vals["reference_sequence"] = sequence_id
                vals["reference_number"] = number
        return vals_list

    @api.model_create_multi
    def create(self, vals_list):
        stage_map = self._emowaten_stage_map()
        stages = self.env["emowaten.request.stage"]
        to_register = []
        keep_reference = self.env.context.get("emowaten_keep_reference")
        default_office = (
            self.env.context.get("default_office_id") or self._default_office_id().id
        )
        for vals in vals_list:
            if not vals.get("office_id") and default_office:
                vals["office_id"] = default_office
            if not vals.get("office_id"):
                raise ValidationError(self.env._("A request must belong to an office."))
            if vals.get("stage_id") and not vals.get("state"):
                vals["state"] = stages.browse(vals["stage_id"]).state
            vals.setdefault("state", self.env.context.get("default_state", "draft"))
            if not vals.get("stage_id"):
                vals["stage_id"] = stage_map.get(vals["state"], False)
            if not vals.get("access_token"):
                vals["access_token"] = new_tracking_code()
            if not vals.get("type_id"):
                vals["type_id"] = self.default_get(["type_id"]).get("type_id")
            # every top-level registered request takes the next reference, whatever
            # name a caller passed (the mail gateway passes the subject); imports of
            # historical files keep theirs with the emowaten_keep_reference context
            if (
                vals["state"] != "draft"
                and not vals.get("parent_id")
                and not (keep_reference and vals.get("name"))
            ):
                to_register.append(vals)
        if to_register:
            self._emowaten_prepare_registration(to_register)
        # the chatter work of mail.thread (a message_post and follower check per record)
        # is replaced below by set-based inserts: same result, a fraction of the queries
        requests = super(
            EmowatenRequest,
            self.with_context(tracking_disable=True, mail_create_nolog=True),
        ).create(vals_list)
        requests = requests.with_env(self.env)
        # bookkeeping of the chatter and custody, also for confidential types the
        # registering agent will not see afterwards
        requests.sudo()._emowaten_after_create()
        return requests

    def _emowaten_after_create(self):
        """Followers, creation log and first custody entry of new requests, written
        set-based: what mail.thread does per record (a follower check and a message_post
        each, ~20 ms) costs a few statements for the whole batch here."""
        if not self:
            return
        self.flush_recordset()
        cr = self.env.cr
        now = fields.Datetime.now()
        uid = self.env.uid
        author = self.env.user.partner_id
        channels = dict(self._fields["channel"]._description_selection(self.env))
        dates = {}  # formatting a date loads the language: once per distinct date
        message_rows, custody_rows = [], []
        for request in self:
            channel = channels.get(request.channel, request.channel)
            if request.state == "draft":
                body = self.env._("Request created (%(channel)s).", channel=channel)
            else:
                body = self.env._(
                    "Request registered under %(ref)s (%(channel)s), due on %(date)s.",
                    ref=request.name,
                    channel=channel,
                    date=dates.get(request.date_deadline)
                    or dates.setdefault(
                        request.date_deadline,
                        format_date(self.env, request.date_deadline),
                    ),
                )
            message_rows.append((request.id, str(Markup("<p>%s</p>") % body)))
            if request.state != "draft":
                holder = request.correspondent_id or request.user_id or self.env.user
                body_id = request.body_id.id or request.office_id.body_id.id
                custody_rows.append((request.id, holder.id, body_id or None))
        self._emowaten_subscribe_staff(author)
        # one round trip for the log line and the custody entry: data-modifying CTEs
        # all run, whether the outer query reads them or not
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        cr.execute(
            """WITH messages AS (
                   INSERT INTO mail_message (model, res_id, body, message_type,
                          subtype_id, author_id, email_from, date, is_internal,
                          create_uid, create_date, write_uid, write_date)
                   SELECT %(model)s, r, b, 'notification', %(note)s, %(author)s,
                          %(email_from)s, %(now)s, TRUE, %(uid)s, %(now)s, %(uid)s,
                          %(now)s
                     FROM unnest(%(message_res)s::int[], %(message_body)s::text[])
                          AS t(r, b)
               ), custody AS (
                   INSERT INTO emowaten_request_custody (request_id, user_id, body_id,
                          date_from, create_uid, create_date, write_uid, write_date)
                   SELECT r, u, b, %(now)s, %(uid)s, %(now)s, %(uid)s, %(now)s
                     FROM unnest(%(custody_res)s::int[], %(custody_user)s::int[],
                                 %(custody_body)s::int[]) AS t(r, u, b)
               )
               SELECT 1""",
            {
                "model": self._name,
                "note": note,
                "author": author.id,
                "email_from": author.email_formatted or None,
                "now": now,
                "uid": uid,
                "message_res": [r for r, _b in message_rows],
                "message_body": [b for _r, b in message_rows],
                "custody_res": [row[0] for row in custody_rows],
                "custody_user": [row[1] for row in custody_rows],
                "custody_body": [row[2] for row in custody_rows],
            },
        )
        self.invalidate_recordset(["message_ids", "custody_ids"])

    def _emowaten_subscribe_staff(self, author):
        """Followers of new requests: the registering staff member, the assignee, the
        body's correspondent (the model's default subtypes: they are told when the
        citizen replies) and the citizen (the public subtypes). On a confidential type
        only its designated staff follow, with the citizen who filed it.

        Mail's own follower API computes the subtypes; requests sharing the same
        followers are grouped and every follower is created in one batch."""
        Followers = self.env["mail.followers"].sudo()
        groups = defaultdict(list)
        for request in self:
            staff = set()
            # as mail.thread does: not OdooBot (crons, mail gateway), inactive
            if self.env.user.active and not self.env.user.share:
                staff.add(author.id)
            staff.update((request.user_id | request.correspondent_id).partner_id.ids)
            if request.confidential:
                staff = set(
                    request.type_id.designated_user_ids.filtered(
                        "active"
                    ).partner_id.ids
                )
            citizen = request.partner_id
            key = (frozenset(staff), citizen.id, citizen.partner_share)
            groups[key].append(request.id)
        values = []
        for (staff, citizen_id, citizen_share), res_ids in groups.items():
            partner_ids = list(staff | ({citizen_id} if citizen_id else set()))
            new, _updates = Followers._add_default_followers(
                self._name,
                res_ids,
                partner_ids,
                customer_ids=[citizen_id] if citizen_id and citizen_share else [],
                check_existing=False,
            )
            values.extend(
                dict(vals, res_id=res_id)
                for res_id, vals_list in new.items()
                for vals in vals_list
            )
        if values:
            Followers.create(values)
        self.invalidate_recordset(["message_follower_ids", "message_partner_ids"])

    def _emowaten_confidential_partners(self):
        """Who may follow or be notified on this confidential request: its type's
        designated staff and the citizen who filed it."""
        self.ensure_one()
        designated = self.sudo().type_id.designated_user_ids.filtered("active")
        return designated.partner_id | self.sudo().partner_id

    def _emowaten_allowed_users(self, users):
        """The staff to alert about this request (an activity, an escalation): on a
        confidential type, only its designated staff, all of them when none of
        ``users`` is."""
        self.ensure_one()
        if not self.confidential:
            return users
        designated = self.sudo().type_id.designated_user_ids.filtered("active")
        return (users & designated) or designated

    def _emowaten_allowed_partners(self, partner_ids):
        """``partner_ids`` without those who may not hear of a confidential request
        in ``self``."""
        allowed = set(partner_ids or [])
        for request in self.filtered("confidential"):
            allowed &= set(request._emowaten_confidential_partners().ids)
        return [pid for pid in (partner_ids or []) if pid in allowed]

    def _message_subscribe(self, partner_ids=None, subtype_ids=None, customer_ids=None):
        if partner_ids and any(self.mapped("confidential")):
            confidential = self.filtered("confidential")
            for request in confidential:
                super(EmowatenRequest, request)._message_subscribe(
                    request._emowaten_allowed_partners(partner_ids),
                    subtype_ids,
                    customer_ids=customer_ids,
                )
            self -= confidential
            if not self:
                return True
        return super()._message_subscribe(
            partner_ids, subtype_ids, customer_ids=customer_ids
        )

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        res = super()._message_auto_subscribe_followers(
            updated_values, default_subtype_ids
        )
        if res and any(self.mapped("confidential")):
            allowed = set(self._emowaten_allowed_partners([row[0] for row in res]))
            res = [row for row in res if row[0] in allowed]
        return res

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(
            message, msg_vals=msg_vals, **kwargs
        )
        if recipients and any(self.mapped("confidential")):
            allowed = set(
                self._emowaten_allowed_partners([data["id"] for data in recipients])
            )
            recipients = [data for data in recipients if data["id"] in allowed]
        return recipients

    def write(self, vals):
        vals = dict(vals)
        if vals.get("stage_id") and "state" not in vals:
            vals["state"] = (
                self.env["emowaten.request.stage"].browse(vals["stage_id"]).state
            )
            if vals["state"] == "draft" and any(r.state != "draft" for r in self):
                raise UserError(
                    self.env._("A registered request cannot go back to New.")
                )
            # a card dragged to another column, or a click on the status bar: the
            # same rules as the buttons, which write the state themselves
            self._emowaten_check_stage_move(vals["state"])
        elif vals.get("state") and "stage_id" not in vals:
            stage = self._emowaten_stage_map().get(vals["state"])
            if stage:
                vals["stage_id"] = stage
        if vals.get("state") in DONE_STATES and "close_date" not in vals:
            vals["close_date"] = fields.Datetime.now()
        to_register = self.browse()
        if vals.get("state") and vals["state"] != "draft":
            to_register = self.filtered(
                lambda r: r.state == "draft" and not r.parent_id
            )
        holders_changed = "user_id" in vals or "correspondent_id" in vals
        if holders_changed:
            self._emowaten_custody_close()
        res = super().write(vals)
        if not self.env.su and SCOPE_FIELDS & vals.keys():
            # the write rules saw the files where they were: they must still be the
            # user's to write where they are now (another office, another body or a
            # confidential type is reached by a transfer, which leaves a trace)
            self.check_access("write")
        if to_register:
            to_register._emowaten_register_existing()
        if holders_changed:
            self.filtered(lambda r: r.state != "draft")._emowaten_custody_open()
            if vals.get("user_id"):
                self._message_subscribe_users(vals["user_id"])
        return res

    def _emowaten_check_stage_move(self, state):
        """Refuse a stage change that would skip what the buttons and wizards of
        the target state do (admissibility screening, routing, the answer and its
        signature, the reasoned letter of inadmissibility)."""
        for request in self:
            if request.state == state:
                continue
            error = request._emowaten_stage_move_error(state)
            if error:
                raise UserError(error)

    def _emowaten_stage_move_error(self, state):
        """Why this request may not be moved into ``state`` by its stage, or False."""
        self.ensure_one()
        env = self.env
        ref = self.name
        # states only their own button or flow may set
        refused = {
            "registered": lambda: env._(
                "%s: use the Register button, which checks the citizen and sends "
                "the receipt.",
                ref,
            ),
            "answer_drafted": lambda: env._(
                "%s: use the Answer button; the request follows its answer.", ref
            ),
            "to_sign": lambda: env._(
                "%s: submit the answer for signature from the answer itself.", ref
            ),
            "answered": lambda: env._(
                "%s is answered when its answer is sent, not by moving the card.",
                ref,
            ),
            "inadmissible": lambda: env._(
                "%s: use the Inadmissible button, which sends the reasoned letter "
                "to the citizen.",
                ref,
            ),
        }
        if state in refused:
            return refused[state]()
        check = {
            "screening": self._emowaten_stage_error_screening,
            "routed": self._emowaten_stage_error_routed,
            "study": self._emowaten_stage_error_study,
            "closed": self._emowaten_stage_error_closed,
        }.get(state)
        if check:
            return check()
        if state == "withdrawn" and self.state in DONE_STATES:
            return env._("A closed request cannot be withdrawn.")
        return False

    def _emowaten_stage_error_screening(self):
        if self.state != "registered":
            return self.env._(
                "%s: only a registered request can be screened.", self.name
            )
        return False

    def _emowaten_stage_error_routed(self):
        if self.state not in ("screening", "study"):
            return self.env._(
                "%s: screen the admissibility first (Admissible button), then "
                "use the Route button to choose the competent bodies.",
                self.name,
            )
        if not (self.body_id or self.child_ids):
            return self.env._(
                "%s: no competent body is set. Use the Route button to choose "
                "the competent bodies.",
                self.name,
            )
        return False

    def _emowaten_stage_error_study(self):
        if self.state not in ("registered", "screening", "routed"):
            return self.env._(
                "%s: only a registered, screened or routed request can be "
                "put under study.",
                self.name,
            )
        return False

    def _emowaten_stage_error_closed(self):
        if self.state in DONE_STATES and self.state != "answered":
            return self.env._("%s is already closed.", self.name)
        if self.state != "answered" and self.type_id.answer_required:
            return self.env._(
                "%s needs a written answer before it is closed (decree 93-982 art. 8).",
                self.name,
            )
        return False

    def _message_subscribe_users(self, user_id):
        user = self.env["res.users"].browse(user_id)
        self.message_subscribe(partner_ids=user.partner_id.ids)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        if any(r.state != "draft" and not r.parent_id for r in self):
            raise UserError(
                self.env._(
                    "A registered request cannot be deleted: the register of "
                    "requests is "
                    "gapless. Withdraw or close it instead."
                )
            )

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for vals in vals_list:
            vals.pop("access_token", None)
        return vals_list

    # ------------------------------------------------------------ registration
    def _emowaten_register_existing(self):
        vals_list = [
            {"type_id": r.type_id.id, "office_id": r.office_id.id, "_id": r.id}
            for r in self
        ]
        self._emowaten_prepare_registration(vals_list)
        for vals in vals_list:
            request = self.browse(vals.pop("_id"))
            vals.pop("type_id")
            vals.pop("office_id")
            super(EmowatenRequest, request).write(vals)
        self.env.flush_all()
        self._message_log_batch(
            bodies={
                r.id: self.env._(
                    "Request registered under %(ref)s, due on %(date)s.",
                    ref=r.name,
                    date=format_date(self.env, r.date_deadline),
                )
                for r in self
            }
        )
        self._emowaten_custody_open()
        return True

    def action_register(self):
        """Register draft requests (reference, date, legal deadline) and send the
        receipt to the citizens who have an e-mail address."""
        drafts = self.filtered(lambda r: r.state == "draft")
        for request in drafts:
            if not request.partner_id and (request.intake_cin or request.intake_phone):
                request.partner_id = self.env[
                    "res.partner"
                ]._emowaten_find_or_create_citizen(
                    {
                        "name": request.intake_name,
                        "emowaten_cin": request.intake_cin,
                        "phone": request.intake_phone,
                    }
                )
            if not request.partner_id:
                raise UserError(
                    self.env._("Register the citizen of “%s” first.", request.subject)
                )
        drafts.write({"state": "registered"})
        drafts._emowaten_send_receipt()
        return True

    def _emowaten_send_receipt(self):
        """Queue the e-mailed receipt of registered requests whose citizen has an
        address. The receipt (a PDF) is rendered by ``_cron_send_receipts``, triggered
        at once: rendering it inside the registration would keep the office's
        reference sequence locked for the time of a PDF, and a concurrent registration
        in the same office would wait or fail meanwhile."""
        if self.env.context.get("emowaten_no_receipt"):
            return
        queued = self.sudo().filtered(
            lambda r: r.partner_id.email and r.state != "draft"
        )
        if not queued:
            return
        super(EmowatenRequest, queued).write({"receipt_pending": True})
        self.env.ref("emowaten_petitions.ir_cron_request_receipts").sudo()._trigger()

    def _notify_thread_by_email(self, message, recipients_data, **kwargs):
        """E-mails about a request (receipts, answers, notices) go through Odoo's mail
        queue, whose cron is woken at once, instead of being sent from the
        transaction's post-commit as well: the queue's run and a post-commit sending
        of the same mail meet on its row, and the queue's run fails (seen under
        load). It also keeps the SMTP conversation out of the agent's click."""
        kwargs["force_send"] = False
        result = super()._notify_thread_by_email(message, recipients_data, **kwargs)
        if any(data.get("notif") == "email" for data in recipients_data):
            self.env.ref("mail.ir_cron_mail_scheduler_action").sudo()._trigger()
        return result

    def _emowaten_deliver_receipt(self):
        """Render and e-mail the receipt of one request, posted in its chatter on
        behalf of the user who registered it (the office's company for a citizen's
        own filing)."""
        self.ensure_one()
        template = self.env.ref("emowaten_petitions.mail_template_request_receipt")
        registrar = self.create_uid
        author = (
            registrar.partner_id
            if registrar and not registrar.share and not registrar._is_superuser()
            else self.env.company.partner_id
        )
        self.message_post_with_source(
            template, subtype_xmlid="mail.mt_comment", author_id=author.id
        )

    @api.model
    def _emowaten_create_from_intake(self, vals, complete_citizen=True):
        """Create and register one request coming from a channel (portal, scan, e-mail).

        ``vals`` holds the request fields plus, when ``partner_id`` is missing, the
        citizen's identity under ``citizen`` (a dict for
        ``res.partner._emowaten_find_or_create_citizen``) or the flat keys
        ``partner_name``, ``partner_cin``, ``partner_phone``, ``partner_email``.

        Without ``complete_citizen`` (public channels), a citizen found by CIN or
        phone is not changed: the name, phone and e-mail typed that differ from
        hers stay on the request (``filed_*``) for staff to check and apply."""
        vals = self._emowaten_clean_intake_text(vals)
        citizen = dict(vals.pop("citizen", None) or {})
        for key, target in (
            ("partner_name", "name"),
            ("partner_cin", "emowaten_cin"),
            ("partner_phone", "phone"),
            ("partner_email", "email"),
        ):
            if vals.get(key):
                citizen.setdefault(target, vals[key])
            vals.pop(key, None)
        if not vals.get("partner_id"):
            if not citizen:
                raise ValidationError(
                    self.env._("A request needs the citizen who files it.")
                )
            partner = self.env["res.partner"]._emowaten_find_or_create_citizen(
                citizen, complete=complete_citizen
            )
            vals["partner_id"] = partner.id
            if not complete_citizen:
                vals.update(self._emowaten_filed_contact_vals(partner, citizen))
        if not vals.get("type_id"):
            rtype = self.env["emowaten.request.type"].search(
                [("code", "=", "petition")], limit=1
            )
            vals["type_id"] = rtype.id or self.default_get(["type_id"]).get("type_id")
        if not vals.get("office_id"):
            office = self._default_office_id() or self.env["emowaten.office"].search(
                [("kind", "=", "central")], limit=1
            )
            vals["office_id"] = office.id
        if not vals.get("subject"):
            raise ValidationError(self.env._("A request needs a subject."))
        vals["state"] = "registered"
        request = self.create(vals)
        # sudo: a confidential report filed by an agent is invisible to that agent
        request.sudo()._emowaten_send_receipt()
        return request

    @api.model
    def _emowaten_clean_intake_text(self, vals):
        """A copy of ``vals`` whose one-line texts hold no line break nor control
        character (they end up in e-mail subjects and headers) and whose
        description holds no control character but line breaks and tabs."""
        vals = dict(vals)
        for key in ("subject", "intake_name", "intake_cin", "intake_phone"):
            if isinstance(vals.get(key), str):
                vals[key] = single_line(vals[key])
        for key in ("partner_name", "partner_cin", "partner_phone", "partner_email"):
            if isinstance(vals.get(key), str):
                vals[key] = single_line(vals[key])
        if isinstance(vals.get("description"), str):
            vals["description"] = clean_multiline(vals["description"])
        return vals

    @api.model
    def _emowaten_filed_contact_vals(self, partner, citizen):
        """The ``filed_*`` values of a public filing: what the filer typed (name,
        phone, e-mail in ``citizen``) that differs from the citizen on file."""
        citizen = self.env["res.partner"]._emowaten_normalize_vals(
            {key: citizen.get(key) for key in ("name", "phone", "email")},
            citizen=True,
        )
        partner = partner.sudo()
        filed = {}
        for key in ("name", "phone", "email"):
            typed = citizen.get(key)
            on_file = partner[key] or ""
            if typed and typed.strip().lower() != on_file.strip().lower():
                filed[f"filed_{key}"] = typed
        return filed

    def action_apply_filed_contact(self):
        """Staff checked the contact data given at filing: it replaces the citizen's
        (as the user, within their rights on the request and the citizen)."""
        self.check_access("write")
        for request in self:
            if not request.partner_id:
                continue
            values = {
                key: request[f"filed_{key}"]
                for key in ("name", "phone", "email")
                if request[f"filed_{key}"]
            }
            if not values:
                continue
            request.partner_id.write(values)
            request.message_post(
                body=self.env._(
                    "The contact data given at filing were applied to the citizen: "
                    "%(data)s.",
                    data=", ".join(values.values()),
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.write({"filed_name": False, "filed_phone": False, "filed_email": False})
        return True

    def action_dismiss_filed_contact(self):
        """Staff decided not to use the contact data given at filing."""
        self.check_access("write")
        self.write({"filed_name": False, "filed_phone": False, "filed_email": False})
        return True

    # ------------------------------------------------------------------ custody
    def _emowaten_custody_open(self, reason=False):
        now = fields.Datetime.now()
        self.env["emowaten.request.custody"].sudo().create(
            [
                {
                    "request_id": r.id,
                    "user_id": (r.correspondent_id or r.user_id or self.env.user).id,
                    "body_id": r.body_id.id or r.office_id.body_id.id,
                    "date_from": now,
                    "reason": reason,
                }
                for r in self
            ]
        )

    def _emowaten_custody_close(self):
        open_entries = (
            self.env["emowaten.request.custody"]
            .sudo()
            .search([("request_id", "in", self.ids), ("date_to", "=", False)])
        )
        open_entries.write({"date_to": fields.Datetime.now()})

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Keep bookkeeping columns out of the custom group-by of lists, pivots and
        graphs: they mean nothing to the staff (a token, a normalised subject...)."""
        res = super().fields_get(allfields=allfields, attributes=attributes)
        for fname in TECHNICAL_FIELDS:
            if fname in res and "groupable" in res[fname]:
                res[fname]["groupable"] = False
        return res

    # ---------------------------------------------------------------- actions
    @api.model
    def _emowaten_requests_action(self):
        """The Requests menu: the office's board for agents and managers; for a
        correspondent or a signatory outside the offices, the files of their
        bodies, with a help text of their own."""
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "emowaten_petitions.emowaten_request_action"
        )
        user = self.env.user
        if user.has_group("emowaten_base.group_emowaten_agent") or user.has_group(
            "emowaten_base.group_emowaten_supervisor"
        ):
            return action
        if not (
            user.has_group("emowaten_base.group_emowaten_correspondent")
            or user.has_group("emowaten_base.group_emowaten_signatory")
        ):
            return action
        action["context"] = {"search_default_my_bodies": 1, "create": False}
        action["help"] = Markup(
            '<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>'
        ) % (
            self.env._("No file for your bodies yet"),
            self.env._(
                "The citizen relations offices route here the requests your body "
                "must answer. Open a file to study it and draft the answer; remove "
                "the “My Bodies” filter to see every file you may read."
            ),
        )
        return action

    def action_screen_admissible(self):
        for request in self:
            if request.state not in ("registered", "screening"):
                raise UserError(
                    self.env._(
                        "Only registered requests can be screened (%s).", request.name
                    )
                )
        self.write({"state": "screening"})
        # one note per file: several requests can be screened at once from the list
        for request in self:
            request.message_post(body=self.env._("Screened: admissible."))
        return True

    def action_start_study(self):
        self.write({"state": "study"})
        return True

    def action_withdraw(self):
        if any(r.state in DONE_STATES for r in self):
            raise UserError(self.env._("A closed request cannot be withdrawn."))
        self.write({"state": "withdrawn"})
        return True

    def action_close(self):
        for request in self:
            if request.state != "answered" and request.type_id.answer_required:
                raise UserError(
                    self.env._(
                        "%s needs a written answer before it is closed (decree "
                        "93-982 art. 8).",
                        request.name,
                    )
                )
        self.write({"state": "closed"})
        return True

    def action_suspend(self, motive=None, reply_deadline=None):
        """Stop the legal clock while waiting for the citizen, until the reply
        deadline (by default the type's, in calendar days); the citizen is told what
        is awaited, by when, and what happens then."""
        motive = motive or self.env._("waiting for the citizen's documents")
        today = fields.Date.context_today(self)
        if reply_deadline and fields.Date.to_date(reply_deadline) <= today:
            raise UserError(self.env._("The reply deadline must be after today."))
        for request in self:
            if request.deadline_suspended:
                continue
            if request.state not in OPEN_STATES:
                raise UserError(self.env._("Only an open request can be suspended."))
            reply_by = fields.Date.to_date(reply_deadline) or today + timedelta(
                days=request.type_id.info_reply_days or 30
            )
            request.deadline_event_ids = [
                fields.Command.create(
                    {
                        "kind": "suspension",
                        "motive": motive,
                        "date_start": today,
                        "date_reply_deadline": reply_by,
                    }
                )
            ]
            citizen = request._emowaten_in_lang(request._emowaten_citizen_lang_short())
            citizen.message_post(
                body=citizen.env._(
                    "Legal deadline of %(ref)s suspended: %(motive)s. Please reply "
                    "by %(date)s. %(then)s",
                    ref=request.name or "",
                    motive=motive,
                    date=format_date(citizen.env, reply_by),
                    then=citizen._emowaten_reply_expiry_text(),
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=request.partner_id.ids,
            )
        return True

    def _emowaten_extensions(self):
        """The extensions granted to this request (capped by its type)."""
        return self.deadline_event_ids.filtered(lambda e: e.kind == "extension")

    def _emowaten_reply_expiry_text(self):
        """What happens when the citizen does not reply in time, told to them."""
        self.ensure_one()
        if self.type_id.info_expiry_action == "close":
            return self.env._(
                "Without a reply by then, the request will be closed without an answer."
            )
        return self.env._(
            "Without a reply by then, the legal deadline starts running again."
        )

    def action_resume(self):
        """Restart the clock (the citizen replied): suspended days push the deadline."""
        today = fields.Date.today()
        for request in self.filtered("deadline_suspended"):
            for event in request.deadline_event_ids.filtered(
                lambda e: e.kind == "suspension" and not e.date_end
            ):
                event.date_end = max(today, event.date_start)
            request.message_post(
                body=self.env._(
                    "Legal deadline restarted; new due date: %s",
                    format_date(self.env, request.date_deadline),
                )
            )
        return True

    def action_extend(self, days, motive):
        if not motive or not str(motive).strip():
            raise UserError(self.env._("An extension needs a motive."))
        if days <= 0:
            raise UserError(self.env._("An extension adds at least one day."))
        for request in self:
            request.deadline_event_ids = [
                fields.Command.create(
                    {
                        "kind": "extension",
                        "days": days,
                        "motive": motive,
                        "date_start": fields.Date.today(),
                    }
                )
            ]
            request.message_post(
                body=self.env._(
                    "The answer deadline was extended by %(days)s days (%(motive)s). "
                    "New due date: %(date)s.",
                    days=days,
                    motive=motive,
                    date=format_date(self.env, request.date_deadline),
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=request.partner_id.ids,
            )
        return True

    def action_transfer(self, reason, body=None, user=None):
        """Hand the file to another body or person, keeping the deadline unless the type
        says otherwise; a third transfer raises an alert for the office manager."""
        if not reason or not str(reason).strip():
            raise UserError(self.env._("A transfer needs a reason."))
        if not body and not user:
            raise UserError(
                self.env._("Choose the body or the person receiving the file.")
            )
        for request in self:
            if request.state in DONE_STATES:
                raise UserError(self.env._("A closed file cannot be transferred."))
            request._emowaten_custody_close()
            vals = {"transfer_count": request.transfer_count + 1}
            if body:
                vals["body_id"] = body.id
                vals["correspondent_id"] = (user or body.correspondent_ids[:1]).id
            elif user:
                vals["user_id"] = user.id
            if not request.type_id.transfer_keeps_deadline:
                vals["deadline_start_date"] = fields.Date.today()
            super(EmowatenRequest, request).write(vals)
            request._emowaten_custody_open(reason=reason)
            holder = body.display_name if body else user.display_name
            # the file may now be out of the sender's reach (another body's): his note
            # and the alert are posted in his name by the system, he was allowed to
            # hand the file over
            request.sudo().message_post(
                body=self.env._(
                    "File transferred to %(to)s: %(reason)s", to=holder, reason=reason
                ),
                author_id=self.env.user.partner_id.id,
            )
            if request.transfer_count == 3:
                request.sudo()._emowaten_transfer_alert()
        return True

    def _emowaten_transfer_alert(self):
        self.ensure_one()
        managers = self._emowaten_allowed_users(self.office_id.manager_user_ids)
        note = self.env._(
            "%s has been transferred three times: check that it is not bouncing "
            "between "
            "bodies.",
            self.name,
        )
        self.message_post(body=note, partner_ids=managers.partner_id.ids)
        for manager in managers:
            # each manager reads the to-do in their own language
            env = self.with_context(lang=manager.lang or self.env.lang).env
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                summary=env._("File transferred three times"),
                note=env._(
                    "%s has been transferred three times: check that it is not "
                    "bouncing between bodies.",
                    self.name,
                ),
                user_id=manager.id,
            )

    def action_route(self, bodies):
        """One child file per competent body, each with its own correspondent."""
        self.ensure_one()
        if not bodies:
            raise UserError(self.env._("Choose at least one competent body."))
        if self.state not in ("registered", "screening", "routed", "study"):
            raise UserError(self.env._("Only a registered request can be routed."))
        existing = self.child_ids.body_id
        bodies = bodies - existing
        start = len(self.child_ids)
        children = self.create(
            [
                {
                    "name": f"{self.name}/{start + i + 1}",
                    "parent_id": self.id,
                    "office_id": self.office_id.id,
                    "body_id": body.id,
                    "correspondent_id": body.correspondent_ids[:1].id,
                    "partner_id": self.partner_id.id,
                    "type_id": self.type_id.id,
                    "channel": self.channel,
                    "subject": self.subject,
                    "description": self.description,
                    "category_id": self.category_id.id,
                    "tag_ids": [fields.Command.set(self.tag_ids.ids)],
                    "state_id": self.state_id.id,
                    "delegation_id": self.delegation_id.id,
                    "state": "routed",
                    "registration_date": self.registration_date,
                    "deadline_start_date": self.deadline_start_date,
                    "deadline_days": self.deadline_days,
                    "deadline_unit": self.deadline_unit,
                    "access_token": new_tracking_code(),
                }
                for i, body in enumerate(bodies)
            ]
        )
        # the children's clock follows the parent's, suspensions and extensions included
        for child in children:
            child.deadline_event_ids = [
                fields.Command.create(event.copy_data()[0])
                for event in self.deadline_event_ids
            ]
            child.message_subscribe(partner_ids=child.correspondent_id.partner_id.ids)
        if self.state != "routed":
            self.write({"state": "routed"})
        self.message_post(
            body=self.env._(
                "Routed to: %s",
                ", ".join(bodies.mapped("display_name")) or existing.display_name,
            )
        )
        return children

    def action_mark_repeated(self, original=None):
        """Close as a repeated identical request (decree 93-982 art. 8)."""
        reason = self.env.ref("emowaten_petitions.inadmissibility_reason_repeated")
        for request in self:
            target = original or request.duplicate_ids[:1]
            if not target:
                raise UserError(self.env._("No earlier identical request was found."))
            request.write(
                {
                    "duplicate_of_id": target.id,
                    "inadmissibility_reason_id": reason.id,
                    "state": "inadmissible",
                }
            )
            request.message_post(
                body=self.env._(
                    "Closed as a repeated identical request of %s (decree 93-982 "
                    "art. 8).",
                    target.name,
                )
            )
        return True

    def action_merge_duplicates(self):
        """Keep this file, move the attachments of its likely duplicates into it and
        close
        them as repeated requests."""
        self.ensure_one()
        duplicates = self.duplicate_ids.filtered(lambda r: r.state not in DONE_STATES)
        if not duplicates:
            raise UserError(self.env._("There is no open duplicate to merge."))
        attachments = self.env["ir.attachment"].search(
            [("res_model", "=", self._name), ("res_id", "in", duplicates.ids)]
        )
        attachments.write({"res_id": self.id})
        duplicates.action_mark_repeated(original=self)
        self.message_post(
            body=self.env._("Merged: %s", ", ".join(duplicates.mapped("name")))
        )
        return True

    def action_open_duplicates(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Likely Duplicates"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("id", "in", self.duplicate_ids.ids)],
        }

    def action_open_children(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Child Files"),
            "res_model": self._name,
            "view_mode": "list,form",
            "domain": [("parent_id", "=", self.id)],
            "context": {"create": False},
        }

    def action_open_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answers"),
            "res_model": "emowaten.answer",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
            "context": {"default_request_id": self.id},
        }

    def action_new_answer(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Answer"),
            "res_model": "emowaten.answer",
            "view_mode": "form",
            "target": "current",
            "context": {"default_request_id": self.id},
        }

    def action_print_receipt(self):
        return self.env.ref(
            "emowaten_petitions.action_report_request_receipt"
        ).report_action(self)

    def _emowaten_set_rating(self, score, comment=False):
        """Record the citizen's satisfaction once the request is answered or closed."""
        self.ensure_one()
        try:
            score = int(score)
        except (TypeError, ValueError):
            score = 0
        if not 1 <= score <= 5:
            raise ValidationError(self.env._("The rating must be between 1 and 5."))
        self.sudo().write(
            {
                "rating": score,
                "rating_comment": comment,
                "rating_date": fields.Datetime.now(),
            }
        )
        # the citizen's own message: public, in the history the portal shows them
        self.sudo().message_post(
            body=self.env._("The citizen rated the answer %s/5.", score),
            author_id=self.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return True

    # ------------------------------------------------------------ child files
    def _emowaten_child_answered(self):
        """A child file was answered: answer the parent once every child is.

        The body that answered may not read the main file (another office's) nor
        the files routed to other bodies: the office's own step, done for it."""
        for parent in self.sudo().parent_id:
            if all(child.state in DONE_STATES for child in parent.child_ids):
                parent.write({"state": "answered"})
                parent.message_post(
                    body=self.env._("Every competent body has answered."),
                    subtype_xmlid="mail.mt_comment",
                    partner_ids=parent.partner_id.ids,
                )

    # ------------------------------------------------------------ mail gateway
    @api.model
    def message_new(self, msg_dict, custom_values=None):
        """A message to an office's alias files a request from its sender."""
        custom_values = dict(custom_values or {})
        email_from = msg_dict.get("email_from") or ""
        partner = self.env["res.partner"].browse(msg_dict.get("author_id")).exists()
        if not partner:
            emails = email_split(email_from)
            if emails:
                partner = self.env["res.partner"].search(
                    [("email", "=ilike", emails[0])], limit=1
                )
                if not partner:
                    name = email_from.split("<")[0].strip().strip('"') or emails[0]
                    partner = self.env["res.partner"].create(
                        {"name": name, "email": emails[0], "emowaten_is_citizen": True}
                    )
        if partner and not partner.user_ids and not partner.emowaten_is_citizen:
            # an outside sender writing to a citizen relations office is a citizen
            partner.sudo().emowaten_is_citizen = True
        office_id = custom_values.get("office_id")
        if not office_id:
            office_id = (
                self.env["emowaten.office"]
                .search([("kind", "=", "central")], limit=1)
                .id
            )
        values = {
            "subject": single_line(msg_dict.get("subject"))
            or self.env._("E-mail without subject"),
            "description": html2plaintext(msg_dict.get("body") or "") or False,
            "partner_id": partner.id,
            "channel": "email",
            "office_id": office_id,
            "state": "registered",
        }
        values.update(custom_values)
        values["office_id"] = office_id
        msg_dict["author_id"] = partner.id
        request = super(
            EmowatenRequest, self.with_context(emowaten_no_receipt=True)
        ).message_new(msg_dict, custom_values=values)
        request.with_context(emowaten_no_receipt=False)._emowaten_send_receipt()
        return request

    def message_update(self, msg_dict, update_vals=None):
        """A citizen's reply threads into the request and restarts a suspended clock."""
        res = super().message_update(msg_dict, update_vals=update_vals)
        author_id = msg_dict.get("author_id")
        for request in self:
            if request.deadline_suspended and author_id == request.partner_id.id:
                request.action_resume()
        return res

    def _message_post_after_hook(self, message, msg_vals):
        # a citizen answering through the portal also restarts the clock
        if (
            message.author_id
            and message.message_type == "comment"
            and not self.env.context.get("emowaten_no_resume")
        ):
            for request in self.filtered("deadline_suspended"):
                if message.author_id == request.partner_id:
                    request.with_context(emowaten_no_resume=True).action_resume()
        return super()._message_post_after_hook(message, msg_vals)

    def _emowaten_fill_placeholders(self, text, lang="ar"):
        """Replace {reference}, {citizen}, {date}, {subject}, {office}, {body} and
        {due_date} in ``text`` (HTML) with this request's values, escaped."""
        self.ensure_one()
        office = self.office_id
        body = self.body_id or self.office_id.body_id
        registered = self.registration_date or fields.Datetime.now()
        values = {
            "reference": self.name,
            "citizen": self.partner_id.name or "",
            "date": registered.strftime("%d/%m/%Y"),
            "subject": self.subject or "",
            "office": (
                office.name_ar if lang == "ar" and "name_ar" in office else office.name
            )
            or "",
            "body": (body.name_ar if lang == "ar" else body.name_fr) or body.name or "",
            "due_date": self.date_deadline.strftime("%d/%m/%Y")
            if self.date_deadline
            else "",
        }
        for key, value in values.items():
            text = text.replace(f"{{{key}}}", str(Markup.escape(value)))
        return Markup(text)

    @api.model
    def _emowaten_lang(self, short):
        """Installed language code for ``short`` ('ar' or 'fr'), else the current one:
        bilingual documents must print even where a language is not installed."""
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        for code in langs:
            if code.split("_")[0] == short:
                return code
        return self.env.lang or "en_US"

    def _emowaten_in_lang(self, short):
        return self.with_context(lang=self._emowaten_lang(short))

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Receipt %s", (self.name or "").replace("/", "-"))

    def _emowaten_report_filename(self, kind):
        """File name of a letter on this request, in the language of who prints it."""
        self.ensure_one()
        labels = {"implicit_refusal": self.env._("Implicit refusal notice %s")}
        return labels[kind] % (self.name or "").replace("/", "-")

    def _emowaten_citizen_lang_short(self):
        """'fr' for a citizen who reads French, else 'ar': the language of the letters
        written to them."""
        self.ensure_one()
        return "fr" if (self.partner_id.lang or "").startswith("fr") else "ar"

    @api.model
    def _emowaten_word_boxes(self, markup):
        """Arabic markup that Debian's wkhtmltopdf can break into lines."""
        return word_boxes(markup)

    @api.model
    def _emowaten_ltr_boxes(self, markup):
        """French markup whose Arabic runs Debian's wkhtmltopdf can break."""
        return ltr_word_boxes(markup)

    @api.model
    def _emowaten_rtl_inline(self, text):
        """Arabic text inside a French document, kept in order and breakable."""
        return rtl_inline(text)

    def _emowaten_receipt_qr_url(self):
        """URL of the QR code printed on the receipt: the public tracking page."""
        self.ensure_one()
        base_url = self.get_base_url()
        return f"{base_url}/emowaten/track/{self.tracking_code}"

    def _emowaten_qr_data_uri(self, value):
        """PNG data URI of a QR code, rendered locally (no network at print time)."""
        barcode = self.env["ir.actions.report"].barcode(
            "QR", value, width=180, height=180
        )
        return "data:image/png;base64," + base64.b64encode(barcode).decode()

    # ------------------------------------------------------------------ crons
    @api.model
    def _cron_send_receipts(self, limit=500):
        """E-mail the queued receipts, one committed transaction per receipt, holding
        one request at a time. A request an agent is changing right now is skipped
        (SKIP LOCKED) and a receipt that meets a concurrency error stays queued: both
        go out at the next run, started a minute later. A receipt that cannot be
        rendered at all is reported on the request instead of retried for ever."""
        cr = self.env.cr
        Cron = self.env["ir.cron"]
        requests = self.sudo().with_context(active_test=False)
        cr.execute(
            "SELECT id FROM emowaten_request WHERE receipt_pending "
            "ORDER BY id LIMIT %s",
            [limit + 1],
        )
        ids = [row[0] for row in cr.fetchall()]
        now_again = len(ids) > limit
        later_again = False
        ids = ids[:limit]
        Cron._commit_progress(remaining=len(ids))
        for request_id in ids:
            cr.execute(
                "SELECT id FROM emowaten_request WHERE id = %s AND receipt_pending "
                "FOR NO KEY UPDATE SKIP LOCKED",
                [request_id],
            )
            if cr.fetchone():
                sent = requests.browse(request_id)._emowaten_receipt_attempt()
                later_again |= not sent
            else:
                later_again = True  # in an agent's hands right now (or already sent)
            if not Cron._commit_progress(1):
                # this run's time is up (a render can take seconds): end the run
                # here, as done, and start a new one at once, rather than letting
                # the scheduler call again up to ten times within one run
                Cron._commit_progress(remaining=0)
                now_again = True
                break
        cron = self.env.ref("emowaten_petitions.ir_cron_request_receipts")
        if now_again:
            cron._trigger()
        elif later_again:
            cron._trigger(fields.Datetime.now() + timedelta(minutes=1))
        return True

    def _emowaten_receipt_attempt(self):
        """Send this locked request's receipt; False when it must be tried again."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                self._emowaten_deliver_receipt()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            # met another transaction: worth trying again at the next run
            return False
        except Exception as error:  # noqa: BLE001 - reported on the request
            _logger.warning("receipt of %s could not be sent: %s", self.name, error)
            self._message_log(
                body=self.env._(
                    "The receipt could not be e-mailed (%(error)s). Print it "
                    "from the request and hand or post it to the citizen.",
                    error=str(error)[:300],
                )
            )
        super().write({"receipt_pending": False})
        return True

    @api.model
    def _cron_information_replies(self, batch_size=500):
        """Requests suspended for information from the citizen: a reminder some days
        before the reply deadline, then, once it has passed, what the type says
        (restart the legal clock, or close the request as "no reply")."""
        today = fields.Date.context_today(self)
        Event = self.env["emowaten.request.deadline.event"]
        waiting = (
            Domain("kind", "=", "suspension")
            & Domain("date_end", "=", False)
            & Domain("date_reply_deadline", "!=", False)
            & Domain("request_id.state", "in", OPEN_STATES)
        )
        expired = waiting & Domain("date_reply_deadline", "<", today)
        Cron = self.env["ir.cron"]
        Cron._commit_progress(remaining=Event.search_count(expired))
        while True:
            events = Event.search(expired, limit=batch_size, order="id")
            requests = events.request_id.try_lock_for_update()
            if not requests:
                break
            events.filtered_domain(
                [("request_id", "in", requests.ids)]
            )._emowaten_expire()
            if not Cron._commit_progress(len(requests)):
                return
        # the reminder: within the type's reminder days before the reply deadline
        candidates = Event.search(
            waiting
            & Domain("reminder_sent", "=", False)
            & Domain("date_reply_deadline", ">=", today)
            & Domain("request_id.type_id.info_reminder_days", ">", 0),
            order="id",
        )
        due = candidates.filtered(
            lambda e: e.date_reply_deadline - today
            <= timedelta(days=e.request_id.type_id.info_reminder_days)
        )
        for batch in split_every(batch_size, due.ids, Event.browse):
            batch._emowaten_remind()
            Cron._commit_progress(len(batch))

    @api.model
    def _cron_implicit_refusal(self, batch_size=500):
        """Mark requests whose deadline passed unanswered (decree 93-982 art. 9)."""
        today = fields.Date.context_today(self)
        domain = (
            Domain("state", "in", OPEN_STATES)
            & Domain("deadline_suspended", "=", False)
            & Domain("date_deadline", "<", today)
            & Domain("implicit_refusal", "=", False)
            & Domain("type_id.answer_required", "=", True)
        )
        remaining = self.search_count(domain)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        while True:
            requests = self.search(domain, limit=batch_size, order="date_deadline, id")
            if not requests:
                break
            requests = requests.try_lock_for_update()
            if not requests:
                break
            requests._emowaten_mark_implicit_refusal(today)
            if not self.env["ir.cron"]._commit_progress(len(requests)):
                break

    def _emowaten_mark_implicit_refusal(self, today):
        super().write({"implicit_refusal": True, "implicit_refusal_date": today})
        for request in self:
            # the notice is the citizen's letter: written in their language, not in the
            # language of the scheduled job's user
            request = request._emowaten_in_lang(request._emowaten_citizen_lang_short())
            recourse = request.type_id.recourse_text or request.env._(
                "You may appeal to the head of the body concerned, then to the "
                "administrative "
                "court."
            )
            request.message_post(
                body=Markup("<p>%s</p><p>%s</p>")
                % (
                    request.env._(
                        "No answer was given to %(ref)s within the legal deadline "
                        "(%(date)s): under decree 93-982 art. 9 this silence is an "
                        "implicit "
                        "refusal.",
                        ref=request.name,
                        date=format_date(request.env, request.date_deadline),
                    ),
                    recourse,
                ),
                subtype_xmlid="mail.mt_comment",
                partner_ids=request.partner_id.ids,
            )
        return True

    @api.model
    def _cron_escalate(self, batch_size=1000):
        """Apply the escalation ladder. Each level is applied once per request: the
        request stores the last level applied, so a re-run sends nothing twice."""
        # highest level first: a request already far past its deadline gets the level it
        # deserves, not every lower level one after the other
        levels = self.env["emowaten.escalation.level"].search(
            [("active", "=", True)], order="sequence desc"
        )
        today = fields.Date.context_today(self)
        domains = []
        for level in levels:
            domains.append(
                (
                    level,
                    Domain("state", "in", OPEN_STATES)
                    & Domain("deadline_suspended", "=", False)
                    & Domain(
                        "date_deadline", "<=", today - timedelta(days=level.offset_days)
                    )
                    & Domain("escalation_level", "<", level.sequence),
                )
            )
        remaining = sum(self.search_count(domain) for _level, domain in domains)
        self.env["ir.cron"]._commit_progress(remaining=remaining)
        for level, domain in domains:
            while True:
                requests = self.search(
                    domain, limit=batch_size, order="date_deadline, id"
                )
                if not requests:
                    break
                requests = requests.try_lock_for_update(allow_referencing=True)
                if not requests:
                    break
                level._emowaten_apply(requests)
                if not self.env["ir.cron"]._commit_progress(len(requests)):
                    return
