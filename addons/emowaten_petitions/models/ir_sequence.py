from odoo import models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    # one gapless sequence per office and year: two of them would hand out the same
    # references, so a concurrent creation fails instead of duplicating it
    _emowaten_request_code_uniq = models.UniqueIndex(
        "(code) WHERE code LIKE 'emowaten.request.%'",
        "A request sequence already exists for this office and year.",
    )
