from odoo import api, fields, models


class EmowatenTrainingSession(models.Model):
    """A training session on e-Mowaten organised by the Central Bureau (circular,
    measure 1: staff assigned and trained)."""

    _name = "emowaten.training.session"
    _description = "e-Mowaten Training Session"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(required=True, translate=True, tracking=True)
    date = fields.Date(required=True, default=fields.Date.context_today, tracking=True)
    place = fields.Char(tracking=True)
    trainer = fields.Char(tracking=True)
    organizer_office_id = fields.Many2one(
        "emowaten.office",
        string="Organised by",
        default=lambda self: self.env.ref(
            "emowaten_base.emowaten_office_central", raise_if_not_found=False
        ),
    )
    attendee_ids = fields.One2many(
        "emowaten.training.attendee", "session_id", string="Attendees", copy=False
    )
    attendee_count = fields.Integer(
        string="Number of Attendees", compute="_compute_counts"
    )
    present_count = fields.Integer(string="Number Present", compute="_compute_counts")
    state = fields.Selection(
        [("planned", "Planned"), ("done", "Done"), ("cancelled", "Cancelled")],
        default="planned",
        required=True,
        tracking=True,
    )

    @api.depends("attendee_ids.attended")
    def _compute_counts(self):
        for session in self:
            session.attendee_count = len(session.attendee_ids)
            session.present_count = len(session.attendee_ids.filtered("attended"))

    def action_done(self):
        self.write({"state": "done"})

    def action_cancel(self):
        self.write({"state": "cancelled"})

    def action_issue_certificates(self):
        """Certify every attendee who was present at a session that took place."""
        self.filtered(lambda s: s.state == "done").attendee_ids.filtered(
            lambda a: a.attended and not a.certificate_issued
        ).write(
            {
                "certificate_issued": True,
                "certificate_date": fields.Date.context_today(self),
            }
        )
