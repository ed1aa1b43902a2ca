"""The adversarial suite (issue 16, finding 8), HTTP side.

Every route of our addons (read from the routing map, so a new route is covered at
once) receives hostile input from an anonymous visitor and, for the routes that need a
session, from the portal citizen: NUL bytes (raw and %00) in the path and the
parameters, CR/LF, invalid UTF-8, 1 MB fields, a pixel bomb PNG (10000 x 10000, a few
kB), wrong content types, a missing CSRF token. Expected: no 5xx answer, no injected
header, and nothing of the hostile input written (requests, citizens, attachments,
messages and answers are counted before and after; whatever was written is searched
for the payload).
"""

import collections
import hashlib
import inspect
import io
import json
import logging
import os
import re
import socket
from urllib.parse import urlsplit

from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import EmowatenDemoCase

_logger = logging.getLogger(__name__)

MB = 1024 * 1024
NUL = "\x00"
CRLF = "adv\r\nX-Adversarial: injected"
BAD_UTF8 = b"adv\xff\xfe\xc3\x28"
PATH_PAYLOADS = ("%00", "a%00b", "%0d%0aX-Adversarial:%20injected", "%ff%fe%c3%28")
WATCHED = (
    "emowaten.request",
    "res.partner",
    "ir.attachment",
    "mail.message",
    "emowaten.answer",
)
GENERIC_PARAMS = ("reference", "cin", "tracking_code", "code", "redirect", "lang")
# EMOWATEN_ADVERSARIAL_VERBOSE=1 keeps the server's tracebacks (to diagnose a 5xx);
# EMOWATEN_ADVERSARIAL_ROUTES=<regex> limits the run to the matching routes.
VERBOSE = os.environ.get("EMOWATEN_ADVERSARIAL_VERBOSE") == "1"
ONLY = os.environ.get("EMOWATEN_ADVERSARIAL_ROUTES")
QUIET = (() if VERBOSE else ("odoo.http", "odoo.sql_db")) + (
    "odoo.addons.http_routing.models.ir_http",
    "odoo.addons.emowaten_portal.controllers.main",
    "odoo.addons.emowaten_portal.controllers.portal",
    "odoo.addons.emowaten_signature.controllers.main",
    "odoo.addons.base.models.ir_attachment",
    "odoo.addons.base.models.ir_http",
    "werkzeug",
    "odoo.addons.base.models.res_users",
    "odoo.tests.common",
)
FORM_RE = re.compile(r"<form\b([^>]*)>(.*?)</form>", re.S | re.I)
FIELD_RE = re.compile(r"<(input|textarea|select)\b([^>]*)>", re.I)
ATTR_RE = re.compile(r'([a-zA-Z_:-]+)\s*=\s*"([^"]*)"')
OPTION_RE = re.compile(r'<option\b[^>]*value="([^"]+)"', re.I)


def pixel_bomb():
    """A PNG of 10000 x 10000 pixels that weighs a few kilobytes."""
    from PIL import Image  # noqa: PLC0415 - only this test needs it

    buffer = io.BytesIO()
    Image.new("1", (10000, 10000)).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def parse_forms(html):
    """[(action, method, {name: (kind, value)})] of the forms of a page."""
    forms = []
    for form_attrs, body in FORM_RE.findall(html or ""):
        attrs = dict(ATTR_RE.findall(form_attrs))
        fields = {}
        for tag, raw in FIELD_RE.findall(body):
            field = dict(ATTR_RE.findall(raw))
            name = field.get("name")
            if not name:
                continue
            kind = tag.lower()
            if kind == "input":
                kind = field.get("type", "text").lower()
            if field.get("tabindex") == "-1" and kind not in ("hidden", "submit"):
                kind = "honeypot"  # hidden from people: only robots fill it
            value = field.get("value", "")
            if kind == "select":
                rest = body.split(raw, 1)[-1]
                options = OPTION_RE.findall(rest.split("</select>", 1)[0])
                value = options[0] if options else ""
            fields[name] = (kind, value)
        forms.append(
            (attrs.get("action", ""), attrs.get("method", "get").upper(), fields)
        )
    return forms


