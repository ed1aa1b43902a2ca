from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..models.emowaten_signature_certificate import SIGNING_STATES


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
    # a batch is signed in runs of bounded length (emowaten_signature.run_seconds):
    # what the runs so far left to sign, and what they did
    runs = fields.Integer(readonly=True)
    remaining_ids = fields.Many2many(
        "emowaten.answer",
        "emowaten_signature_sign_wizard_remaining_rel",
        "wizard_id",
        "answer_id",
        string="Still to Sign",
        readonly=True,
    )
    signed_count = fields.Integer(string="Signed", readonly=True)
    refused_html = fields.Html(string="Refusals", readonly=True, sanitize=True)
    batch_ref = fields.Char(string="Batch", readonly=True)

    @api.model
    def _emowaten_open(self, answers):
        # the latest certificate that may sign, a token's before a development
        # PKCS#12 file
        certificate = (
            self.env["emowaten.signature.certificate"]
            .search([("user_id", "=", self.env.uid)], order="not_after desc")
            .sorted(
                lambda c: (c.state in SIGNING_STATES, c.flow != "pkcs12"),
                reverse=True,
            )[:1]
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
            # a menu that answers with an error dialog reads as a crash: show the
            # (empty) list of answers to sign, saying why it is empty
            action = self.env["ir.actions.act_window"]._for_xml_id(
                "emowaten_petitions.emowaten_answer_action_to_sign"
            )
            action["help"] = Markup(
                '<p class="o_view_nocontent_smiling_face">%s</p><p>%s</p>'
            ) % (
                self.env._("No answer is awaiting your signature."),
                self.env._(
                    "Answers appear here when an agent submits a favourable answer "
                    "of a body you are authorised to sign for."
                ),
            )
            return action
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

    def _emowaten_refusal_lines(self, refused):
        return Markup("").join(
            Markup('<p class="text-danger">%s: %s</p>')
            % (answer.display_name or "", message)
            for answer, _code, message in refused
        )

    def _emowaten_summary(
        self, signed_count, refused_html, remaining, why_remaining="budget"
    ):
        """``why_remaining``: why ``remaining`` answers were not signed — the run's
        time was spent (``budget``), the token or certificate refused the whole run
        (``refused``), or they were busy (``busy``)."""
        parts = []
        if signed_count:
            parts.append(
                Markup('<p class="text-success">%s</p>')
                % self.env._("%s answer(s) signed and sent.", signed_count)
            )
        if refused_html:
            parts.append(refused_html)
        if remaining and why_remaining == "budget":
            message = self.env._(
                "%s answer(s) still await your signature: a run of signatures "
                "stops after a while so that it never outlasts the server's time "
                "limit. Enter your PIN again and press Sign to go on.",
                len(remaining),
            )
        elif remaining and why_remaining == "refused":
            message = self.env._(
                "%s answer(s) still await your signature: none was signed in this "
                "attempt, and none was lost.",
                len(remaining),
            )
        elif remaining:
            message = self.env._(
                "%s answer(s) were being changed by someone else and were left "
                "as they were: press Sign again to sign them.",
                len(remaining),
            )
        if remaining:
            parts.append(Markup('<p class="text-warning">%s</p>') % message)
        return Markup("").join(parts) or escape("")

    def action_sign(self):
        self.ensure_one()
        if self.done:
            raise UserError(self.env._("These answers have been dealt with already."))
        if not self.certificate_id:
            raise UserError(self.env._("Choose the certificate to sign with."))
        service = self.env["emowaten.signature.service"]
        todo = self.remaining_ids if self.runs else self.answer_ids
        if self.certificate_id.flow == "workstation":
            job, refused = service._emowaten_prepare_job(todo, self.certificate_id)
            self.write(
                {
                    "job_id": job and job.id,
                    "result_html": self._emowaten_summary(
                        0, self._emowaten_refusal_lines(refused), None
                    ),
                }
            )
            return self._emowaten_reopen()
        secret = self.pin or self.env.context.get("emowaten_secret") or ""
        batch_ref = self.batch_ref or (
            service._emowaten_new_token() if len(self.answer_ids) > 1 else False
        )
        # the PIN leaves the row before anything else is done (and committed with
        # the run's first step)
        self.write({"pin": False, "runs": self.runs + 1, "batch_ref": batch_ref})
        try:
            budget = max(float(service._emowaten_param("run_seconds", "30")), 0.0)
        except (TypeError, ValueError):
            budget = 30.0  # a setting mistyped by hand: the default
        result = service._emowaten_sign_answers(
            todo,
            self.certificate_id,
            secret,
            batch_ref=batch_ref,
            commit=True,
            budget=budget,
        )
        remaining = result["remaining"]
        whole_run_refused = result["refused"] and remaining == todo
        refused_html = self.refused_html or Markup("")
        if whole_run_refused:
            # the token or the certificate refused: nothing was tried, all remain
            current = (
                Markup('<p class="text-danger">%s</p>') % (result["refused"][0][2])
            )
        else:
            refused_html += self._emowaten_refusal_lines(result["refused"])
            current = Markup("")
        if whole_run_refused:
            why_remaining = "refused"
        elif result.get("budget_spent"):
            why_remaining = "budget"
        else:
            why_remaining = "busy"
        signed_count = self.signed_count + len(result["signed"])
        self.write(
            {
                "done": not remaining,
                "remaining_ids": [(6, 0, remaining.ids)],
                "signed_count": signed_count,
                "refused_html": refused_html,
                "result_html": self._emowaten_summary(
                    signed_count, refused_html + current, remaining, why_remaining
                ),
            }
        )
        return self._emowaten_reopen()
