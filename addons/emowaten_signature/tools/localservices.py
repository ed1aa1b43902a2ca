"""Local RFC 3161 time-stamping authority and CRL distribution point, for tests, the
demo
and benchmarks. They stand in for TunTrust's TSA and CRL servers (external services),
and
speak the real protocols over HTTP on 127.0.0.1 so the production code paths are
used."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from asn1crypto import keys, tsp
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps.dummy_client import DummyTimeStamper


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        # keep test output clean: the server is ours and quiet
        pass

    def _reply(self, code, body=b"", ctype="application/octet-stream"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        services = self.server.services
        if self.path == "/crl" and services.crl_provider:
            return self._reply(200, services.crl_provider(), "application/pkix-crl")
        return self._reply(404)

    def do_POST(self):
        services = self.server.services
        length = int(self.headers.get("Content-Length") or 0)
        if self.path == "/ocsp" and services.ocsp_provider:
            body = services.ocsp_provider(self.rfile.read(length))
            return self._reply(200, body, "application/ocsp-response")
        if self.path != "/tsa" or services.timestamper is None:
            return self._reply(404)
        req = tsp.TimeStampReq.load(self.rfile.read(length))
        resp = services.timestamper.request_tsa_response(req)
        services.tsa_requests += 1
        return self._reply(200, resp.dump(), "application/timestamp-reply")


class LocalServices:
    """Start with :meth:`start`, stop with :meth:`stop`. ``tsa_url`` and ``crl_url`` are
    the endpoints. ``crl_provider`` is a callable returning the current DER CRL."""

    def __init__(self):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.services = self
        self.timestamper = None
        self.crl_provider = None
        self.ocsp_provider = None
        self.tsa_requests = 0
        self._thread = None

    @property
    def base_url(self):
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    @property
    def tsa_url(self):
        return self.base_url + "/tsa"

    @property
    def crl_url(self):
        return self.base_url + "/crl"

    @property
    def ocsp_url(self):
        return self.base_url + "/ocsp"

    def set_tsa(self, issued, chain=()):
        """Use an issued TSA certificate (testpki.Issued) to answer time-stamp
        requests."""
        key_der = issued.key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        self.timestamper = DummyTimeStamper(
            tsa_cert=asn1_x509.Certificate.load(issued.cert_der),
            tsa_key=keys.PrivateKeyInfo.load(key_der),
            certs_to_embed=[asn1_x509.Certificate.load(c) for c in chain],
        )

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
