from odoo import fields, models


class EmowatenInadmissibilityReason(models.Model):
    _name = "emowaten.inadmissibility.reason"
    _description = "Inadmissibility Reason"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    legal_basis = fields.Char(translate=True)
    letter_text = fields.Html(
        string="Reasoned Letter",
        translate=True,
        sanitize=True,
        help="Body of the letter sent to the citizen. Placeholders: {reference}, "
        "{citizen}, {date}, {subject}, {office}, {competent_body}.",
    )
    needs_competent_body = fields.Boolean(
        help="The letter orients the citizen to the competent body, which must be "
        "named."
    )
    active = fields.Boolean(default=True)

    _code_uniq = models.Constraint(
        "UNIQUE(code)", "The code of a reason must be unique."
    )
