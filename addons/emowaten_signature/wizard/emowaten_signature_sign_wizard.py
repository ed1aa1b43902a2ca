from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import format_date

from ..models.emowaten_signature_certificate import SIGNING_STATES
from ..tools import agentpkg


class EmowatenSignatureSignWizard(models.TransientModel):
    """Sign one answer or a batch of answers with one PIN entry."""

    _name = "emowaten.signature.sign.wizard"
    _description = "Sign Answers"

    answer_ids = fields.Many2many("emowaten.answer")
    # only the certificates that may sign are offered; the others are listed in
    # certificate_notes_html with the reason
    certificate_id = fields.Many2one(
        "emowaten.signature.certificate",
        domain="[('id', 'in', usable_certificate_ids)]",
    )
    usable_certificate_ids = fields.Many2many(
        "emowaten.signature.certificate",
        compute="_compute_certificate_notes_html",
    )
    flow = fields.Selection(related="certificate_id.flow")
    certificate_notes_html = fields.Html(
        string="Certificates You Cannot Use",
        compute="_compute_certificate_notes_html",
        sanitize=True,
    )
    has_usable_certificate = fields.Boolean(
        string="Has a Usable Certificate", compute="_compute_certificate_notes_html"
    )
    # answers of the selection the user may not sign (other bodies): left out
    left_out_html = fields.Html(string="Left Out", readonly=True, sanitize=True)
    # workstation flow: where to get the signing agent, and the job's outcome
    agent_links_html = fields.Html(
        string="Signing Agent", compute="_compute_agent_links_html"
    )
    job_state = fields.Selection(related="job_id.state")
    job_result = fields.Text(related="job_id.result")
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
    def _emowaten_usable_certificates(self):
        """The current user's active certificates that may sign now, latest first."""
        now = fields.Datetime.now()
        states = set(SIGNING_STATES)
        # revocation fails closed: an unchecked certificate is offered only when the
        # administrator explicitly allows it
        if not self.env["emowaten.signature.service"]._emowaten_flag(
            "allow_unchecked_revocation"
        ):
            states.discard("not_checked")
        return (
            self.env["emowaten.signature.certificate"]
            .search(
                [("user_id", "=", self.env.uid), ("state", "in", list(states))],
                order="not_after desc",
            )
            .filtered(
                lambda c: (not c.not_before or c.not_before <= now)
                and (not c.not_after or now <= c.not_after)
            )
        )

    def _emowaten_unusable_reason(self, cert):
        """Why ``cert`` cannot sign, in a line the signatory can act on."""
        now = fields.Datetime.now()
        name = cert.name or cert.serial or ""
        if cert.state == "expired" or (cert.not_after and cert.not_after < now):
            return self.env._(
                "%(cert)s expired on %(date)s: ask ANCE/TunTrust for a new "
                "certificate.",
                cert=name,
                date=format_date(self.env, cert.not_after),
            )
        if cert.state == "not_yet_valid" or (cert.not_before and now < cert.not_before):
            return self.env._(
                "%(cert)s is valid only from %(date)s.",
                cert=name,
                date=format_date(self.env, cert.not_before),
            )
        if cert.state == "revoked":
            return self.env._(
                "%(cert)s has been revoked by its certification authority: ask "
                "ANCE/TunTrust for a new certificate.",
                cert=name,
            )
        if cert.state == "untrusted":
            return self.env._(
                "%(cert)s does not chain up to a registered trust anchor: ask your "
                "administrator to register the authority that issued it.",
                cert=name,
            )
        if cert.state == "not_checked":
            return self.env._(
                "The revocation status of %(cert)s could not be checked: ask your "
                "administrator to check the certificate again (Check Now) once the "
                "certification authority can be reached.",
                cert=name,
            )
        if cert.state == "bad_usage":
            return self.env._(
                "%(cert)s is not a signature certificate (no non-repudiation key "
                "usage): import your signature certificate.",
                cert=name,
            )
        return self.env._(
            "%(cert)s has not been imported yet: import the certificate file or "
            "read it from the token.",
            cert=name,
        )

    @api.depends_context("uid")
    def _compute_certificate_notes_html(self):
        usable = self._emowaten_usable_certificates()
        others = (
            self.env["emowaten.signature.certificate"].search(
                [("user_id", "=", self.env.uid)], order="not_after desc"
            )
            - usable
        )
        notes = Markup("")
        if others:
            notes = Markup("<p>%s</p><ul>%s</ul>") % (
                self.env._("Certificates you cannot sign with:")
                if usable
                else self.env._("You have no certificate you can sign with:"),
                Markup("").join(
                    Markup("<li>%s</li>") % self._emowaten_unusable_reason(cert)
                    for cert in others
                ),
            )
        elif not usable:
            notes = Markup("<p>%s</p>") % self.env._(
                "You have no signature certificate: ask your administrator to "
                "register yours."
            )
        for wizard in self:
            wizard.certificate_notes_html = notes or False
            wizard.has_usable_certificate = bool(usable)
            wizard.usable_certificate_ids = usable

    @api.depends("job_id")
    def _compute_agent_links_html(self):
        version = agentpkg.version()
        download = f"{agentpkg.DOWNLOAD_ROUTE}/{agentpkg.wheel_name()}"
        for wizard in self:
            job = f"&job={wizard.job_id.id}" if wizard.job_id else ""
            wizard.agent_links_html = Markup(
                '<p>%s <a href="%s" target="_blank">%s</a> · %s '
                '<a href="%s" target="_blank">العربية</a> · '
                '<a href="%s" target="_blank">Français</a></p>'
            ) % (
                self.env._("Signing agent, version %s:", version),
                download,
                agentpkg.wheel_name(),
                self.env._("installation guide:"),
                f"{agentpkg.GUIDE_ROUTE}?lang=ar{job}",
                f"{agentpkg.GUIDE_ROUTE}?lang=fr{job}",
            )

    def _emowaten_not_authorised_message(self, bodies):
        return self.env._(
            "You are not an authorised signatory of %(body)s: its answers can only "
            "be signed by the holder of a signing authority for it (titular, "
            "delegation or interim).",
            body=", ".join(b.display_name for b in bodies.sudo()),
        )

    @api.model
    def _emowaten_signable(self, answers):
        """Split ``answers`` into those the user may sign for their body today and
        the bodies of the others (read as superuser: an answer of a body one is not
        authorised for may not even be readable)."""
        today = fields.Date.context_today(self)
        Authority = self.env["emowaten.signature.authority"]
        signable = answers.browse()
        other_bodies = self.env["emowaten.body"]
        for answer in answers.sudo():
            if Authority._emowaten_find(self.env.user, answer.body_id, today):
                signable |= answer
            else:
                other_bodies |= answer.body_id
        return answers.browse(signable.ids), other_bodies

    @api.model
    def _emowaten_open(self, answers):
        signable, other_bodies = self._emowaten_signable(answers)
        if not signable:
            # Odoo's access error would otherwise answer (the answers of a body the
            # user does not sign for are often not readable by him)
            raise UserError(self._emowaten_not_authorised_message(other_bodies))
        left_out = False
        if other_bodies:
            left_out = Markup('<p class="text-warning">%s %s</p>') % (
                self.env._("%s answer(s) were left out.", len(answers) - len(signable)),
                self._emowaten_not_authorised_message(other_bodies),
            )
        # the latest certificate that may sign, a token's before a development
        # PKCS#12 file
        certificate = self._emowaten_usable_certificates().sorted(
            lambda c: c.flow != "pkcs12", reverse=True
        )[:1]
        wizard = self.create(
            {
                "answer_ids": [(6, 0, signable.ids)],
                "certificate_id": certificate.id,
                "left_out_html": left_out,
            }
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
            % (
                # an answer the user may not read is named by its body only
                (
                    answer.display_name
                    if answer.has_access("read")
                    else answer.sudo().body_id.display_name
                )
                or "",
                message,
            )
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
        # read as superuser: an answer the user may no longer read (his authority
        # withdrawn since the dialog opened) must be refused with the reason, not
        # silently dropped by the record rules
        wizard = self.sudo()
        todo = (wizard.remaining_ids if self.runs else wizard.answer_ids).with_env(
            self.env
        )
        if self.certificate_id.flow == "workstation":
            # pressed again after a failed or expired job: a new job for the answers
            # still waiting
            todo = (
                (wizard.remaining_ids or wizard.answer_ids)
                .filtered(lambda a: a.state == "to_sign")
                .with_env(self.env)
            )
            if not todo:
                raise UserError(
                    self.env._("These answers have been dealt with already.")
                )
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
        # as superuser: the answers left may include one the user may not read
        # (refused above), which Odoo would not let him link
        self.sudo().write(
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

    def action_refresh(self):
        """Workstation flow: show what the agent did with the job."""
        self.ensure_one()
        job = self.job_id
        if job and job.state == "pending":
            job._emowaten_from_token(job.sudo().access_token)  # expires it when due
        if job and job.state == "done":
            self.write({"done": True, "remaining_ids": [(5, 0, 0)]})
        elif job and job.state in ("failed", "expired"):
            waiting = self.sudo().answer_ids.filtered(lambda a: a.state == "to_sign")
            self.sudo().write({"remaining_ids": [(6, 0, waiting.ids)]})
        return self._emowaten_reopen()
