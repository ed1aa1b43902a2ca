from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

from .main import read_uploads, upload_help


class EmowatenCustomerPortal(CustomerPortal):
    """The citizen's own requests under /my, and the page a tracking code opens."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "emowaten_request_count" in counters:
            Request = request.env["emowaten.request"]
            values["emowaten_request_count"] = (
                Request.search_count(self._emowaten_my_domain())
                if Request.has_access("read")
                else 0
            )
        return values

    def _emowaten_my_domain(self):
        return [
            ("partner_id", "=", request.env.user.partner_id.id),
            ("state", "!=", "draft"),
        ]

    @http.route(
        ["/my/requests", "/my/requests/page/<int:page>"],
        type="http",
        auth="user",
        methods=["GET"],
        website=True,
    )
    def portal_my_emowaten_requests(self, page=1, **kwargs):
        Request = request.env["emowaten.request"]
        domain = self._emowaten_my_domain()
        total = Request.search_count(domain)
        pager = portal_pager(
            url="/my/requests", total=total, page=page, step=self._items_per_page
        )
        records = Request.search(
            domain, order="id desc", limit=self._items_per_page, offset=pager["offset"]
        )
        request.session["my_emowaten_requests_history"] = records.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "records": records.sudo(),
                "page_name": "emowaten_requests",
                "pager": pager,
                "default_url": "/my/requests",
            }
        )
        return request.render("emowaten_portal.portal_my_requests", values)

    def _emowaten_check(self, request_id, access_token=None):
        """The request, sudoed, if the visitor owns it or holds its token; else None."""
        try:
            return self._document_check_access(
                "emowaten.request", request_id, access_token
            )
        except (AccessError, MissingError):
            return None

    def _emowaten_owned(self, request_id):
        """The request, sudoed, only for its logged-in owner: actions need an
        account."""
        if request.env.user._is_public():
            return None
        record = self._emowaten_check(request_id)
        if record and record.partner_id == request.env.user.partner_id:
            return record
        return None

    def _emowaten_detail_values(self, record, access_token, **kwargs):
        is_owner = (
            not request.env.user._is_public()
            and record.partner_id == request.env.user.partner_id
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "record": record,
                "page_name": "emowaten_request",
                "is_owner": is_owner,
                "access_token": access_token,
                "messages": record._emowaten_portal_messages(),
                "answers": record._emowaten_portal_answers(),
                "notice": kwargs.get("notice"),
                "error": kwargs.get("error"),
                "upload_help": upload_help(),
            }
        )
        return self._get_page_view_values(
            record, access_token, values, "my_emowaten_requests_history", False
        )

    @http.route(
        "/my/requests/<int:request_id>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def portal_my_emowaten_request(self, request_id, access_token=None, **kwargs):
        record = self._emowaten_check(request_id, access_token)
        if not record:
            return request.redirect("/my")
        values = self._emowaten_detail_values(record, access_token, **kwargs)
        return request.render("emowaten_portal.portal_my_request", values)

    @http.route(
        "/my/requests/<int:request_id>/letter/<int:answer_id>",
        type="http",
        auth="public",
        methods=["GET"],
    )
    def portal_my_emowaten_letter(
        self, request_id, answer_id, access_token=None, **kwargs
    ):
        record = self._emowaten_check(request_id, access_token)
        answer = record and record._emowaten_portal_answers().filtered(
            lambda a: a.id == answer_id
        )
        letter = answer and record._emowaten_portal_letter(answer)
        if not letter:
            return request.redirect("/my")
        stream = request.env["ir.binary"]._get_stream_from(letter.sudo())
        return stream.get_response(as_attachment=True)

    def _emowaten_back(self, record, notice=None, error=None):
        url = f"/my/requests/{record.id}"
        params = []
        if notice:
            params.append(f"notice={notice}")
        if error:
            params.append(f"error={error}")
        return request.redirect(
            url + ("?" + "&".join(params) if params else "") + "#actions"
        )

    def _emowaten_render_error(self, record, message):
        values = self._emowaten_detail_values(record, None)
        values["error_message"] = message
        return request.render("emowaten_portal.portal_my_request", values)

    @http.route(
        "/my/requests/<int:request_id>/reply",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_emowaten_reply(self, request_id, message="", **kwargs):
        record = self._emowaten_owned(request_id)
        if not record:
            return request.redirect("/my")
        if len(message or "") > 10000:
            return self._emowaten_render_error(
                record,
                request.env._("The message is too long (at most 10000 characters)."),
            )
        try:
            record._emowaten_portal_reply(message, request.env.user.partner_id)
        except (UserError, ValidationError) as error:
            return self._emowaten_render_error(record, str(error))
        return self._emowaten_back(record, notice="replied")

    @http.route(
        "/my/requests/<int:request_id>/documents",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
        max_content_length=64 * 1024 * 1024,
    )
    def portal_my_emowaten_documents(self, request_id, **kwargs):
        record = self._emowaten_owned(request_id)
        if not record:
            return request.redirect("/my")
        if not record._emowaten_portal_can_withdraw():
            return self._emowaten_render_error(
                record,
                request.env._("Documents can no longer be added to this request."),
            )
        files, errors = read_uploads()
        if errors:
            return self._emowaten_render_error(record, " ".join(errors))
        if not files:
            return self._emowaten_render_error(
                record, request.env._("Choose at least one document to add.")
            )
        record._emowaten_portal_attach(files, author=request.env.user.partner_id)
        return self._emowaten_back(record, notice="documents")

    @http.route(
        "/my/requests/<int:request_id>/withdraw",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_emowaten_withdraw(
        self, request_id, reason="", confirm=None, **kwargs
    ):
        record = self._emowaten_owned(request_id)
        if not record:
            return request.redirect("/my")
        if not confirm:
            return self._emowaten_render_error(
                record,
                request.env._("Tick the box to confirm that you withdraw the request."),
            )
        try:
            record._emowaten_portal_withdraw(request.env.user.partner_id, reason)
        except (UserError, ValidationError) as error:
            return self._emowaten_render_error(record, str(error))
        return self._emowaten_back(record, notice="withdrawn")

    @http.route(
        "/my/requests/<int:request_id>/rate",
        type="http",
        auth="user",
        methods=["POST"],
        website=True,
    )
    def portal_my_emowaten_rate(self, request_id, score=None, comment="", **kwargs):
        record = self._emowaten_owned(request_id)
        if not record:
            return request.redirect("/my")
        try:
            record._emowaten_portal_rate(score, comment)
        except (UserError, ValidationError) as error:
            return self._emowaten_render_error(record, str(error))
        return self._emowaten_back(record, notice="rated")
