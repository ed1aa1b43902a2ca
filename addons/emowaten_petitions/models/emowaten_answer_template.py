from odoo import fields, models

PLACEHOLDERS = ("reference", "citizen", "date", "subject", "office", "body", "due_date")


class EmowatenAnswerTemplate(models.Model):
    _name = "emowaten.answer.template"
    _description = "Answer Template"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    kind = fields.Selection(
        [
            ("favourable", "Favourable"),
            ("unfavourable", "Unfavourable"),
            ("partial", "Partial"),
            ("information", "Information / Guidance"),
            ("orientation", "Orientation to another body"),
        ],
        required=True,
        default="information",
    )
    category_ids = fields.Many2many(
        "emowaten.request.category",
        string="Categories",
        help="Leave empty to offer the template for every category.",
    )
    body_ar = fields.Html(
        string="Arabic Text",
        sanitize=True,
        help="Placeholders: {reference}, {citizen}, {date}, {subject}, {office}, "
        "{body}, "
        "{due_date}.",
    )
    body_fr = fields.Html(string="French Text", sanitize=True)
    reason = fields.Text(
        translate=True, help="Default reasons for an unfavourable answer."
    )
    active = fields.Boolean(default=True)

    def _emowaten_render(self, request, lang="ar"):
        """The template's text for ``request`` with its placeholders filled in."""
        self.ensure_one()
        body = (
            (self.body_ar if lang == "ar" else self.body_fr)
            or self.body_ar
            or self.body_fr
        )
        return request._emowaten_fill_placeholders(str(body or ""), lang)