def valid_value(name, kind, value):
    """A plausible valid value for a form field."""
    if kind in ("hidden", "submit", "select", "honeypot"):
        return value
    if kind in ("checkbox", "radio"):
        return value or "on"
    if "cin" in name:
        return "09876543"
    if "email" in name:
        return "adversarial@example.tn"
    if "phone" in name:
        return "+216 22 123 456"
    if name == "score":
        return "5"
    if name == "reference":
        return "REQ/2026/00001"
    return "Adversarial test"


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestAdversarialHttp(EmowatenDemoCase):
    """Hostile input to every public route of ours, and the portal's as the citizen."""

    def setUp(self):
        super().setUp()
        self.tries = collections.Counter()
        self.tries_who = collections.Counter()
        self.failures = []
        self.accepted_clean = []
        self.statuses = collections.Counter()
        self.controls = []
        self.citizen = self.env["res.users"].search([("login", "=", "citoyen")])
        Request = self.env["emowaten.request"]
        self.own_request = Request.search(
            [("partner_id", "=", self.citizen.partner_id.id)], limit=1, order="id desc"
        )
        self.other_request = Request.search(
            [
                ("partner_id", "!=", self.citizen.partner_id.id),
                ("partner_id", "!=", False),
            ],
            limit=1,
        )
        self.own_answer = self.env["emowaten.answer"].search(
            [("request_id.partner_id", "=", self.citizen.partner_id.id)], limit=1
        )
        self.bomb = pixel_bomb()
        self.bomb_sha = hashlib.sha1(self.bomb).hexdigest()

    # --- the routes -------------------------------------------------------------------
    def _our_routes(self):
        routes = []
        for rule in self.env["ir.http"].routing_map().iter_rules():
            endpoint = rule.endpoint
            module = getattr(endpoint, "__module__", "") or ""
            if not module.startswith("odoo.addons.emowaten_"):
                continue
            if ONLY and not re.search(ONLY, rule.rule):
                continue
            routing = endpoint.routing
            methods = [
                m for m in (rule.methods or {"GET", "POST"}) if m in ("GET", "POST")
            ]
            try:
                params = [
                    p.name
                    for p in inspect.signature(endpoint).parameters.values()
                    if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)
                ]
            except (TypeError, ValueError):
                params = []
            routes.append(
                {
                    "rule": rule.rule,
                    "args": sorted(rule.arguments),
                    "auth": routing.get("auth"),
                    "type": routing.get("type"),
                    "csrf": routing.get("csrf", True),
                    "methods": sorted(methods),
                    "params": [p for p in params if p not in rule.arguments],
                }
            )
        return routes

    def _url(self, route, override=None):
        """The route's URL with real values for its arguments (the citizen's file)."""
        override = override or {}

        def value(name, converter):
            if name in override:
                return override[name]
            if converter == "int" or name.endswith("_id") or name == "page":
                if name == "answer_id":
                    return str(self.own_answer.id or 1)
                if name == "page":
                    return "1"
                return str(self.own_request.id or 1)
            return "adversarial"

        return re.sub(
            r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>",
            lambda m: value(m.group(2), m.group(1)),
            route["rule"],
        )

    # --- the checks -------------------------------------------------------------------
    def _snapshot(self):
        snap = {}
        for model in WATCHED:
            Model = self.env[model].sudo().with_context(active_test=False)
            last = Model.search([], limit=1, order="id desc")
            snap[model] = (Model.search_count([]), last.id or 0)
        return snap

    def _hostile_written(self, before):
        """The rows written since ``before`` that carry the hostile input."""
        found = []
        self.env.invalidate_all()
        for model in WATCHED:
            Model = self.env[model].sudo().with_context(active_test=False)
            new = Model.search([("id", ">", before[model][1])])
            for record in new:
                if model == "ir.attachment":
                    if record.checksum == self.bomb_sha:
                        found.append(f"{model} #{record.id} (the pixel bomb)")
                    continue
                for name, field in Model._fields.items():
                    if field.type not in ("char", "text", "html") or not field.store:
                        continue
                    value = record[name]
                    if not isinstance(value, str) or not value:
                        continue
                    single = field.type == "char"
                    if (
                        NUL in value
                        or "\ufffd" in value
                        or len(value) > 100_000
                        or (single and ("\r" in value or "\n" in value))
                    ):
                        found.append(f"{model} #{record.id}.{name}={value[:40]!r}")
        return found

    def _send(self, route, label, method, url, expect_nothing=True, **kwargs):
        """One hostile request: no 5xx, no injected header, nothing hostile written."""
        self.env["emowaten.portal.throttle"].sudo().search([]).unlink()
        self.env.flush_all()
        before = self._snapshot()
        key = f"{method} {route['rule']}"
        self.tries[key] += 1
        self.tries_who[label.split(" ", 1)[0]] += 1
        try:
            with mute_logger(*QUIET):
                response = self.url_open(
                    url, method=method, allow_redirects=False, timeout=60, **kwargs
                )
            status = response.status_code
            headers = response.headers
        except Exception as exc:  # noqa: BLE001 - a dropped connection is a failure too
            self.failures.append(f"{key} [{label}]: no answer ({exc!r})")
            return None
        self.statuses[status // 100 * 100] += 1
        if status >= 500:
            path = urlsplit(url).path
            matched = self._matches(path, method)
            where = "" if matched else " (no route matches: Odoo's fallback)"
            self.failures.append(f"{key} [{label}]: HTTP {status}{where}")
        if "X-Adversarial" in headers:
            self.failures.append(f"{key} [{label}]: header injected")
        after = self._snapshot()
        if expect_nothing and after != before:
            written = self._hostile_written(before)
            if written:
                self.failures.append(
                    f"{key} [{label}]: HTTP {status}, hostile input written: "
                    + ", ".join(written[:5])
                )
            else:
                self.accepted_clean.append(f"{key} [{label}]")
        return response

    def _matches(self, path, method):
        from urllib.parse import unquote  # noqa: PLC0415

        adapter = self.env["ir.http"].routing_map().bind("localhost")
        try:
            adapter.match(unquote(path), method=method)
        except Exception:  # noqa: BLE001 - werkzeug's NotFound, MethodNotAllowed...
            return False
        return True

    def _raw(self, route, label, raw_path):
        """A request line with a raw NUL byte, sent on a bare socket."""
        key = f"GET {route['rule']}"
        self.tries[key] += 1
        self.tries_who[label.split(" ", 1)[0]] += 1
        host, port = urlsplit(self.base_url()).hostname, urlsplit(self.base_url()).port
        try:
            with (
                mute_logger(*QUIET),
                socket.create_connection((host, port), 30) as sock,
            ):
                # the session and the test server's cursor cookie, as the opener sends
                cookies = "; ".join(f"{c.name}={c.value}" for c in self.opener.cookies)
                sock.sendall(
                    b"GET "
                    + raw_path
                    + b" HTTP/1.1\r\nHost: "
                    + host.encode()
                    + b"\r\nCookie: "
                    + cookies.encode()
                    + b"\r\nConnection: close\r\n\r\n"
                )
                status_line = sock.recv(4096).split(b"\r\n", 1)[0]
        except OSError as exc:
            self.failures.append(f"{key} [{label}]: no answer ({exc!r})")
            return
        match = re.match(rb"HTTP/\d\.\d (\d{3})", status_line)
        status = int(match.group(1)) if match else 0
        if status:
            self.statuses[status // 100 * 100] += 1
        if not status or status >= 500:
            self.failures.append(f"{key} [{label}]: {status_line!r}")

    def _csrf(self):
        response = self.url_open("/emowaten/file", timeout=30)
        match = re.search(r'name="csrf_token"\s+value="([^"]+)"', response.text)
        return match.group(1) if match else ""

    def _form_fields(self, route, url):
        """The fields the route's own form sends (from the page that shows it)."""
        pages = [url]
        if "/my/requests/" in route["rule"]:
            pages = [f"/my/requests/{self.own_request.id}"]
        elif route["rule"].startswith("/emowaten/verify"):
            pages = ["/emowaten/verify"]
        fields = {}
        for page in pages:
            try:
                with mute_logger(*QUIET):
                    html = self.url_open(page, timeout=30).text
            except Exception:  # noqa: BLE001
                continue
            for action, method, form_fields in parse_forms(html):
                path = urlsplit(action).path
                if method == "POST" and (
                    path == urlsplit(url).path or not action and page == url
                ):
                    fields.update(form_fields)
        return fields

    # --- the attacks ------------------------------------------------------------------
    def _attack_get(self, route, who, url):
        """NUL, CR/LF and invalid UTF-8 in each argument of the path (or after the
        path), a raw NUL in the request line, and in each parameter."""
        for payload in PATH_PAYLOADS:
            if route["args"]:
                for arg in route["args"]:
                    self._send(
                        route,
                        f"{who} path {arg}={payload}",
                        "GET",
                        self._url(route, {arg: payload}),
                    )
            else:
                self._send(route, f"{who} path+{payload}", "GET", url + payload)
        raw = (url.split("<", 1)[0] + "a").encode() + b"\x00b"
        self._raw(route, f"{who} raw NUL in path", raw)
        # the parameters
        names = set(route["params"]) | set(GENERIC_PARAMS)
        for name in sorted(names):
            for label, value in (
                ("NUL", NUL),
                ("CRLF", CRLF),
                ("bad UTF-8", BAD_UTF8),
            ):
                self._send(
                    route,
                    f"{who} ?{name}={label}",
                    "GET",
                    url,
                    params={name: value},
                )

    def _attack_route(self, route, who):
        url = self._url(route)
        if "GET" in route["methods"]:
            self._attack_get(route, who, url)
        if "POST" not in route["methods"]:
            return
        if route["type"] == "jsonrpc":
            self._attack_jsonrpc(route, who, url)
            return
        fields = self._form_fields(route, url)
        for name in route["params"]:
            fields.setdefault(name, ("text", ""))
        base = {
            name: valid_value(name, kind, value)
            for name, (kind, value) in fields.items()
            if kind not in ("file",) and name != "csrf_token"
        }
        file_fields = [n for n, (kind, _v) in fields.items() if kind == "file"]
        # without the CSRF token, and with wrong content types
        self._send(route, f"{who} no CSRF", "POST", url, data=base)
        token = self._csrf() if route["csrf"] else ""
        with_token = {**base, "csrf_token": token} if token else dict(base)
        self._send(
            route,
            f"{who} JSON body",
            "POST",
            url + f"?csrf_token={token}",
            data=json.dumps(base),
            headers={"Content-Type": "application/json"},
        )
        self._send(
            route,
            f"{who} text/xml body",
            "POST",
            url + f"?csrf_token={token}",
            data="<a>\x00</a>",
            headers={"Content-Type": "text/xml"},
        )
        self._send(
            route,
            f"{who} broken multipart",
            "POST",
            url + f"?csrf_token={token}",
            data=b"--x\r\n\x00\xff",
            headers={"Content-Type": "multipart/form-data; boundary=x"},
        )
        # the control: the valid form is accepted (the payloads below reach the code
        # that checks them, not only the CSRF check)
        before = self._snapshot()
        self._send(
            route,
            f"{who} valid form",
            "POST",
            url,
            data=with_token,
            expect_nothing=False,
        )
        if route["rule"] == "/emowaten/file":
            self.controls.append(
                self._snapshot()["emowaten.request"][0] > before["emowaten.request"][0]
            )
        # each field in turn, the others valid
        textareas = {n for n, (kind, _v) in fields.items() if kind == "textarea"}
        for name in sorted(base):
            if name == "csrf_token" or fields.get(name, ("",))[0] == "honeypot":
                continue
            for label, value in (
                ("NUL", f"adv{NUL}adv"),
                ("CRLF", CRLF),
                ("bad UTF-8", BAD_UTF8),
                ("1 MB", "A" * MB),
            ):
                if isinstance(value, bytes):
                    data = {
                        k: v.encode() if isinstance(v, str) else v
                        for k, v in with_token.items()
                    }
                    data[name] = value
                else:
                    data = {**with_token, name: value}
                self._send(
                    route,
                    f"{who} {name}={label}",
                    "POST",
                    url,
                    data=data,
                    expect_nothing=not (label == "CRLF" and name in textareas),
                )
        # the pixel bomb, in each file field (and the usual names)
        for name in sorted(set(file_fields) | {"attachments", "document"}):
            self._send(
                route,
                f"{who} pixel bomb in {name}",
                "POST",
                url,
                data=with_token,
                files={name: ("bomb.png", self.bomb, "image/png")},
            )
        # the portal routes of a request: another citizen's file
        if "request_id" in route["args"] and who == "citizen" and self.other_request:
            other = self._url(route, {"request_id": str(self.other_request.id)})
            self._send(
                route, f"{who} another citizen's file", "POST", other, data=with_token
            )

    def _attack_jsonrpc(self, route, who, url):
        for label, body, ctype in (
            ("form body", "a=1", "application/x-www-form-urlencoded"),
            ("invalid JSON", "{\x00", "application/json"),
            ("bad UTF-8 JSON", b'{"params": "\xff\xfe"}', "application/json"),
            (
                "NUL params",
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "signatures": NUL,
                            "error": CRLF,
                            "detail": "A" * MB,
                        },
                    }
                ),
                "application/json",
            ),
            (
                "wrong types",
                json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {"signatures": {"x": [NUL]}, "error": 7},
                    }
                ),
                "application/json",
            ),
        ):
            self._send(
                route,
                f"{who} {label}",
                "POST",
                url,
                data=body,
                headers={"Content-Type": ctype},
            )

    def test_adversarial_http(self):
        routes = self._our_routes()
        self.assertTrue(routes, "no route of ours in the routing map")
        self.assertTrue(self.own_request, "the demo citizen has no request")
        public = [r for r in routes if r["auth"] in ("public", "none")]
        private = [r for r in routes if r["auth"] not in ("public", "none")]
        self.authenticate(None, None)
        for route in public + private:
            self._attack_route(route, "anonymous")
        self.authenticate("citoyen", "emowaten")
        for route in public + private:
            self._attack_route(route, "citizen")
        _logger.info(
            "emowaten_demo adversarial HTTP: %s requests to %s routes (%s public); "
            "per visitor: %s; per route: %s; answers: %s; hostile input accepted once "
            "cleaned: %s; failures: %s",
            sum(self.tries.values()),
            len(routes),
            len(public),
            dict(self.tries_who),
            dict(self.tries),
            dict(self.statuses),
            len(self.accepted_clean),
            len(self.failures),
        )
        for line in self.accepted_clean[:40]:
            _logger.info("emowaten_demo adversarial: accepted once cleaned: %s", line)
        self.assertTrue(
            not self.controls or any(self.controls),
            "the valid public form filed no request: the hostile ones prove nothing",
        )
        self.assertFalse(
            self.failures,
            f"{len(self.failures)} failures:\n" + "\n".join(self.failures[:80]),
        )


