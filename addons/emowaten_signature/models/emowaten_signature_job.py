import datetime
import secrets

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools import agentpkg
from .emowaten_signature_service import TOKEN_REFUSALS


class EmowatenSignatureJob(models.Model):
    """A batch prepared for the workstation signing agent: the server keeps the
    prepared PDFs, the agent fetches the digests with the job's secret URL, signs them
    with the USB token (one PIN entry) and posts the signatures back."""

    _name = "emowaten.signature.job"
    _description = "Workstation Signing Job"
    _order = "id desc"

    name = fields.Char(required=True, readonly=True, default="/")
    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        default=lambda self: self.env.user,
        index=True,
    )
    certificate_id = fields.Many2one(
        "emowaten.signature.certificate",
        required=True,
        readonly=True,
        ondelete="cascade",
    )
    access_token = fields.Char(
        required=True,
        readonly=True,
        copy=False,
        index=True,
        default=lambda self: secrets.token_urlsafe(24),
        groups="base.group_user",
    )
    state = fields.Selection(
        [
            ("pending", "Waiting for the Agent"),
            ("done", "Done"),
            ("failed", "Failed"),
            ("expired", "Expired"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    date_expiry = fields.Datetime(
        required=True,
        readonly=True,
        default=lambda self: fields.Datetime.now() + datetime.timedelta(minutes=30),
    )
    line_ids = fields.One2many("emowaten.signature.job.line", "job_id", readonly=True)
    agent_url = fields.Char(compute="_compute_agent_url")
    agent_command = fields.Text(compute="_compute_agent_url")
    agent_guide_url = fields.Char(
        string="Installation Guide", compute="_compute_agent_url"
    )
    result = fields.Text(readonly=True)

    def _compute_agent_url(self):
        base = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("web.base.url", "")
            .rstrip("/")
        )
        for job in self:
            token = job.sudo().access_token
            job.agent_url = f"{base}/emowaten/signature/agent/{token}"
            job.agent_guide_url = f"{agentpkg.GUIDE_ROUTE}?job={job.id}"
            cert = job.certificate_id
            lang = (job.user_id.lang or "").split("_")[0]
            # the server's address and the job's pairing code filled in
            job.agent_command = agentpkg.command(
                base,
                token,
                cert.pkcs11_module,
                cert.token_label,
                cert.key_label,
                lang=lang if lang in ("ar", "fr") else None,
                raw=cert.use_raw_mechanism,
            )

    @api.model
    def _emowaten_from_token(self, token):
        job = self.sudo().search([("access_token", "=", token or "")], limit=1)
        if job and job.state == "pending" and job.date_expiry < fields.Datetime.now():
            job.state = "expired"
        return job

    def _emowaten_payload(self):
        """What the agent needs: the certificate to use and one digest per answer."""
        self.ensure_one()
        return {
            "job": self.name,
            "certificate": {
                "fingerprint": self.certificate_id.fingerprint,
                "serial": self.certificate_id.serial,
                "subject": self.certificate_id.subject,
                "key_type": self.certificate_id.key_type,
            },
            "lines": [
                {"id": line.id, "label": line.answer_ref, "tbs_digest": line.tbs_digest}
                for line in self.line_ids.filtered(lambda x: x.state == "pending")
            ],
        }

    def _emowaten_submit(self, payload):
        """Finish the job with the agent's answer (see the agent's --help). Runs as the
        job's signatory. Returns a JSON-friendly summary."""
        self.ensure_one()
        if self.state != "pending":
            raise UserError(self.env._("This signing job is no longer open."))
        job = self.with_user(self.user_id).sudo(False)
        service = job.env["emowaten.signature.service"]
        results = []
        if payload.get("error"):
            code = str(payload["error"])
            cert = self.certificate_id
            refusal = service._emowaten_refusal(
                code if code in TOKEN_REFUSALS else "token_error",
                detail=str(payload.get("detail") or code)[:200],
                # the agent's token, on the signatory's computer
                where="workstation",
                module=cert.pkcs11_module or "",
                token=cert.token_label or "",
                key=cert.key_label or "",
                found=str(payload.get("detail") or "")[:200],
            )
            service._emowaten_log_refusal(
                self.line_ids.answer_id, self.certificate_id, refusal, self.name
            )
            self.sudo().write({"state": "failed", "result": refusal.args[0]})
            return {"ok": False, "message": refusal.args[0]}
        signatures = {
            int(s["id"]): s["signature"] for s in payload.get("signatures", [])
        }
        for line in job.line_ids.filtered(lambda x: x.state == "pending"):
            if line.id not in signatures:
                continue
            results.append(line._emowaten_finish(signatures[line.id]))
        ok = all(r["ok"] for r in results) and bool(results)
        self.sudo().write(
            {
                "state": "done" if ok else "failed",
                "result": "\n".join(r["message"] for r in results),
            }
        )
        return {"ok": ok, "results": results}
