import html

from werkzeug.exceptions import BadRequest

from odoo import models
from odoo.http import Response, request

from ..tools.public_input import bad_json_reason, bad_request_reason

OUR_MODULES = "odoo.addons.emowaten_"
SESSION_COOKIE = "session_id="


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _pre_dispatch(cls, rule, args):
        """Refuse, before any of our controllers runs, a request carrying a NUL byte,
        text that is not valid UTF-8 or an oversized field: PostgreSQL would refuse
        it in the middle of the route and the visitor would get an error 500."""
        result = super()._pre_dispatch(rule, args)
        endpoint = rule.endpoint
        func = getattr(endpoint, "func", endpoint)
        module = getattr(func, "__module__", "") or ""
        if not module.startswith(OUR_MODULES):
            return result
        is_http = endpoint.routing.get("type") == "http"
        reason = bad_request_reason(request.httprequest, args, form=is_http)
        if not reason and not is_http:
            try:
                # the body is cached: the JSON-RPC dispatcher reads it again
                reason = bad_json_reason(request.get_json_data())
            except ValueError:
                reason = None  # not JSON: the dispatcher answers it
        if reason:
            message = cls._emowaten_bad_input_message(reason)
            # website routes render the description in their error page; the
            # others answer with the response
            raise BadRequest(
                description=message,
                response=cls._emowaten_bad_input_response(message),
            )
        return result

    @classmethod
    def _serve_fallback(cls):
        """A path that no route serves is looked up as an attachment URL: with a NUL
        byte in it PostgreSQL refused the query and any such URL answered 500."""
        reason = bad_request_reason(request.httprequest, form=False)
        if reason:
            message = cls._emowaten_bad_input_message(reason)
            raise BadRequest(
                description=message,
                response=cls._emowaten_bad_input_response(message),
            )
        return super()._serve_fallback()

    @classmethod
    def _emowaten_bad_input_message(cls, reason):
        env = request.env
        messages = {
            "nul": env._(
                "Your request contains a character that is not allowed (a NUL byte)."
            ),
            "encoding": env._(
                "Your request contains text that is not valid UTF-8. Type it again "
                "instead of pasting it."
            ),
            "length": env._("A field of your request is too long."),
        }
        return messages[reason]

    @classmethod
    def _emowaten_bad_input_response(cls, message):
        env = request.env
        title = env._("Request refused")
        back = env._("Go back, correct the form and send it again.")
        body = (
            f"<!DOCTYPE html><html><head><meta charset='utf-8'/>"
            f"<title>{html.escape(title)}</title></head><body>"
            f"<h1>{html.escape(title)}</h1><p>{html.escape(message)}</p>"
            f"<p>{html.escape(back)}</p></body></html>"
        )
        return Response(body, status=400, content_type="text/html; charset=utf-8")

    @classmethod
    def _post_dispatch(cls, response):
        """The session cookie is sent with ``SameSite=Lax``: a page of another site
        cannot then make the browser of a signed-in user post to e-Mowaten with
        their session (Odoo sets it without the attribute)."""
        result = super()._post_dispatch(response)
        cls._emowaten_session_cookie_samesite(response)
        return result

    @classmethod
    def _emowaten_session_cookie_samesite(cls, response):
        headers = getattr(response, "headers", None)
        if headers is None:
            return
        cookies = headers.getlist("Set-Cookie")
        if not any(c.startswith(SESSION_COOKIE) for c in cookies):
            return
        headers.remove("Set-Cookie")
        for cookie in cookies:
            if cookie.startswith(SESSION_COOKIE) and "samesite=" not in cookie.lower():
                cookie = f"{cookie}; SameSite=Lax"
            headers.add("Set-Cookie", cookie)
