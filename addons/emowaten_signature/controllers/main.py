import base64
import re

from odoo import http
from odoo.http import request

from ..tools import pades

MAX_UPLOAD = 20 * 1024 * 1024


class EmowatenSignatureController(http.Controller):
    # ------------------------------------------------------------ verification
    def _emowaten_render(
        self,
        report=None,
        log=None,
        token=None,
        error=None,
        uploaded=False,
        verdict=None,
        status=200,
    ):
        return request.render(
            "emowaten_signature.verify_page",
            {
                "report": report,
                "log": log,
                "token": token,
                "error": error,
                "uploaded": uploaded,
                "verdict": verdict,
                "revoked_later": bool(report)
                and any(
                    sig.revoked and not sig.revoked_when_signed
                    for sig in report.signatures
                ),
            },
            status=status,
        )

    def _emowaten_find_log(self, **domain_kw):
        Log = request.env["emowaten.signature.log"].sudo()
        domain = [("event", "=", "signed")] + [
            (k, "=", v) for k, v in domain_kw.items()
        ]
        return Log.search(domain, limit=1)

    def _emowaten_upload_log(self, pdf, report):
        """The signature entry of an uploaded file: the very file we stored, else the
        answer whose verification code names one of its signatures (a copy that was
        later extended, e.g. with an archive time-stamp)."""
        log = self._emowaten_find_log(hash_after=pades.sha256_hex(pdf))
        for sig in report.signatures:
            if log:
                break
            match = re.fullmatch(r"eMowaten-([0-9A-Z]+)", sig.field_name or "")
            if match:
                log = self._emowaten_find_log(verification_token=match.group(1))
        return log or None

    def _emowaten_verdict(self, report, log, uploaded):
        """The page's bottom line: pyhanko's verdict of the signatures, and whether the
        file is an answer signed by e-Mowaten at all."""
        verdict = report.verdict
        if verdict == "valid" and uploaded and not log:
            return "not_emowaten"
        return verdict

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
        verdict = self._emowaten_verdict(report, log, uploaded=False)
        if pades.sha256_hex(pdf) != log.hash_after:
            # the stored copy is not the one that was signed and logged
            report.valid = False
            verdict = "modified"
        return self._emowaten_render(
            report=report, log=log, token=token, verdict=verdict
        )

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
            return self._emowaten_render(error="no_file", status=400)
        pdf = document.read(MAX_UPLOAD + 1)
        if not pdf:
            return self._emowaten_render(error="no_file", status=400)
        if len(pdf) > MAX_UPLOAD:
            return self._emowaten_render(error="too_large", status=413)
        report = (
            request.env["emowaten.signature.service"].sudo()._emowaten_validate(pdf)
        )
        log = self._emowaten_upload_log(pdf, report)
        return self._emowaten_render(
            report=report,
            log=log,
            uploaded=True,
            verdict=self._emowaten_verdict(report, log, uploaded=True),
        )
