import base64
import io
import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import extract, ocr
from ..tools.arabic import arabic_normalize


class EmowatenScanDocument(models.Model):
    _name = "emowaten.scan.document"
    _description = "Scanned Document"
    _order = "batch_id desc, id"

    name = fields.Char(compute="_compute_name", store=True)
    batch_id = fields.Many2one(
        "emowaten.scan.batch", required=True, ondelete="cascade", index=True
    )
    office_id = fields.Many2one(related="batch_id.office_id", store=True, index=True)
    mode = fields.Selection(
        [("new", "New Request"), ("request", "Existing Request")],
        required=True,
        default="new",
    )
    reference = fields.Char(help="Request reference read on the cover sheet.")
    page_ids = fields.One2many(
        "emowaten.scan.page", inverse_name="document_id", string="Pages"
    )
    page_count = fields.Integer(compute="_compute_page_count")
    request_id = fields.Many2one("emowaten.request", index=True, ondelete="set null")
    state = fields.Selection(
        [("draft", "To File"), ("filed", "Filed"), ("error", "To Check")],
        default="draft",
        required=True,
    )
    message_code = fields.Char(string="Problem Code", readonly=True)
    message_detail = fields.Char(string="Problem Detail", readonly=True)
    message = fields.Char(compute="_compute_message", string="Problem")
    text = fields.Text(string="Recognised Text", readonly=True)
    text_normalized = fields.Text(string="Normalised Text", readonly=True)
    confidence = fields.Float(readonly=True)
    low_confidence = fields.Boolean(readonly=True)
    original_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, string="Original Scan"
    )
    searchable_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, string="Searchable PDF"
    )
    proposal_ids = fields.One2many(
        "emowaten.scan.proposal", inverse_name="document_id", string="Proposals"
    )

    @api.depends("batch_id.name", "reference", "mode")
    def _compute_name(self):
        for doc in self:
            doc.name = doc.reference or f"{doc.batch_id.name} #{doc.id or ''}"

    @api.depends("page_ids")
    def _compute_page_count(self):
        for doc in self:
            doc.page_count = len(doc.page_ids)

    @api.depends("message_code", "message_detail")
    def _compute_message(self):
        Line = self.env["emowaten.scan.line"]
        for doc in self:
            doc.message = doc.message_code and Line._emowaten_message_text(
                doc.message_code, doc.message_detail
            )

    # ------------------------------------------------------------------ filing
    def _emowaten_file(self):
        """Build the document's PDFs and text, then create or complete its request."""
        for doc in self:
            pages = doc.page_ids.sorted("sequence")
            doc.text = "\n\n".join(pages.mapped("text"))
            doc.text_normalized = arabic_normalize(doc.text)
            confidences = pages.mapped("confidence")
            doc.confidence = sum(confidences) / len(confidences) if confidences else 0.0
            doc.low_confidence = any(pages.mapped("low_confidence"))
            doc._emowaten_file_one()

    def _emowaten_file_one(self):
        self.ensure_one()
        Request = self.env["emowaten.request"]
        if self.mode == "request":
            request = Request.search(
                [("name", "=", self.reference), ("office_id", "=", self.office_id.id)],
                limit=1,
            )
            request = request or Request.search(
                [("name", "=", self.reference)], limit=1
            )
            if not request:
                self.write(
                    {
                        "state": "error",
                        "message_code": "cover_unknown",
                        "message_detail": self.reference,
                    }
                )
                return
        else:
            request = Request.create(self._emowaten_prepare_request_vals())
        self._emowaten_attach_to(request)
        self._emowaten_make_proposals()

    def _emowaten_prepare_request_vals(self):
        subject = next(
            (
                line.strip()
                for line in (self.text or "").splitlines()
                if len(line.strip()) > 3
            ),
            "",
        )
        rtype = self.env["emowaten.request.type"].search(
            [("code", "=", "petition")], limit=1
        )
        vals = {
            "office_id": self.office_id.id,
            "channel": "post",
            "subject": subject[:120]
            or self.env._("Scanned letter (%s)", self.batch_id.name),
            "description": self.text,
        }
        if rtype:
            vals["type_id"] = rtype.id
        return vals

    def _emowaten_attach_to(self, request):
        """Attach the untouched original pages and the searchable PDF to the request."""
        original = self._emowaten_original_pdf()
        searchable = ocr.merge_pdfs(
            [
                base64.b64decode(p.searchable_pdf)
                for p in self.page_ids.sorted("sequence")
                if p.searchable_pdf
            ]
        )
        Attachment = self.env["ir.attachment"]
        base_name = (request.name or "scan").replace("/", "-")
        original_att = Attachment.create(
            {
                "name": self.env._(
                    "%(ref)s - scan %(doc)s.pdf", ref=base_name, doc=self.id
                ),
                "raw": original,
                "res_model": "emowaten.request",
                "res_id": request.id,
                "mimetype": "application/pdf",
            }
        )
        searchable_att = Attachment.create(
            {
                "name": self.env._(
                    "%(ref)s - scan %(doc)s (searchable).pdf",
                    ref=base_name,
                    doc=self.id,
                ),
                "raw": searchable,
                "res_model": "emowaten.request",
                "res_id": request.id,
                "mimetype": "application/pdf",
            }
        )
        self.write(
            {
                "request_id": request.id,
                "state": "filed",
                "message_code": False,
                "original_attachment_id": original_att.id,
                "searchable_attachment_id": searchable_att.id,
            }
        )
        request.message_post(
            body=self.env._(
                "Scanned document of %(count)s page(s) added from batch %(batch)s.",
                count=len(self.page_ids),
                batch=self.batch_id.name,
            ),
            attachment_ids=[original_att.id, searchable_att.id],
        )

    def _emowaten_original_pdf(self):
        """The document's pages as in the uploaded file: PDF pages are copied without
        re-encoding; images are wrapped into a PDF when the file holds other
        documents."""
        from PyPDF2 import PdfReader, PdfWriter  # noqa: PLC0415

        line = self.page_ids.line_id[:1]
        data = line.attachment_id.raw
        numbers = sorted(self.page_ids.mapped("sequence"))
        if line.mimetype == "application/pdf":
            if numbers == list(range(1, len(line.page_ids) + 1)):
                return data
            reader = PdfReader(io.BytesIO(data), strict=False)
            writer = PdfWriter()
            for number in numbers:
                writer.add_page(reader.pages[number - 1])
            out = io.BytesIO()
            writer.write(out)
            return out.getvalue()
        from PIL import Image  # noqa: PLC0415

        images = [
            Image.open(io.BytesIO(base64.b64decode(p.image))).convert("L")
            for p in self.page_ids.sorted("sequence")
        ]
        out = io.BytesIO()
        images[0].save(
            out, format="PDF", resolution=300, save_all=True, append_images=images[1:]
        )
        return out.getvalue()

    # --------------------------------------------------------------- proposals
    def _emowaten_make_proposals(self):
        Proposal = self.env["emowaten.scan.proposal"]
        vals_list = []
        for doc in self:
            found = extract.extract_all(doc.text or "")
            for kind in ("cin", "phone", "email"):
                vals_list += [
                    {"document_id": doc.id, "kind": kind, "value": value}
                    for value in found[kind]
                ]
            vals_list += [
                {
                    "document_id": doc.id,
                    "kind": "date",
                    "value": fields.Date.to_string(value),
                }
                for value in found["date"]
            ]
            state = doc._emowaten_guess_governorate()
            if state:
                vals_list.append(
                    {
                        "document_id": doc.id,
                        "kind": "state",
                        "state_id": state.id,
                        "value": state.name,
                    }
                )
            category = doc._emowaten_guess_category()
            if category:
                vals_list.append(
                    {
                        "document_id": doc.id,
                        "kind": "category",
                        "category_id": category.id,
                        "value": category.name,
                    }
                )
        return Proposal.create(vals_list)

    def _emowaten_guess_governorate(self):
        states = self.env["res.country.state"].search([("country_id.code", "=", "TN")])
        candidates = []
        for state in states:
            names = [state.name, state.emowaten_name_ar, state.emowaten_name_fr]
            candidates.append((state.id, [n for n in names if n]))
        found = extract.find_named(self.text or "", candidates)
        return states.browse(found) if found else states.browse()

    def _emowaten_guess_category(self):
        # a few dozen categories per installation: reading them all is cheap
        categories = self.env["emowaten.request.category"].search([], limit=1000)
        langs = [code for code, _name in self.env["res.lang"].get_installed()]
        names = {category.id: set() for category in categories}
        for lang in langs:
            for category in categories.with_context(lang=lang):
                names[category.id].add(category.name)
        for category in categories:
            # the keyword list (Arabic and French) of each category
            names[category.id].update(
                word.strip()
                for word in re.split(r"[,\n;،؛]", category.keywords or "")
                if word.strip()
            )
        found = extract.find_named(
            self.text or "",
            [(key, list(n)) for key, n in names.items()],
            affixes=True,
            weighted=True,
        )
        return categories.browse(found) if found else categories.browse()

    # ----------------------------------------------------------------- actions
    def action_accept_all(self):
        """One click: accept the best proposal of each kind into the request."""
        for doc in self:
            if not doc.request_id:
                raise UserError(self.env._("File the document into a request first."))
            best = {}
            for proposal in doc.proposal_ids.sorted("id"):
                best.setdefault(proposal.kind, proposal)
            self.env["emowaten.scan.proposal"].concat(*best.values()).action_accept()
        return True

    def action_file(self):
        """Retry filing a document whose cover sheet named an unknown request, after the
        agent chose the request by hand."""
        for doc in self:
            if doc.state == "filed":
                continue
            if not doc.request_id:
                raise UserError(
                    self.env._("Choose the request this document belongs to.")
                )
            doc._emowaten_attach_to(doc.request_id)
            doc._emowaten_make_proposals()
        return True

    def action_open_request(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "emowaten.request",
            "res_id": self.request_id.id,
            "view_mode": "form",
        }
