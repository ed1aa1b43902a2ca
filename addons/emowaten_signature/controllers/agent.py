from markupsafe import Markup

from odoo import http
from odoo.http import content_disposition, request

from ..tools import agentpkg

VERSION_HEADER = "X-Emowaten-Agent-Version"
# the guide's two languages, as the URL names them
GUIDE_LANGS = {"ar": "ar_001", "fr": "fr_FR"}


def _base_url():
    base = request.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
    return base.rstrip("/")


class EmowatenSignatureAgentController(http.Controller):
    """The workstation signing agent: its job API (authenticated by the job's secret
    pairing code), its wheel and its installation guide (for signed-in users)."""

    # ------------------------------------------------------------------ helpers
    def _emowaten_agent_version(self, kw):
        return (
            kw.get("agent_version")
            or request.httprequest.headers.get(VERSION_HEADER)
            or ""
        )

    def _emowaten_outdated(self, agent_version, job):
        """The refusal of an outdated agent (in the signatory's language), or None."""
        if not agentpkg.is_outdated(agent_version):
            return None
        env = request.env
        if job:
            env = env(context=dict(env.context, lang=job.sudo().user_id.lang))
        base = _base_url()
        download = base + agentpkg.DOWNLOAD_ROUTE + "/" + agentpkg.wheel_name()
        guide = base + agentpkg.GUIDE_ROUTE
        message = env._(
            "This signing agent (version %(version)s) is outdated: the server needs "
            "version %(min)s or later. Download the new agent from %(url)s, install "
            "it as the guide %(guide)s explains (pip install, then the same "
            "command), and run the command again.",
            version=agent_version or "-",
            min=agentpkg.MIN_VERSION,
            url=download,
            guide=guide,
        )
        return {
            # "error" carries the message itself: the agents before the package
            # print it as it is
            "error": message,
            "code": "agent_outdated",
            "message": message,
            "download_url": download,
            "guide_url": guide,
            "min_version": agentpkg.MIN_VERSION,
            "version": agentpkg.version(),
        }

    # -------------------------------------------------------- signing agent API
    @http.route(
        "/emowaten/signature/agent/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        sitemap=False,
    )
    def agent_job(self, token, **kw):
        """The job for the workstation signing agent. The job's unguessable secret in
        the URL (the pairing code) authenticates it, like a portal access token, and
        the job expires."""
        job = request.env["emowaten.signature.job"].sudo()._emowaten_from_token(token)
        if not job:
            return request.make_json_response({"error": "unknown_job"}, status=404)
        if job.state != "pending":
            return request.make_json_response(
                {"error": "job_closed", "state": job.state}, status=410
            )
        # a job to sign: the agent must be one the server works with
        outdated = self._emowaten_outdated(self._emowaten_agent_version(kw), job)
        if outdated:
            return request.make_json_response(outdated, status=426)
        return request.make_json_response(job._emowaten_payload())

    @http.route(
        "/emowaten/signature/agent/<string:token>/submit",
        type="jsonrpc",
        auth="public",
        methods=["POST"],
        csrf=False,
    )
    def agent_submit(self, token, signatures=None, error=None, detail=None, **kw):
        """The agent's answer (JSON-RPC): the signatures, or the token error it met."""
        job = request.env["emowaten.signature.job"].sudo()._emowaten_from_token(token)
        if not job or job.state != "pending":
            return {"ok": False, "error": "job_closed"}
        outdated = self._emowaten_outdated(self._emowaten_agent_version(kw), job)
        if outdated:
            return dict(outdated, ok=False, error="agent_outdated")
        payload = {"signatures": signatures or []}
        if error:
            payload = {"error": error, "detail": detail}
        # the rest of the request (chatter, e-mail to the citizen) runs as the signatory
        request.update_env(user=job.user_id.id)
        return (
            request.env["emowaten.signature.job"]
            .sudo()
            .browse(job.id)
            ._emowaten_submit(payload)
        )

    # ------------------------------------------------------- download and guide
    @http.route(agentpkg.DOWNLOAD_ROUTE, type="http", auth="user", methods=["GET"])
    def agent_download_latest(self, **kw):
        return request.redirect(
            f"{agentpkg.DOWNLOAD_ROUTE}/{agentpkg.wheel_name()}", local=True
        )

    @http.route(
        f"{agentpkg.DOWNLOAD_ROUTE}/<string:filename>",
        type="http",
        auth="user",
        methods=["GET"],
    )
    def agent_download(self, filename, **kw):
        """The agent's wheel, built from its source (the file name says its
        version; an older name leads to the current one)."""
        name = agentpkg.wheel_name()
        if filename != name:
            return request.redirect(f"{agentpkg.DOWNLOAD_ROUTE}/{name}", local=True)
        return request.make_response(
            agentpkg.build_wheel(),
            headers=[
                ("Content-Type", "application/octet-stream"),
                ("Content-Disposition", content_disposition(name)),
                ("Cache-Control", "no-cache"),
            ],
        )

    @http.route(agentpkg.GUIDE_ROUTE, type="http", auth="user", methods=["GET"])
    def agent_guide(self, job=None, lang=None, **kw):
        """One page, in Arabic or in French, to install the agent on Linux or
        Windows; with ``job`` (one of the user's signing jobs), the command to run
        has the server and the job's pairing code filled in."""
        env = request.env
        installed = {code for code, _name in env["res.lang"].get_installed()}
        lang_code = GUIDE_LANGS.get(lang)
        if lang_code not in installed:
            lang_code = env.user.lang if env.user.lang in installed else None
        if lang_code:
            env = env(context=dict(env.context, lang=lang_code))
        values = self._emowaten_guide_values(env, job)
        values.update(
            lang_code=(lang_code or "en_US").split("_")[0],
            direction="rtl" if (lang_code or "").startswith("ar") else "ltr",
            lang_links=[
                (
                    key,
                    f"{agentpkg.GUIDE_ROUTE}?lang={key}"
                    + (f"&job={values['job'].id}" if values["job"] else ""),
                )
                for key, code in GUIDE_LANGS.items()
                if code in installed
            ],
        )
        html = env["ir.ui.view"]._render_template(
            "emowaten_signature.agent_guide_page", values
        )
        return request.make_response(
            Markup("<!DOCTYPE html>\n") + html,
            headers=[("Content-Type", "text/html; charset=utf-8")],
        )

    def _emowaten_guide_values(self, env, job_id):
        base = _base_url()
        job = env["emowaten.signature.job"]
        if job_id and str(job_id).isdigit():
            # the user's own jobs only: the pairing code is the signatory's
            job = job.search(
                [("id", "=", int(job_id)), ("user_id", "=", env.uid)], limit=1
            )
        cert = job.certificate_id or env["emowaten.signature.certificate"].search(
            [("user_id", "=", env.uid), ("flow", "=", "workstation")],
            order="not_after desc",
            limit=1,
        )
        placeholder = env._("CODE")
        command = agentpkg.command(
            base,
            job.sudo().access_token if job else placeholder,
            cert.pkcs11_module or "",
            cert.token_label or "",
            cert.key_label or "",
            lang=(env.lang or "").split("_")[0] if env.lang else None,
            raw=cert.use_raw_mechanism,
        )
        wheel = agentpkg.wheel_name()
        return {
            "windows_install": (
                f'py -m pip install --user "%USERPROFILE%\\Downloads\\{wheel}"'
            ),
            "linux_packages": "sudo apt install python3-venv opensc",
            "linux_install": (
                "python3 -m venv ~/emowaten-agent\n"
                f"~/emowaten-agent/bin/pip install ~/Downloads/{wheel}"
            ),
            "linux_command": "~/emowaten-agent/bin/" + command,
            "job": job,
            "version": agentpkg.version(),
            "wheel_name": wheel,
            "download_url": f"{base}{agentpkg.DOWNLOAD_ROUTE}/{wheel}",
            "server_url": base,
            "command": command,
            "command_name": agentpkg.COMMAND,
        }
