#!/usr/bin/env python3
"""e-Mowaten workstation signing agent.

Runs on the signatory's computer, where the USB token is plugged in. It fetches a
signing job from the e-Mowaten server (the URL shown in the "Sign Answers" dialog), asks
for the token PIN once, signs every digest of the job with the token's private key
through
its PKCS#11 library, and sends the signatures back. The documents never leave the
server:
only SHA-256 digests travel.

Usage:
  emowaten_sign_agent.py --url URL --module /usr/lib/x86_64-linux-gnu/opensc-pkcs11.so
  \\
      --token-label "ID-Trust" --key-label "signature" [--raw] [--pin-env VAR]
  emowaten_sign_agent.py --job-file job.json --out result.json --module ... (offline)

Needs: Python 3.9+ and python-pkcs11 (pip install python-pkcs11).
Exit codes: 0 all signed, 1 some refused by the server, 2 token or PIN error,
3 job or network error.
"""

# A command-line tool: it talks to the signatory on the terminal.
# pylint: disable=print-used
import argparse
import base64
import getpass
import hashlib
import json
import os
import sys
import urllib.error
import urllib.request

# DER prefix of DigestInfo(SHA-256), to sign a precomputed digest with CKM_RSA_PKCS
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class AgentError(Exception):
    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def http_json(url, data=None, timeout=60):
    """GET the job, or POST the answer as a JSON-RPC call to ``URL/submit``."""
    if data is None:
        req = urllib.request.Request(url, headers={"Accept": "application/json"})
    else:
        body = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": data}
        req = urllib.request.Request(
            url.rstrip("/") + "/submit",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "Accept": "application/json"},
        )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            reply = json.loads(resp.read().decode())
            if data is None:
                return reply
            if reply.get("error"):
                raise AgentError("job", json.dumps(reply["error"])[:500])
            return reply.get("result") or {}
    except urllib.error.HTTPError as exc:
        try:
            detail = json.loads(exc.read().decode()).get("error", "")
        except ValueError:
            detail = str(exc)
        raise AgentError("job", detail or str(exc)) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise AgentError("network", str(exc)) from exc


def sign_digests(job, module, token_label, key_label, pin, raw=False):
    """Sign every ``tbs_digest`` of ``job`` with one token login. Returns the list of
    ``{"id", "signature"}`` (base64)."""
    import pkcs11  # noqa: PLC0415  (only needed for signing)
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass  # noqa: PLC0415
    from pkcs11.util.ec import encode_ecdsa_signature  # noqa: PLC0415

    try:
        lib = pkcs11.lib(module)
        token = lib.get_token(token_label=token_label)
    except Exception as exc:  # noqa: BLE001
        raise AgentError("token", f"{exc.__class__.__name__}: {exc}") from exc
    try:
        session = token.open(user_pin=pin)
    except (pkcs11.exceptions.PinIncorrect, pkcs11.exceptions.PinLenRange) as exc:
        raise AgentError("bad_pin", exc.__class__.__name__) from exc
    except Exception as exc:  # noqa: BLE001
        raise AgentError("token", f"{exc.__class__.__name__}: {exc}") from exc
    with session:
        # the job names the certificate to use: refuse to sign with another one
        certs = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
            )
        )
        wanted = job["certificate"]["fingerprint"]
        if not any(
            hashlib.sha256(c[Attribute.VALUE]).hexdigest() == wanted for c in certs
        ):
            raise AgentError("token", f"the token holds no certificate {wanted}")
        key = session.get_key(ObjectClass.PRIVATE_KEY, label=key_label)
        out = []
        for line in job["lines"]:
            digest = bytes.fromhex(line["tbs_digest"])
            if len(digest) != 32:
                raise AgentError("job", "bad digest length")
            if key.key_type == KeyType.RSA:
                signature = key.sign(
                    SHA256_DIGEST_INFO + digest, mechanism=Mechanism.RSA_PKCS
                )
            elif key.key_type == KeyType.EC:
                # raw ECDSA over the digest: what SoftHSM and most cards support
                signature = encode_ecdsa_signature(
                    key.sign(digest, mechanism=Mechanism.ECDSA)
                )
            else:
                raise AgentError("token", f"unsupported key type {key.key_type}")
            out.append(
                {"id": line["id"], "signature": base64.b64encode(signature).decode()}
            )
        del raw  # the mechanism is chosen from the key type; kept for CLI compatibility
        return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--url", help="job URL shown by e-Mowaten")
    src.add_argument("--job-file", help="offline: job JSON saved from the server")
    parser.add_argument("--out", help="offline: where to write the answer JSON")
    parser.add_argument(
        "--module", required=True, help="token's PKCS#11 library (.so/.dll)"
    )
    parser.add_argument("--token-label", required=True)
    parser.add_argument("--key-label", required=True)
    parser.add_argument(
        "--raw", action="store_true", help="raw mechanism (kept for scripts)"
    )
    parser.add_argument(
        "--pin-env",
        help="read the PIN from this environment variable instead of asking",
    )
    args = parser.parse_args(argv)

    try:
        job = (
            http_json(args.url)
            if args.url
            else json.load(open(args.job_file, encoding="utf-8"))
        )  # noqa: SIM115
    except AgentError as exc:
        print(f"Cannot fetch the job: {exc}", file=sys.stderr)
        return 3
    lines = job.get("lines", [])
    subject = job["certificate"]["subject"]
    print(f"Job {job.get('job')}: {len(lines)} document(s) to sign with {subject}")
    for line in lines:
        print("  - {}".format(line.get("label")))
    pin = (
        os.environ.get(args.pin_env) if args.pin_env else getpass.getpass("Token PIN: ")
    )
    try:
        answer = {
            "signatures": sign_digests(
                job, args.module, args.token_label, args.key_label, pin, args.raw
            )
        }
        code = 0
    except AgentError as exc:
        print(f"Signing failed: {exc}", file=sys.stderr)
        answer = {"error": exc.code, "detail": exc.detail}
        code = 2
    if args.url:
        try:
            result = http_json(args.url, answer)
        except AgentError as exc:
            print(f"Cannot send the result: {exc}", file=sys.stderr)
            return 3
        for res in result.get("results", []):
            print("  {} {}".format("OK " if res["ok"] else "REFUSED", res["message"]))
        if result.get("message"):
            print(result["message"])
        if code == 0 and not result.get("ok"):
            code = 1
    else:
        with open(args.out, "w", encoding="utf-8") as fh:
            json.dump(answer, fh)
    return code


if __name__ == "__main__":
    sys.exit(main())
