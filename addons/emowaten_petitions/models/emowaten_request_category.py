from odoo import api, fields, models
from odoo.exceptions import ValidationError


class EmowatenRequestCategory(models.Model):
    _name = "emowaten.request.category"
    _description = "Request Category"
    _inherit = ["emowaten.arabic.search.mixin"]
    _parent_store = True
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    code = fields.Char()
    parent_id = fields.Many2one(
        "emowaten.request.category", ondelete="cascade", index=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("emowaten.request.category", "parent_id")
    default_body_id = fields.Many2one("emowaten.body", string="Default Competent Body")
    keywords = fields.Text(
        help="Words and phrases, in Arabic and in French, separated by commas or new "
        "lines, that point to this category in a letter (the scanned mail is "
        "sorted with them, not only with the name).",
    )
    active = fields.Boolean(default=True)
    display_name = fields.Char(recursive=True)

    @api.depends("name", "parent_id.display_name")
    def _compute_display_name(self):
        # translated path, not stored: a stored path would freeze one language
        for category in self:
            if category.parent_id:
                category.display_name = (
                    f"{category.parent_id.display_name} / {category.name}"
                )
            else:
                category.display_name = category.name

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("Categories cannot form a cycle."))
