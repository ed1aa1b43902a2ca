import base64
import re

from odoo import http
from odoo.http import request

from ..tools import pades

MAX_UPLOAD = 20 * 1024 * 1024


class EmowatenSignatureController(http.Controller):
    # ------------------------------------------------------------ verification
    def _emowaten_render(
        self, report=None, log=None, token=None, error=None, uploaded=False
    ):
        return request.render(
            "emowaten_signature.verify_page",
            {
                "report": report,
                "log": log,
                "token": token,
                "error": error,
                "uploaded": uploaded,
            },
        )

    def _emowaten_find_log(self, **domain_kw):
        Log = request.env["emowaten.signature.log"].sudo()
        domain = [("event", "=", "signed")] + [
            (k, "=", v) for k, v in domain_kw.items()
        ]
        return Log.search(domain, limit=1)

    @http.route(
        "/emowaten/verify",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
        sitemap=False,
    )
    def verify_form(self, code=None, **kw):
        if code:
            return request.redirect(
                "/emowaten/verify/{}".format(re.sub(r"[^0-9A-Za-z]", "", code).upper())
            )
        return self._emowaten_render()

    @http.route(
        "/emowaten/verify/<string:token>",
        type="http",
        auth="public",
        website=True,
        sitemap=False,
    )
    def verify_token(self, token, **kw):
        token = re.sub(r"[^0-9A-Za-z]", "", token or "").upper()
        log = self._emowaten_find_log(verification_token=token) if token else None
        if not log or not log.signed_attachment_id:
            return self._emowaten_render(token=token, error="unknown")

        pdf = base64.b64decode(log.signed_attachment_id.sudo().datas or b"")
        report = (
            request.env["emowaten.signature.service"].sudo()._emowaten_validate(pdf)
        )
        if pades.sha256_hex(pdf) != log.hash_after:
            report.valid = False
            report.error = "stored_copy_changed"
        return self._emowaten_render(report=report, log=log, token=token)

    @http.route(
        "/emowaten/verify/upload",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        sitemap=False,
    )
    def verify_upload(self, document=None, **kw):
        if document is None or not getattr(document, "read", None):
            return self._emowaten_render(error="no_file")
        pdf = document.read(MAX_UPLOAD + 1)
        if len(pdf) > MAX_UPLOAD:
            return self._emowaten_render(error="too_large")
        report = (
            request.env["emowaten.signature.service"].sudo()._emowaten_validate(pdf)
        )
        log = self._emowaten_find_log(hash_after=pades.sha256_hex(pdf))
        return self._emowaten_render(report=report, log=log or None, uploaded=True)
