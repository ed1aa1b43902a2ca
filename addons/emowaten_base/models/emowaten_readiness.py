from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import ValidationError

CONDITIONS = [("good", "Good"), ("fair", "Fair"), ("poor", "Poor")]
# checklist lines that are no yes/no item of the score
ITEM_ICONS = {
    None: "fa-minus text-muted",
    "warning": "fa-calendar-times-o text-warning",
}


class EmowatenReadiness(models.Model):
    """Readiness of one office (or of a body without office) for one year,
    measured against the four measures of the circular: staff assigned and
    trained, equipment, hosting budget and authorised signatory, plus the answer
    rate of the body on the files routed to it.

    Figures that live elsewhere (staff, training, budget, hooks) are snapshotted by
    :meth:`action_refresh` (daily cron) so that the score is stored and can be
    grouped in kanban, pivot and graph views.
    """

    _name = "emowaten.readiness"
    _description = "Readiness Assessment"
    _inherit = ["mail.thread"]
    _order = "year desc, score, id"

    name = fields.Char(compute="_compute_name", store=True)
    year = fields.Integer(
        required=True, default=lambda self: fields.Date.context_today(self).year
    )
    body_id = fields.Many2one(
        "emowaten.body",
        string="Public Body",
        required=True,
        index=True,
        ondelete="cascade",
        compute="_compute_body_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    office_id = fields.Many2one("emowaten.office", index=True, ondelete="cascade")
    state_id = fields.Many2one(
        "res.country.state",
        string="Governorate",
        compute="_compute_state_id",
        store=True,
        index=True,
    )
    body_type = fields.Selection(
        related="body_id.body_type", store=True, string="Kind of Body"
    )
    # measure 1: staff assigned and trained
    staff_count = fields.Integer(string="Staff Assigned", readonly=True)
    trained_count = fields.Integer(string="Staff Trained", readonly=True)
    # measure 2a: equipment
    computer_count = fields.Integer(string="Computers")
    computer_connected_count = fields.Integer(
        string="Computers Connected to the Internet"
    )
    scanner_count = fields.Integer(string="Scanners")
    equipment_condition = fields.Selection(CONDITIONS, default="good", required=True)
    # measure 2b: hosting budget with the CNI
    hosting_budget = fields.Float(readonly=True, aggregator="sum")
    # measure 2c: authorised signatory holding a valid certificate
    signatory_ok = fields.Boolean(string="Authorised Signatory Ready", readonly=True)
    # measure 3: the body answers the files routed to it
    answer_rate = fields.Float(
        string="Answer Rate (%)", readonly=True, aggregator="avg"
    )
    answer_rate_applicable = fields.Boolean(string="Files Routed", readonly=True)
    staff_ok = fields.Boolean(
        string="Staff Ready", compute="_compute_score", store=True
    )
    training_ok = fields.Boolean(
        string="Training Done", compute="_compute_score", store=True
    )
    equipment_ok = fields.Boolean(
        string="Equipment Ready", compute="_compute_score", store=True
    )
    budget_ok = fields.Boolean(
        string="Budget Committed", compute="_compute_score", store=True
    )
    answer_ok = fields.Boolean(
        string="Answer Rate Reached", compute="_compute_score", store=True
    )
    score = fields.Float(compute="_compute_score", store=True, aggregator="avg")
    checklist_html = fields.Html(
        string="Checklist", compute="_compute_checklist_html", sanitize=False
    )
    holiday_warning = fields.Char(
        compute="_compute_holiday_warning",
        help="Set from 1 October while the coming year has no confirmed public "
        "holiday: every office's deadlines depend on them.",
    )
    last_refresh = fields.Datetime(readonly=True)
    active = fields.Boolean(default=True)

    _body_office_year_uniq = models.UniqueIndex(
        "(body_id, COALESCE(office_id, 0), year)",
        "There is already a readiness assessment for this office and year.",
    )

    ANSWER_RATE_TARGET = 80.0

    @api.depends("office_id")
    def _compute_body_id(self):
        for rec in self:
            if rec.office_id:
                rec.body_id = rec.office_id.body_id

    @api.depends("office_id.state_id", "body_id.state_id")
    def _compute_state_id(self):
        for rec in self:
            rec.state_id = rec.office_id.state_id or rec.body_id.state_id

    @api.depends("body_id", "office_id", "year")
    def _compute_name(self):
        for rec in self:
            rec.name = (
                f"{(rec.office_id or rec.body_id).display_name or ''} ({rec.year})"
            )

    @api.depends("body_id", "office_id", "year")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # in the reader's language: the stored name holds the language of its writer
        for rec in self:
            rec.display_name = (
                f"{(rec.office_id or rec.body_id).display_name or ''} ({rec.year})"
            )

    @api.depends(
        "staff_count",
        "trained_count",
        "computer_connected_count",
        "scanner_count",
        "equipment_condition",
        "hosting_budget",
        "signatory_ok",
        "answer_rate",
        "answer_rate_applicable",
    )
    def _compute_score(self):
        for rec in self:
            parts = rec._emowaten_score_parts()
            rec.staff_ok = parts["staff"] == 1.0
            rec.training_ok = parts["training"] == 1.0
            rec.equipment_ok = parts["equipment"] == 1.0
            rec.budget_ok = parts["budget"] == 1.0
            rec.answer_ok = rec.answer_rate_applicable and parts["answer"] == 1.0
            rec.score = round(100.0 * sum(parts.values()) / len(parts), 1)

    def _emowaten_score_parts(self):
        """Return ``{item: fraction 0..1}``, one entry per applicable checklist item.

        Each item weighs the same; training counts the share of trained staff,
        the answer rate counts proportionally up to its target and is left out
        while the body has no routed file.
        """
        self.ensure_one()
        staff = self.staff_count
        equipment = 0.0
        if self.computer_connected_count and self.scanner_count:
            equipment = 1.0 if self.equipment_condition != "poor" else 0.5
        elif self.computer_connected_count or self.scanner_count:
            equipment = 0.5
        parts = {
            "staff": 1.0 if staff else 0.0,
            "training": min(self.trained_count / staff, 1.0) if staff else 0.0,
            "equipment": equipment,
            "budget": 1.0 if self.hosting_budget > 0 else 0.0,
            "signatory": 1.0 if self.signatory_ok else 0.0,
        }
        if self.answer_rate_applicable:
            parts["answer"] = min(self.answer_rate / self.ANSWER_RATE_TARGET, 1.0)
        return parts

    def _compute_holiday_warning(self):
        warning = self.env["emowaten.public.holiday"]._emowaten_coming_year_warning()
        for rec in self:
            rec.holiday_warning = warning

    def _compute_checklist_html(self):
        for rec in self:
            items = [
                (rec.staff_ok, self.env._("Staff assigned: %s", rec.staff_count)),
                (
                    rec.training_ok,
                    self.env._(
                        "Staff trained: %(trained)s of %(staff)s",
                        trained=rec.trained_count,
                        staff=rec.staff_count,
                    ),
                ),
                (
                    rec.equipment_ok,
                    self.env._(
                        "Equipment: %(pc)s connected computers, %(scan)s scanners",
                        pc=rec.computer_connected_count,
                        scan=rec.scanner_count,
                    ),
                ),
                (rec.budget_ok, self.env._("Hosting budget committed with the CNI")),
                (
                    rec.signatory_ok,
                    self.env._("Authorised signatory with a valid certificate"),
                ),
            ]
            if rec.answer_rate_applicable:
                items.append(
                    (
                        rec.answer_ok,
                        self.env._("Answer rate: %s %%", round(rec.answer_rate, 1)),
                    )
                )
            else:
                items.append((None, self.env._("Answer rate: no file routed yet")))
            if rec.holiday_warning:
                items.append(("warning", rec.holiday_warning))
            lines = Markup("").join(
                Markup('<li><i class="fa %s me-2"/>%s</li>')
                % (
                    ITEM_ICONS.get(
                        ok, "fa-check text-success" if ok else "fa-times text-danger"
                    ),
                    escape(label),
                )
                for ok, label in items
            )
            rec.checklist_html = (
                Markup('<ul class="list-unstyled mb-0">%s</ul>') % lines
            )

    @api.constrains("computer_count", "computer_connected_count", "scanner_count")
    def _check_equipment(self):
        for rec in self:
            if (
                min(rec.computer_count, rec.computer_connected_count, rec.scanner_count)
                < 0
            ):
                raise ValidationError(
                    self.env._("Equipment counts cannot be negative.")
                )
            if rec.computer_connected_count > rec.computer_count:
                raise ValidationError(
                    self.env._(
                        "There cannot be more connected computers than computers."
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.action_refresh()
        return records

    def action_refresh(self):
        """Snapshot staff, training, budget and the two hooks into the record."""
        bodies = self.body_id
        signatory = bodies._emowaten_readiness_signatory_ok()
        answer_rate = bodies._emowaten_answer_rate()
        trained_ids = self.env[
            "emowaten.training.attendee"
        ]._emowaten_trained_user_ids()
        agreements = (
            self.env["emowaten.hosting.agreement"]
            .sudo()
            .search(
                [
                    ("body_id", "in", bodies.ids),
                    ("year", "in", list(set(self.mapped("year")))),
                ]
            )
        )
        budgets = {}
        for agreement in agreements.filtered(
            lambda a: a.state in ("committed", "closed")
        ):
            key = (agreement.body_id.id, agreement.year)
            budgets[key] = budgets.get(key, 0.0) + agreement.budget
        now = fields.Datetime.now()
        for rec in self.sudo():
            staff = (
                rec.office_id.user_ids
                if rec.office_id
                else rec.body_id.correspondent_ids
            )
            rec.write(
                {
                    "staff_count": len(staff),
                    "trained_count": len(set(staff.ids) & trained_ids),
                    "hosting_budget": budgets.get((rec.body_id.id, rec.year), 0.0),
                    "signatory_ok": signatory.get(rec.body_id.id, False),
                    "answer_rate": answer_rate.get(rec.body_id.id, 0.0),
                    "answer_rate_applicable": rec.body_id.id in answer_rate,
                    "last_refresh": now,
                }
            )
        return True

    @api.model
    def _emowaten_ensure_assessments(self, year=None):
        """Create the missing assessments of ``year``: one per active office, and
        one per active body that has correspondents but no office."""
        year = year or fields.Date.context_today(self).year
        existing = self.search([("year", "=", year)])
        seen_offices = set(existing.office_id.ids)
        seen_bodies = set(existing.filtered(lambda r: not r.office_id).body_id.ids)
        vals_list = [
            {"office_id": office.id, "body_id": office.body_id.id, "year": year}
            for office in self.env["emowaten.office"].search([])
            if office.id not in seen_offices
        ]
        vals_list += [
            {"body_id": body.id, "year": year}
            for body in self.env["emowaten.body"].search(
                [("correspondent_ids", "!=", False), ("office_ids", "=", False)]
            )
            if body.id not in seen_bodies
        ]
        return self.create(vals_list)

    @api.model
    def _cron_refresh_readiness(self):
        year = fields.Date.context_today(self).year
        self._emowaten_ensure_assessments(year)
        self.search([("year", "=", year)]).action_refresh()
