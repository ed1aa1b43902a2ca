from werkzeug.exceptions import BadRequest

from odoo import http
from odoo.http import request

from odoo.addons.web.controllers.home import Home
from odoo.addons.web.controllers.utils import ensure_db, is_user_internal


class EmowatenHome(Home):
    """The login page speaks the visitor's language.

    Without the website module /web/login is not a frontend route: it has no language
    prefix and ignores the ``frontend_lang`` cookie that the portal pages set, so a
    French visitor got the login page in the public user's language (the database's
    default, Arabic). The language is taken, in this order, from a ``lang`` query
    parameter (a code such as ``fr_FR`` or the URL code ``fr``), then from a language
    prefix of the address (``/fr/web/login``, as on the portal's pages), then from the
    ``frontend_lang`` cookie; it must be an active language. A language chosen in the
    address goes with the form (a hidden ``lang`` field), so that the page sent back
    after a wrong password speaks it too. A signed-in user keeps their own
    language."""

    def _emowaten_login_lang(self):
        """(language code or None, whether it was chosen in the address)"""
        IrHttp = request.env["ir.http"]
        Lang = request.env["res.lang"]
        # the portal's routing strips a language prefix from the path it hands on;
        # REQUEST_URI keeps the address as it was asked for
        environ = request.httprequest.environ
        uri = environ.get("REQUEST_URI") or request.httprequest.path or ""
        segments = uri.split("?", 1)[0].split("/")
        prefix = segments[1] if len(segments) > 3 and segments[2] == "web" else None
        for candidate, in_url in (
            (request.params.get("lang"), True),
            (prefix, True),
            (request.cookies.get("frontend_lang"), False),
        ):
            if not candidate or not isinstance(candidate, str):
                continue
            code = Lang._get_data(url_code=candidate).code or candidate
            nearest = IrHttp.get_nearest_lang(code)
            if nearest:
                return nearest, in_url
        return None, False

    @http.route("/", type="http", auth="public", website=True, sitemap=False)
    def index(self, s_action=None, db=None, **kw):
        """The site's front door is the citizens' home (Odoo sent every visitor to
        the staff login page); staff signed in go on to the back office."""
        if request.session.uid and is_user_internal(request.session.uid):
            return super().index(s_action=s_action, db=db, **kw)
        return request.render(
            "emowaten_portal.citizen_home", {"page_name": "home", "form": {}}
        )

    @http.route()
    def web_login(self, redirect=None, **kw):
        ensure_db()
        params = request.params
        if (
            request.httprequest.method == "POST"
            and params.get("type", "password") == "password"
            and not (
                isinstance(params.get("login"), str)
                and isinstance(params.get("password"), str)
                and params["login"]
                and params["password"]
            )
        ):
            # Odoo's password login reads credential["login"] unchecked: a POST
            # without a login or a password (a JSON or broken body) answered 500
            raise BadRequest()
        if request.env.uid is None and request.session.uid is None:
            # the visitor as web_login sees them (the public user), with their
            # language
            request.env["ir.http"]._auth_method_public()
            lang, in_url = self._emowaten_login_lang()
            if lang and lang != request.env.lang:
                request.update_context(lang=lang)
            response = super().web_login(redirect=redirect, **kw)
            if in_url and getattr(response, "is_qweb", False):
                response.qcontext["emowaten_login_lang"] = lang
            return response
        return super().web_login(redirect=redirect, **kw)
