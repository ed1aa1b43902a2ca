from odoo import fields, models
from odoo.tools.misc import format_date


class EmowatenEscalationLevel(models.Model):
    _name = "emowaten.escalation.level"
    _description = "Escalation Level"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(
        required=True,
        help="Order of the level on the ladder; a request remembers the last level "
        "applied and never receives it twice.",
    )
    offset_days = fields.Integer(
        string="Days After Deadline",
        required=True,
        help="Negative: days before the deadline (reminder); 0: on the day the "
        "deadline "
        "passes; positive: days after it.",
    )
    target = fields.Selection(
        [
            ("assignee", "Assignee"),
            ("office_manager", "Office Manager"),
            ("body_head", "Head of the Body"),
            ("central", "Central Bureau"),
        ],
        required=True,
    )
    activity_type_id = fields.Many2one(
        "mail.activity.type",
        default=lambda self: self.env.ref(
            "mail.mail_activity_data_todo", raise_if_not_found=False
        ),
    )
    note = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    _sequence_uniq = models.Constraint(
        "UNIQUE(sequence)", "Two escalation levels cannot have the same order."
    )
    _sequence_positive = models.Constraint(
        "CHECK(sequence > 0)", "The order of an escalation level starts at 1."
    )

    def _emowaten_targets(self, request, central_users):
        self.ensure_one()
        if self.target == "assignee":
            return (
                request.user_id
                or request.correspondent_id
                or request.office_id.manager_user_ids
            )
        if self.target == "office_manager":
            return request.office_id.manager_user_ids
        if self.target == "body_head":
            body = request.body_id or request.office_id.body_id
            return body.head_user_id or request.office_id.manager_user_ids
        return central_users

    def _emowaten_apply(self, requests):
        """Schedule this level's activity on ``requests`` (one batch create) and mark
        them as escalated to this level."""
        self.ensure_one()
        central_users = (
            self.env["emowaten.office"]
            .sudo()
            .search([("kind", "=", "central")])
            .manager_user_ids
        )
        model_id = self.env["ir.model"]._get_id("emowaten.request")
        activity_type = self.activity_type_id or self.env.ref(
            "mail.mail_activity_data_todo"
        )
        today = fields.Date.context_today(self)
        activity_vals = []
        for request in requests:
            targets = self._emowaten_targets(request, central_users)
            # a confidential file is escalated to its designated staff only
            for user in request._emowaten_allowed_users(targets):
                # the cron runs in its own user's language: the summary is written in
                # the language of whoever reads it (one stored string per activity)
                level = self.with_context(lang=user.lang or self.env.lang)
                activity_vals.append(
                    {
                        "res_model_id": model_id,
                        "res_id": request.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "date_deadline": today,
                        "summary": level.env._(
                            "%(level)s: %(ref)s due on %(date)s",
                            level=level.name,
                            ref=request.name,
                            date=format_date(level.env, request.date_deadline),
                        ),
                        "note": level.note or False,
                    }
                )
        if activity_vals:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(activity_vals)
        self.env.cr.execute(
            "UPDATE emowaten_request SET escalation_level = %s, "
            "escalation_level_id = %s WHERE id = ANY(%s)",
            [self.sequence, self.id, requests.ids],
        )
        requests.invalidate_recordset(["escalation_level", "escalation_level_id"])
