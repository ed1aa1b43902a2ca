from datetime import timedelta

from odoo import api, fields, models


class EmowatenRequestDeadline(models.TransientModel):
    _name = "emowaten.request.deadline"
    _description = "Suspend or Extend a Legal Deadline"

    request_ids = fields.Many2many(
        "emowaten.request",
        string="Requests",
        default=lambda self: self.env.context.get("active_ids"),
        required=True,
    )
    kind = fields.Selection(
        [("suspension", "Suspend (waiting for the citizen)"), ("extension", "Extend")],
        required=True,
        default="extension",
    )
    days = fields.Integer(default=15)
    reply_deadline = fields.Date(
        string="Reply Expected By",
        default=lambda self: self._default_reply_deadline(),
        help="When it passes without a reply, the request type says what happens "
        "(the clock restarts, or the request is closed).",
    )
    motive = fields.Text(required=True)
    cap_note = fields.Char(compute="_compute_cap_note")

    def _default_reply_deadline(self):
        requests = self.env["emowaten.request"].browse(
            self.env.context.get("active_ids") or []
        )
        days = min(requests.type_id.mapped("info_reply_days") or [30])
        return fields.Date.context_today(self) + timedelta(days=days)

    @api.depends("request_ids", "kind")
    def _compute_cap_note(self):
        for wizard in self:
            notes = []
            for request in wizard.request_ids:
                rtype = request.type_id
                used = request._emowaten_extensions()
                notes.append(
                    self.env._(
                        "%(ref)s: %(used)s of %(max)s extension(s) used, %(left)s "
                        "days left to extend",
                        ref=request.name or "",
                        used=len(used),
                        max=rtype.max_extensions,
                        left=max(
                            rtype._emowaten_extension_cap_days(request.deadline_days)
                            - sum(used.mapped("days")),
                            0,
                        ),
                    )
                )
            wizard.cap_note = "; ".join(notes[:5])

    def action_apply(self):
        self.ensure_one()
        if self.kind == "suspension":
            self.request_ids.action_suspend(self.motive, self.reply_deadline)
        else:
            self.request_ids.action_extend(self.days, self.motive)
        return {"type": "ir.actions.act_window_close"}
