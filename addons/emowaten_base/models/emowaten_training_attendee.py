from odoo import api, fields, models


class EmowatenTrainingAttendee(models.Model):
    _name = "emowaten.training.attendee"
    _description = "Training Attendee"
    _order = "session_id, id"

    session_id = fields.Many2one(
        "emowaten.training.session", required=True, index=True, ondelete="cascade"
    )
    session_date = fields.Date(related="session_id.date", store=True)
    session_state = fields.Selection(related="session_id.state", store=True)
    user_id = fields.Many2one(
        "res.users", string="Staff Member", required=True, index=True
    )
    office_id = fields.Many2one(
        "emowaten.office",
        compute="_compute_office_id",
        store=True,
        readonly=False,
        index=True,
    )
    attended = fields.Boolean(string="Present")
    certificate_issued = fields.Boolean()
    certificate_date = fields.Date()

    _session_user_uniq = models.Constraint(
        "UNIQUE(session_id, user_id)", "A staff member attends a session only once."
    )

    @api.depends("user_id")
    def _compute_office_id(self):
        for attendee in self:
            if not attendee.office_id:
                attendee.office_id = attendee.user_id.emowaten_office_ids[:1]

    @api.model
    def _emowaten_trained_user_ids(self):
        """Ids of the users who attended a completed session."""
        return set(
            self.sudo()
            .search([("attended", "=", True), ("session_state", "=", "done")])
            .user_id.ids
        )
