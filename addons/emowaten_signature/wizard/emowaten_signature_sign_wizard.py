from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError


class EmowatenSignatureSignWizard(models.TransientModel):
    """Sign one answer or a batch of answers with one PIN entry."""

    _name = "emowaten.signature.sign.wizard"
    _description = "Sign Answers"

    answer_ids = fields.Many2many("emowaten.answer")
    certificate_id = fields.Many2one(
        "emowaten.signature.certificate",
        domain="[('user_id', '=', uid)]",
    )
    flow = fields.Selection(related="certificate_id.flow")
    # Like Odoo's own password wizards: kept in the transient row only until the
    # action reads it, then blanked before anything else runs.
    pin = fields.Char(string="PIN / Passphrase", copy=False)
    job_id = fields.Many2one("emowaten.signature.job", readonly=True)
    agent_command = fields.Text(related="job_id.agent_command")
    result_html = fields.Html(readonly=True, sanitize=True)
    done = fields.Boolean(readonly=True)

    @api.model
    def _emowaten_open(self, answers):
        certificate = self.env["emowaten.signature.certificate"].search(
            [("user_id", "=", self.env.uid)], order="not_after desc", limit=1
        )
        wizard = self.create(
            {"answer_ids": [(6, 0, answers.ids)], "certificate_id": certificate.id}
        )
        return wizard._emowaten_reopen()

    @api.model
    def action_open_pending(self):
        """Batch: all answers awaiting signature for the bodies the user may sign
        for."""
        today = fields.Date.context_today(self)
        Authority = self.env["emowaten.signature.authority"].sudo()
        bodies = Authority.search(
            Authority._emowaten_domain_at(today, user=self.env.user)
        ).body_id
        answers = self.env["emowaten.answer"].search(
            [("state", "=", "to_sign"), ("body_id", "in", bodies.ids)]
        )
        if not answers:
            raise UserError(self.env._("No answer is awaiting your signature."))
        return self._emowaten_open(answers)

    def _emowaten_reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Sign Answers"),
        }

    def _emowaten_summary(self, signed, refused):
        parts = []
        if signed:
            parts.append(
                Markup('<p class="text-success">%s</p>')
                % self.env._("%s answer(s) signed and sent.", len(signed))
            )
        for answer, _code, message in refused:
            parts.append(
                Markup('<p class="text-danger">%s: %s</p>')
                % (answer.display_name or "", message)
            )
        return Markup("").join(parts) or escape("")

    def action_sign(self):
        self.ensure_one()
        if not self.certificate_id:
            raise UserError(self.env._("Choose the certificate to sign with."))
        service = self.env["emowaten.signature.service"]
        if self.certificate_id.flow == "workstation":
            job, refused = service._emowaten_prepare_job(
                self.answer_ids, self.certificate_id
            )
            self.write(
                {
                    "job_id": job and job.id,
                    "result_html": self._emowaten_summary([], refused),
                }
            )
            return self._emowaten_reopen()
        secret = self.pin or self.env.context.get("emowaten_secret") or ""
        self.pin = False
        result = service._emowaten_sign_answers(
            self.answer_ids, self.certificate_id, secret
        )
        self.write(
            {
                "done": True,
                "result_html": self._emowaten_summary(
                    result["signed"], result["refused"]
                ),
            }
        )
        return self._emowaten_reopen()
