import base64

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

ANSWER_KINDS = [
    ("favourable", "Favourable"),
    ("unfavourable", "Unfavourable"),
    ("partial", "Partial"),
    ("information", "Information / Guidance"),
    ("orientation", "Orientation to another body"),
]


class EmowatenAnswer(models.Model):
    _name = "emowaten.answer"
    _description = "Written Answer to a Request"
    _inherit = ["mail.thread"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    request_id = fields.Many2one(
        "emowaten.request", required=True, ondelete="cascade", index=True
    )
    office_id = fields.Many2one(related="request_id.office_id", store=True, index=True)
    body_id = fields.Many2one(
        "emowaten.body",
        compute="_compute_body_id",
        store=True,
        index=True,
        help="Body answering: the child file's body, or the office's own body.",
    )
    partner_id = fields.Many2one(related="request_id.partner_id")
    confidential = fields.Boolean(related="request_id.confidential", store=True)
    kind = fields.Selection(
        ANSWER_KINDS, required=True, default="information", tracking=True
    )
    lang = fields.Selection(
        [("ar", "Arabic"), ("fr", "French")],
        string="Letter Language",
        default="ar",
        required=True,
    )
    template_id = fields.Many2one("emowaten.answer.template")
    body_html = fields.Html(string="Letter", sanitize=True)
    reason = fields.Text(string="Reasons")
    orientation_body_id = fields.Many2one("emowaten.body", string="Competent Body")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_sign", "Awaiting Signature"),
            ("signed", "Signed"),
            ("sent", "Sent"),
        ],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    letter_attachment_id = fields.Many2one(
        "ir.attachment", string="Letter (PDF)", copy=False
    )
    signed_attachment_id = fields.Many2one(
        "ir.attachment", string="Signed Letter", copy=False
    )
    signatory_id = fields.Many2one(
        "res.users", string="Signed By", copy=False, readonly=True
    )
    date_signed = fields.Datetime(copy=False, readonly=True)
    date_sent = fields.Datetime(copy=False, readonly=True)
    author_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )

    @api.depends("request_id.name", "kind")
    def _compute_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for answer in self:
            answer.name = (
                f"{answer.request_id.name or ''} – {kinds.get(answer.kind, '')}"
            )

    @api.depends("request_id.name", "kind")
    @api.depends_context("lang")
    def _compute_display_name(self):
        # the stored name keeps the kind in the language of whoever created the
        # answer; what a person reads follows their own language
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for answer in self:
            answer.display_name = (
                f"{answer.request_id.name or ''} – {kinds.get(answer.kind, '')}"
            )

    @api.depends("request_id.body_id", "request_id.office_id")
    def _compute_body_id(self):
        for answer in self:
            answer.body_id = (
                answer.request_id.body_id or answer.request_id.office_id.body_id
            )

    @api.onchange("template_id", "lang")
    def _onchange_template_id(self):
        if self.template_id and self.request_id:
            self.kind = self.template_id.kind
            self.body_html = self.template_id._emowaten_render(
                self.request_id, self.lang
            )
            if self.template_id.reason and not self.reason:
                self.reason = self.template_id.reason

    @api.constrains("kind", "reason", "orientation_body_id")
    def _check_reason(self):
        for answer in self:
            if answer.kind == "unfavourable" and not (answer.reason or "").strip():
                raise ValidationError(
                    self.env._("An unfavourable answer must give its reasons.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        answers = super().create(vals_list)
        requests = answers.request_id.filtered(
            lambda r: r.state in ("registered", "screening", "routed", "study")
        )
        if requests:
            requests.write({"state": "answer_drafted"})
        return answers

    def _get_report_base_filename(self):
        self.ensure_one()
        return self.env._("Answer %s", (self.request_id.name or "").replace("/", "-"))

    # ----------------------------------------------------------------- hooks
    def _emowaten_needs_signature(self):
        """True when this answer needs an authorised signatory's signature before it
        is sent: a favourable answer on a type that requires it."""
        self.ensure_one()
        return self.kind == "favourable" and self.request_id.type_id.signature_required

    def _emowaten_render_letter_pdf(self):
        """The answer letter as PDF bytes (QWeb report on the office's letterhead)."""
        self.ensure_one()
        report = self.env.ref("emowaten_petitions.action_report_answer_letter")
        pdf, _fmt = self.env["ir.actions.report"]._render_qweb_pdf(report, self.ids)
        return pdf

    def _emowaten_store_letter(self, pdf_bytes, signed=False):
        self.ensure_one()
        attachment = self.env["ir.attachment"].create(
            {
                "name": self.env._(
                    "Answer %s.pdf", self.request_id.name.replace("/", "-")
                )
                if not signed
                else self.env._(
                    "Signed answer %s.pdf", self.request_id.name.replace("/", "-")
                ),
                "datas": base64.b64encode(pdf_bytes),
                "res_model": "emowaten.request",
                "res_id": self.request_id.id,
                "mimetype": "application/pdf",
            }
        )
        field = "signed_attachment_id" if signed else "letter_attachment_id"
        self[field] = attachment
        return attachment

    def _emowaten_mark_signed(self, pdf_bytes):
        """Store the signed PDF (given by emowaten_signature), then send the answer."""
        self.ensure_one()
        if self.state not in ("to_sign", "draft"):
            raise UserError(
                self.env._("Only an answer awaiting signature can be signed.")
            )
        self._emowaten_store_letter(pdf_bytes, signed=True)
        self.write(
            {
                "state": "signed",
                "signatory_id": self.env.user.id,
                "date_signed": fields.Datetime.now(),
            }
        )
        return self.action_send()

    # ---------------------------------------------------------------- actions
    def action_submit(self):
        """Validate the draft: send it, or put it in the signatory's queue."""
        for answer in self:
            if answer.state != "draft":
                continue
            if not answer.body_html or not answer.body_html.striptags().strip():
                raise UserError(self.env._("Write the text of the answer first."))
            if answer._emowaten_needs_signature():
                answer.state = "to_sign"
                answer.request_id.write({"state": "to_sign"})
                answer.request_id.message_post(
                    body=self.env._(
                        "Favourable answer awaiting an authorised signature."
                    )
                )
            else:
                answer.action_send()
        return True

    def action_send(self):
        """E-mail the letter to the citizen and mark the request answered."""
        for answer in self:
            if answer.state == "sent":
                continue
            # the citizen's message and e-mail are written in the citizen's language,
            # not in the sender's (as on the signing path, see emowaten_signature)
            answer = answer.with_context(lang=answer.partner_id.lang or self.env.lang)
            if answer.state != "signed" and answer._emowaten_needs_signature():
                raise UserError(
                    self.env._(
                        "A favourable answer must be signed by an authorised "
                        "signatory before "
                        "it is sent."
                    )
                )
            attachment = answer.signed_attachment_id or answer.letter_attachment_id
            if not attachment:
                attachment = answer._emowaten_store_letter(
                    answer._emowaten_render_letter_pdf()
                )
            answer.write({"state": "sent", "date_sent": fields.Datetime.now()})
            request = answer.request_id
            request.write({"state": "answered"})
            request.message_post(
                body=Markup("<p>%s</p>%s")
                % (
                    answer.env._("Written answer to %s", request.name),
                    answer.body_html or "",
                ),
                subject=answer.env._("Answer to your request %s", request.name),
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
                partner_ids=request.partner_id.ids,
                attachment_ids=attachment.ids,
            )
            if request.parent_id:
                request._emowaten_child_answered()
        return True

    def action_print_letter(self):
        return self.env.ref(
            "emowaten_petitions.action_report_answer_letter"
        ).report_action(self)

    def action_reset_draft(self):
        self.filtered(lambda a: a.state == "to_sign").write({"state": "draft"})
        return True
