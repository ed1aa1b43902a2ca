from odoo import api, fields, models

from ..tools.arabic import arabic_normalize


class EmowatenRequest(models.Model):
    _inherit = "emowaten.request"

    scan_document_ids = fields.One2many(
        "emowaten.scan.document", inverse_name="request_id", string="Scanned Documents"
    )
    scan_document_count = fields.Integer(compute="_compute_scan_document_count")
    scan_proposal_ids = fields.One2many(
        "emowaten.scan.proposal", inverse_name="request_id", string="OCR Proposals"
    )
    scan_text_normalized = fields.Text(
        compute="_compute_scan_text_normalized",
        store=True,
        index="trigram",
        string="Scanned Text (normalised)",
    )
    scan_search = fields.Char(
        compute="_compute_scan_search",
        search="_search_scan_search",
        string="Scanned Text",
        help="Search the OCR text of the scanned documents, ignoring hamza, "
        "taa marbuta, alef maqsura, tatweel, diacritics and the digit script.",
    )
    scan_low_confidence = fields.Boolean(
        compute="_compute_scan_text_normalized", store=True, string="Scan to Check"
    )
    scan_letter_date = fields.Date(string="Date of the Letter")

    @api.depends("scan_document_ids")
    def _compute_scan_document_count(self):
        # sudo: the count is shown on files that correspondents and signatories open
        # too, who may not read the scanned documents themselves
        counts = dict(
            self.env["emowaten.scan.document"]
            .sudo()
            ._read_group([("request_id", "in", self.ids)], ["request_id"], ["__count"])
        )
        for request in self:
            request.scan_document_count = counts.get(request._origin, 0)

    @api.depends(
        "scan_document_ids.text_normalized", "scan_document_ids.low_confidence"
    )
    def _compute_scan_text_normalized(self):
        for request in self:
            docs = request.scan_document_ids
            request.scan_text_normalized = (
                "\n".join(t for t in docs.mapped("text_normalized") if t) or False
            )
            request.scan_low_confidence = any(docs.mapped("low_confidence"))

    def _compute_scan_search(self):
        self.scan_search = False

    def _search_scan_search(self, operator, value):
        if operator not in ("ilike", "not ilike") or not isinstance(value, str):
            return NotImplemented
        words = arabic_normalize(value).split()
        if not words:
            return [(1, "=", 1)] if operator == "ilike" else [(0, "=", 1)]
        # every word must occur, in any order: OCR line breaks split phrases
        domain = [("scan_text_normalized", "ilike", word) for word in words]
        if operator == "not ilike":
            return ["!", *(["&"] * (len(domain) - 1)), *domain]
        return domain

    def _emowaten_scan_set_citizen(self, vals):
        """Set the citizen of the request from accepted CIN/phone/e-mail proposals: the
        existing citizen is completed, or a citizen is found/created by base's
        helper."""
        self.ensure_one()
        if self.partner_id:
            missing = {k: v for k, v in vals.items() if not self.partner_id[k]}
            if missing:
                self.partner_id.write(missing)
            return self.partner_id
        vals = dict(vals)
        vals.setdefault(
            "name",
            self.env._(
                "Citizen %s",
                vals.get("emowaten_cin") or vals.get("phone") or vals.get("email"),
            ),
        )
        partner = self.env["res.partner"]._emowaten_find_or_create_citizen(vals)
        self.partner_id = partner
        return partner

    def action_scan_print_cover(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": f"/emowaten_scan/cover/{self.id}",
            "target": "new",
        }

    def action_scan_view_documents(self):
        self.ensure_one()
        # the title first: Odoo's term extractor took the domain that followed the
        # translated title in the same dict for a term of its own
        name = self.env._("Scanned Documents")
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "emowaten.scan.document",
            "view_mode": "list,form",
            "domain": [("request_id", "=", self.id)],
        }
