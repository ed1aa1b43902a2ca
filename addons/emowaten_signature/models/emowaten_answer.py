import base64
import hashlib

from odoo import api, fields, models

from ..tools import pades

# (subject, citizen, e-mail) of the demo requests whose favourable answers wait for a
# signature
DEMO_TO_SIGN = [
    ("طلب رخصة لتنظيم سوق أسبوعية", "سامي الغربي", "sami.gharbi@example.tn"),
    (
        "Demande d'autorisation d'occupation temporaire du domaine public",
        "Ines Mansour",
        "ines.mansour@example.tn",
    ),
    ("طلب إسناد منحة لجمعية الحي", "مريم الجزيري", "meriem.jaziri@example.tn"),
]


class EmowatenAnswer(models.Model):
    _inherit = "emowaten.answer"

    emowaten_letter_sha256 = fields.Char(
        string="Prepared Letter SHA-256", readonly=True, copy=False
    )
    emowaten_content_sha256 = fields.Char(readonly=True, copy=False)
    emowaten_prepared_date = fields.Datetime(
        string="Prepared for Signature", readonly=True, copy=False
    )
    emowaten_signature_log_ids = fields.One2many(
        "emowaten.signature.log", "answer_id", string="Signature Events", readonly=True
    )
    emowaten_verification_token = fields.Char(
        string="Verification Code",
        compute="_compute_emowaten_verification",
        compute_sudo=True,
    )
    emowaten_verification_url = fields.Char(
        string="Verification Page",
        compute="_compute_emowaten_verification",
        compute_sudo=True,
    )

    def _compute_emowaten_verification(self):
        Service = self.env["emowaten.signature.service"]
        for answer in self:
            log = answer.emowaten_signature_log_ids.filtered(
                lambda x: x.event == "signed"
            )[:1]
            answer.emowaten_verification_token = log.verification_token
            answer.emowaten_verification_url = (
                Service._emowaten_verify_url(log.verification_token) if log else False
            )

    def _emowaten_content_hash(self):
        self.ensure_one()
        text = "\x00".join(
            [self.body_html or "", self.kind or "", self.reason or "", self.lang or ""]
        )
        return hashlib.sha256(text.encode()).hexdigest()

    def _emowaten_prepare_letter(self):
        """Render the letter that will be signed and remember its fingerprint, so that
        any later change to the text or to the stored PDF is detected before signing."""
        for answer in self:
            pdf = answer._emowaten_render_letter_pdf()
            answer._emowaten_store_letter(pdf)
            answer.write(
                {
                    "emowaten_letter_sha256": pades.sha256_hex(pdf),
                    "emowaten_content_sha256": answer._emowaten_content_hash(),
                    "emowaten_prepared_date": fields.Datetime.now(),
                }
            )
        return True

    def _emowaten_letter_bytes(self):
        self.ensure_one()
        if not self.emowaten_letter_sha256 or not self.letter_attachment_id:
            # what is signed is a PDF: rendered as such even where Odoo renders
            # reports as HTML (test mode)
            self.with_context(force_report_rendering=True)._emowaten_prepare_letter()
        return base64.b64decode(self.letter_attachment_id.sudo().datas)

    def _emowaten_letter_unchanged(self):
        self.ensure_one()
        if not self.emowaten_letter_sha256:
            return True  # prepared on the fly at signing time
        if self._emowaten_content_hash() != self.emowaten_content_sha256:
            return False
        data = base64.b64decode(self.letter_attachment_id.sudo().datas or b"")
        return pades.sha256_hex(data) == self.emowaten_letter_sha256

    def action_submit(self):
        res = super().action_submit()
        if not self.env.context.get("emowaten_signature_defer_letter"):
            # otherwise the letter is prepared when it is signed
            self.filtered(lambda a: a.state == "to_sign")._emowaten_prepare_letter()
        return res

    def action_reset_draft(self):
        to_reset = self.filtered(lambda a: a.state == "to_sign")
        res = super().action_reset_draft()
        to_reset.write(
            {
                "emowaten_letter_sha256": False,
                "emowaten_content_sha256": False,
                "emowaten_prepared_date": False,
            }
        )
        return res

    def action_emowaten_sign(self):
        return self.env["emowaten.signature.sign.wizard"]._emowaten_open(self)

    def action_emowaten_verify(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self.emowaten_verification_url,
            "target": "new",
        }

    @api.model
    def _emowaten_demo_to_sign(self, office_ids, per_office=3):
        """Demo data: favourable answers awaiting the signature of each office's
        signatory. Each is made the way an agent makes it (a petition registered at
        the office, studied, answered with the favourable template, submitted), so
        that the request, the answer and the chatter agree. The letter is rendered
        when it is signed (the PDF engine needs the running web server). Idempotent:
        an office with that many answers awaiting signature gets no more."""
        petition = self.env.ref("emowaten_petitions.request_type_petition")
        template = self.env.ref("emowaten_petitions.answer_template_favourable")
        Partner = self.env["res.partner"]
        Request = self.env["emowaten.request"].with_context(
            mail_create_nolog=True, emowaten_no_receipt=True
        )
        answers = self.browse()
        for office in self.env["emowaten.office"].browse(office_ids).exists():
            waiting = self.search_count(
                [("office_id", "=", office.id), ("state", "=", "to_sign")]
            )
            for subject, name, email in DEMO_TO_SIGN[: max(per_office - waiting, 0)]:
                citizen = Partner.search([("email", "=", email)], limit=1)
                if not citizen:
                    citizen = Partner.create({"name": name, "email": email})
                request = Request.create(
                    {
                        "office_id": office.id,
                        "type_id": petition.id,
                        "partner_id": citizen.id,
                        "channel": "counter",
                        "subject": subject,
                        "description": subject,
                        "state_id": office.state_id.id,
                        "state": "registered",
                    }
                )
                request.action_start_study()
                answer = self.create(
                    {
                        "request_id": request.id,
                        "template_id": template.id,
                        "kind": "favourable",
                        "lang": "ar",
                        "body_html": template._emowaten_render(request, "ar"),
                    }
                )
                answer.with_context(
                    emowaten_signature_defer_letter=True
                ).action_submit()
                answers |= answer
        return answers
