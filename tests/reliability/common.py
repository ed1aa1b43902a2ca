"""Helpers of the reliability tests: an HTTP/JSON-RPC client with its own session, and
the target server (the pytest ``demo_server``, or any running server named by
``EMOWATEN_RELIABILITY_URL`` + ``EMOWATEN_RELIABILITY_DB`` for the long runs)."""

import http.cookiejar
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

from hypothesis import HealthCheck, settings

# generated inputs per property in CI; the benchmark run uses 10000 (README)
EXAMPLES = int(os.environ.get("EMOWATEN_FUZZ_EXAMPLES", "300"))
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
# properties whose every input files a request (e-mail gateway, filing form) cost
# seconds each: 100 by default in CI, EMOWATEN_FUZZ_EXAMPLES when it is set
HEAVY_FUZZ_SETTINGS = settings(
    FUZZ_SETTINGS, max_examples=int(os.environ.get("EMOWATEN_FUZZ_EXAMPLES", "100"))
)
BUSINESS_ERRORS = {
    "odoo.exceptions.UserError",
    "odoo.exceptions.ValidationError",
    "odoo.exceptions.AccessError",
    "odoo.exceptions.MissingError",
    "odoo.exceptions.RedirectWarning",
}
CSRF_RE = re.compile(rb'name="csrf_token"\s+value="([^"]+)"')
# stored HTML (sanitised fields) must hold no live markup at all
LIVE_MARKUP_RE = re.compile(
    r"<\s*(script|iframe|object|embed|fz\d)|<[^>]*\son[a-z]+\s*=|"
    r"(href|src)\s*=\s*[\"']?\s*javascript:",
    re.I,
)
# a page may hold Odoo's own scripts, never one of the payloads echoed unescaped
INJECTED_RE = re.compile(
    r"<fz\d|<script>alert|<img src=x onerror|<svg/onload|<iframe src=//evil", re.I
)


class Response:
    def __init__(self, status, body, headers, url):
        self.status, self.body, self.headers, self.url = status, body, headers, url

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name") or error.get("message")
        self.debug = data.get("debug", "")
        super().__init__(f"{self.name}: {data.get('message')}")

    @property
    def business(self):
        return self.name in BUSINESS_ERRORS


class Client:
    """One browser: cookies, CSRF tokens, JSON-RPC."""

    def __init__(self, url, db, timeout=120):
        self.url, self.db, self.timeout = url, db, timeout
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar)
        )

    def request(self, path, data=None, headers=None, method=None):
        req = urllib.request.Request(
            self.url + path, data=data, headers=headers or {}, method=method
        )
        try:
            with self.opener.open(req, timeout=self.timeout) as resp:
                return Response(resp.status, resp.read(), resp.headers, resp.url)
        except urllib.error.HTTPError as exc:
            return Response(exc.code, exc.read(), exc.headers, self.url + path)

    def get(self, path):
        return self.request(path)

    def csrf(self, path):
        page = self.get(path)
        match = CSRF_RE.search(page.body)
        return match.group(1).decode() if match else ""

    def post_form(self, path, fields, files=()):
        """multipart/form-data POST; ``files``: list of (field, name, bytes, type)."""
        boundary = uuid.uuid4().hex
        parts = []
        for key, value in fields.items():
            values = value if isinstance(value, list) else [value]
            for item in values:
                parts.append(
                    f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"'
                    f"\r\n\r\n".encode()
                    + str(item).encode("utf-8", "surrogatepass")
                    + b"\r\n"
                )
        for field, name, content, ctype in files:
            safe = name.replace('"', "%22").replace("\r", "").replace("\n", "")
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
                f'filename="{safe}"\r\nContent-Type: {ctype}\r\n\r\n'.encode(
                    "utf-8", "surrogatepass"
                )
                + content
                + b"\r\n"
            )
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        return self.request(
            path,
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
        )

    def jsonrpc(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params})
        response = self.request(
            path, data=body.encode(), headers={"Content-Type": "application/json"}
        )
        assert response.status < 500, f"HTTP {response.status} on {path}"
        payload = json.loads(response.body)
        if payload.get("error"):
            raise RpcError(payload["error"])
        return payload.get("result")

    def login(self, login, password):
        return self.jsonrpc(
            "/web/session/authenticate",
            {"db": self.db, "login": login, "password": password},
        )

    def call(self, model, method, *args, **kwargs):
        return self.jsonrpc(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )


class Target:
    def __init__(self, url, db, admin_password="admin"):
        self.url, self.db, self.admin_password = url, db, admin_password
        self._admin = None

    def client(self):
        return Client(self.url, self.db)

    def admin(self):
        if self._admin is None:
            self._admin = self.client()
            self._admin.login("admin", self.admin_password)
        return self._admin

    def has_model(self, name):
        return bool(
            self.admin().call("ir.model", "search_count", [("model", "=", name)])
        )

    def has_route(self, path):
        return self.client().get(path).status != 404

    def set_params(self, values):
        admin = self.admin()
        for key, value in values.items():
            admin.call("ir.config_parameter", "set_param", key, str(value))


def target_from_env():
    url = os.environ.get("EMOWATEN_RELIABILITY_URL")
    if not url:
        return None
    return Target(
        url.rstrip("/"),
        os.environ["EMOWATEN_RELIABILITY_DB"],
        os.environ.get("EMOWATEN_RELIABILITY_ADMIN_PASSWORD", "admin"),
    )


def assert_no_server_error(response, what):
    assert response.status < 500, (
        f"{what}: HTTP {response.status}\n{response.text[:2000]}"
    )
    # Odoo renders an uncaught exception of a website route as its error page
    for marker in ("Traceback (most recent call last)", "Internal Server Error"):
        assert marker not in response.text, f"{what}: exception shown to the user"


def quote(value):
    return urllib.parse.quote(value, safe="")


def record_outcomes(name, outcomes):
    """Print what the generated inputs led to, and keep it in
    $EMOWATEN_FUZZ_REPORT_DIR/<name>.json when set (the 10,000-input runs). Keys
    starting with "+ " count follow-up checks made on some inputs (the stored
    request's page, ...), not inputs."""
    total = sum(n for key, n in outcomes.items() if not key.startswith("+ "))
    print(f"\n[fuzz] {name}: {total} inputs: {dict(outcomes)}")
    folder = os.environ.get("EMOWATEN_FUZZ_REPORT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"{name}.json").write_text(
            json.dumps({"inputs": total, "outcomes": dict(outcomes)}, indent=1)
        )


FRAME_RE = re.compile(r'^\s*File "([^"]+)", line \d+, in (\S+)', re.M)


def refused_by_the_parser(traceback_text):
    """True when a traceback is the standard library's e-mail parser (or Odoo's
    message_parse around it) refusing a malformed message: the exception passed
    through ``message_parse`` and its innermost frame is not e-Mowaten code. An
    exception raised by our own code (an override of message_parse included) is a
    finding, not a bounce."""
    frames = FRAME_RE.findall(traceback_text or "")
    if not frames or not any(func == "message_parse" for _path, func in frames):
        return False
    innermost_path = frames[-1][0]
    return "emowaten_" not in innermost_path