RPC_ROLES = (
    "agent.tunis",
    "chef.tunis",
    "corr.sante",
    "signataire.tunis",
    "superviseur",
    "admin.emowaten",
    "referent.corruption",
    "citoyen",
)


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestAdversarialJsonRpc(EmowatenDemoCase):
    """The same attempts through the web client's JSON-RPC (/web/dataset/call_kw), as
    each role: out-of-scope requests, their followers and citizens stay out of reach,
    and no call answers 5xx."""

    def _call(self, model, method, args, kwargs=None):
        response = self.opener.post(
            f"{self.base_url()}/web/dataset/call_kw/{model}/{method}",
            json={
                "id": 0,
                "jsonrpc": "2.0",
                "method": "call",
                "params": {
                    "model": model,
                    "method": method,
                    "args": args,
                    "kwargs": kwargs or {},
                },
            },
            timeout=60,
        )
        return response.status_code, response.json() if response.content else {}

    def test_adversarial_jsonrpc(self):
        from .adversarial_policy import Policy  # noqa: PLC0415

        Request = self.env["emowaten.request"]
        sample = Request.search([("confidential", "=", True)]) | Request.search(
            [("confidential", "=", False)], limit=40, order="id desc"
        )
        tries = collections.Counter()
        failures = []
        for login in RPC_ROLES:
            user = self.env["res.users"].search([("login", "=", login)])
            policy = Policy(self.env, user)
            refused = [r for r in sample if policy.request_readable(r) is False]
            if not refused:
                continue
            ids = [r.id for r in refused]
            self.authenticate(login, "emowaten")
            calls = (
                (
                    "emowaten.request",
                    "web_search_read",
                    [[("id", "in", ids)], {"display_name": {}, "partner_id": {}}],
                ),
                ("emowaten.request", "web_read", [ids, {"partner_cin": {}}]),
                ("emowaten.request", "read", [ids, ["subject"]]),
                ("emowaten.request", "write", [ids[:1], {"subject": "rpc"}]),
                (
                    "mail.followers",
                    "search_read",
                    [
                        [("res_model", "=", "emowaten.request"), ("res_id", "in", ids)],
                        ["partner_id"],
                    ],
                ),
                (
                    "mail.message",
                    "search_read",
                    [
                        [("model", "=", "emowaten.request"), ("res_id", "in", ids)],
                        ["body"],
                    ],
                ),
            )
            subject = refused[0].subject
            for model, method, args in calls:
                tries[login] += 1
                with mute_logger(*QUIET, "odoo.addons.base.models.ir_rule"):
                    status, body = self._call(model, method, args)
                if status >= 500:
                    failures.append(f"{login}: {model}.{method}: HTTP {status}")
                    continue
                result = body.get("result")
                if isinstance(result, dict):
                    result = result.get("records")
                leaked = [
                    row
                    for row in (result if isinstance(result, list) else [])
                    if not (
                        model == "mail.message"
                        and self.env["mail.message"].browse(row["id"]).author_id
                        == user.partner_id
                    )
                ]
                if leaked or result is True:
                    failures.append(
                        f"{login}: {model}.{method} on {ids[:5]}: allowed "
                        f"({body!r:.120})"
                    )
            # the control: a file in scope is read through the same calls
            allowed = [r.id for r in sample if policy.request_readable(r)]
            allowed = (
                allowed
                or Request.search(
                    [("partner_id", "=", user.partner_id.id)], limit=1
                ).ids
            )
            if allowed:
                _status, body = self._call(
                    "emowaten.request",
                    "web_search_read",
                    [[("id", "in", allowed[:3])], {"display_name": {}}],
                )
                if not (body.get("result") or {}).get("records"):
                    failures.append(
                        f"{login}: control read of {allowed[:3]}: {body!r:.120}"
                    )
            self.env.invalidate_all()
            if refused[0].subject != subject:
                failures.append(f"{login}: request #{refused[0].id} written over RPC")
        _logger.info(
            "emowaten_demo adversarial JSON-RPC: %s calls; per role: %s; failures: %s",
            sum(tries.values()),
            dict(tries),
            len(failures),
        )
        self.assertFalse(failures, "\n".join(failures))
