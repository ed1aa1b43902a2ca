from odoo import api, fields, models

from .emowaten_request import REQUEST_STATES


class EmowatenRequestStage(models.Model):
    _name = "emowaten.request.stage"
    _description = "Request Stage"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    state = fields.Selection(
        REQUEST_STATES,
        required=True,
        help="Moving a request into this stage puts it in this state.",
    )
    fold = fields.Boolean(string="Folded in Kanban")
    office_ids = fields.Many2many(
        "emowaten.office",
        string="Offices",
        help="Leave empty to use the stage in every office.",
    )
    required_field_ids = fields.Many2many(
        "ir.model.fields",
        string="Required Fields",
        domain=[("model", "=", "emowaten.request")],
        help="A request cannot enter this stage while one of these fields is empty.",
    )
    description = fields.Text(translate=True)
    active = fields.Boolean(default=True)

    # registrations cache the generic stage of each state (emowaten.request)
    @api.model_create_multi
    def create(self, vals_list):
        stages = super().create(vals_list)
        self.env.registry.clear_cache()
        return stages

    def write(self, vals):
        result = super().write(vals)
        if "office_ids" in vals:
            # the rule again on the new offices: a manager must not hand his stage to
            # an office he does not manage
            self.check_access("write")
        if {"sequence", "state", "office_ids", "active"} & set(vals):
            self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result
