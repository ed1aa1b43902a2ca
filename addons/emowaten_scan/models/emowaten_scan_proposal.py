from odoo import api, fields, models
from odoo.exceptions import UserError


class EmowatenScanProposal(models.Model):
    _name = "emowaten.scan.proposal"
    _description = "OCR Extraction Proposal"
    _order = "document_id, kind, id"

    document_id = fields.Many2one(
        "emowaten.scan.document", required=True, ondelete="cascade", index=True
    )
    request_id = fields.Many2one(
        related="document_id.request_id", store=True, index=True
    )
    office_id = fields.Many2one(related="document_id.office_id", store=True)
    kind = fields.Selection(
        [
            ("cin", "CIN"),
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("date", "Date of the Letter"),
            ("state", "Governorate"),
            ("category", "Category"),
        ],
        required=True,
    )
    value = fields.Char(required=True)
    state_id = fields.Many2one("res.country.state", string="Governorate")
    category_id = fields.Many2one("emowaten.request.category")
    accepted = fields.Boolean(readonly=True)

    @api.depends("kind", "value")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for proposal in self:
            proposal.display_name = f"{labels.get(proposal.kind, '')}: {proposal.value}"

    def action_accept(self):
        """Write the proposal into its request (one click)."""
        identity = {}
        for proposal in self:
            request = proposal.request_id
            if not request:
                raise UserError(self.env._("File the document into a request first."))
            if proposal.kind == "state":
                request.state_id = proposal.state_id
            elif proposal.kind == "category":
                request.category_id = proposal.category_id
            elif proposal.kind == "date":
                request.scan_letter_date = fields.Date.to_date(proposal.value)
            else:
                key = {"cin": "emowaten_cin", "phone": "phone", "email": "email"}[
                    proposal.kind
                ]
                identity.setdefault(request, {})[key] = proposal.value
            proposal.accepted = True
        for request, vals in identity.items():
            request._emowaten_scan_set_citizen(vals)
        return True
