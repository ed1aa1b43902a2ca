"""e-Mowaten workstation signing agent.

Runs on the signatory's computer, where the USB token is plugged in. It fetches a
signing job from the e-Mowaten server (the command shown in the "Sign Answers" dialog
names the server and the job's pairing code), asks for the token PIN once, signs every
digest of the job with the token's private key through its PKCS#11 library, and sends
the signatures back. The documents never leave the server: only SHA-256 digests
travel.

Usage:
  emowaten-sign-agent --server URL --code CODE --module LIBRARY
      --token-label "ID-Trust" --key-label "signature" [--pin-env VAR] [--lang fr]
  emowaten-sign-agent --url JOB_URL --module ... (the job's whole URL)
  emowaten-sign-agent --job-file job.json --out result.json --module ... (offline)

Needs: Python 3.8+ and python-pkcs11 (installed with the agent's wheel).
Exit codes: 0 all signed, 1 some refused by the server, 2 token or PIN error,
3 job or network error, 4 this agent is outdated (the server says where to get the
new one).
"""

# A command-line tool: it talks to the signatory on the terminal.
# pylint: disable=print-used
import argparse
import base64
import getpass
import hashlib
import json
import locale
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

from . import __version__

# DER prefix of DigestInfo(SHA-256), to sign a precomputed digest with CKM_RSA_PKCS
SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")
JOB_PATH = "/emowaten/signature/agent/"
VERSION_HEADER = "X-Emowaten-Agent-Version"

# What the agent itself says (the server's messages come translated by the server).
MESSAGES = {
    "token_library": {
        "en": "The token software cannot be loaded: {detail}. Install your token's "
        "driver (PKCS#11 library), or correct --module.",
        "fr": "Le logiciel du jeton ne peut pas être chargé : {detail}. Installez le "
        "pilote de votre jeton (bibliothèque PKCS#11), ou corrigez --module.",
        "ar": "تعذّر تحميل برنامج الحامل: {detail}. ثبّتوا برنامج تشغيل حاملكم "
        "(مكتبة PKCS#11) أو صحّحوا الخيار ‎--module.",
    },
    "token_absent": {
        "en": "No signing token is plugged into this computer. Plug your USB token "
        "in and run the same command again.",
        "fr": "Aucun jeton de signature n'est branché sur cet ordinateur. Branchez "
        "votre clé USB et relancez la même commande.",
        "ar": "لا يوجد أي حامل إمضاء موصول بهذا الحاسوب. قوموا بتوصيل حامل USB "
        "وأعيدوا تشغيل نفس الأمر.",
    },
    "token_not_found": {
        "en": "The token {token} is not plugged in (tokens found: {detail}). Plug "
        "in the right token, or correct --token-label.",
        "fr": "Le jeton {token} n'est pas branché (jetons trouvés : {detail}). "
        "Branchez le bon jeton, ou corrigez --token-label.",
        "ar": "الحامل {token} غير موصول (الحوامل الموجودة: {detail}). قوموا "
        "بتوصيل الحامل الصحيح أو صحّحوا الخيار ‎--token-label.",
    },
    "bad_pin": {
        "en": "Wrong PIN: the token refused it.",
        "fr": "Code PIN erroné : le jeton l'a refusé.",
        "ar": "رمز سري خاطئ: رفضه الحامل.",
    },
    "pin_locked": {
        "en": "The PIN of the token is locked after too many wrong entries. Have it "
        "unblocked with the security officer PIN (SO PIN), then sign again.",
        "fr": "Le code PIN du jeton est bloqué après trop d'essais erronés. Faites-le "
        "débloquer avec le code PIN administrateur (SO PIN), puis signez à nouveau.",
        "ar": "الرمز السري للحامل مقفل بعد محاولات خاطئة كثيرة. اطلبوا فكّه "
        "برمز المسؤول الأمني (SO PIN) ثم أمضوا من جديد.",
    },
    "key_not_found": {
        "en": "The token holds no key and certificate labelled {key}: correct "
        "--key-label.",
        "fr": "Le jeton ne contient ni clé ni certificat nommés {key} : corrigez "
        "--key-label.",
        "ar": "لا يحتوي الحامل على مفتاح وشهادة باسم {key}: صحّحوا الخيار ‎--key-label.",
    },
    "wrong_certificate": {
        "en": "The token holds another certificate than the one chosen in "
        "e-Mowaten ({detail}).",
        "fr": "Le jeton contient un autre certificat que celui choisi dans "
        "e-Mowaten ({detail}).",
        "ar": "يحتوي الحامل على شهادة غير التي اخترتموها في e-Mowaten ({detail}).",
    },
    "token": {
        "en": "The token failed: {detail}",
        "fr": "Le jeton a échoué : {detail}",
        "ar": "تعطّل الحامل: {detail}",
    },
    "network": {
        "en": "The e-Mowaten server cannot be reached: {detail}",
        "fr": "Le serveur e-Mowaten est injoignable : {detail}",
        "ar": "تعذّر الاتصال بخادم e-Mowaten: {detail}",
    },
    "job": {
        "en": "The server refused the job: {detail}",
        "fr": "Le serveur a refusé la tâche : {detail}",
        "ar": "رفض الخادم المهمة: {detail}",
    },
    "outdated": {
        "en": "This signing agent ({version}) is outdated.",
        "fr": "Cet agent de signature ({version}) est périmé.",
        "ar": "وكيل الإمضاء هذا ({version}) قديم.",
    },
    "download": {
        "en": "Download the new agent: {url}",
        "fr": "Téléchargez le nouvel agent : {url}",
        "ar": "نزّلوا الوكيل الجديد: {url}",
    },
    "pin_prompt": {
        "en": "Token PIN: ",
        "fr": "Code PIN du jeton : ",
        "ar": "الرمز السري للحامل: ",
    },
    "to_sign": {
        "en": "Job {job}: {count} document(s) to sign with {subject}",
        "fr": "Tâche {job} : {count} document(s) à signer avec {subject}",
        "ar": "المهمة {job}: {count} وثيقة للإمضاء بـ {subject}",
    },
    "again": {
        "en": "Nothing was sent to the server: the job stays open until it expires. "
        "Run the same command again once this is fixed.",
        "fr": "Rien n'a été envoyé au serveur : la tâche reste ouverte jusqu'à son "
        "expiration. Relancez la même commande une fois le problème réglé.",
        "ar": "لم يُرسل أي شيء إلى الخادم: تبقى المهمة مفتوحة إلى أن تنتهي مدتها. "
        "أعيدوا تشغيل نفس الأمر بعد إصلاح المشكل.",
    },
    "signed": {"en": "signed", "fr": "signé", "ar": "أُمضي"},
    "refused": {"en": "REFUSED", "fr": "REFUSÉ", "ar": "مرفوض"},
}
LANGS = ("en", "fr", "ar")
# errors of the workstation's set-up: not sent to the server, the job stays open and
# the same command works once the signatory fixed them
LOCAL_ERRORS = (
    "token_library",
    "token_absent",
    "token_not_found",
    "key_not_found",
    "wrong_certificate",
)
PIN_TRIES = 3


class AgentError(Exception):
    def __init__(self, code, detail="", info=None):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail
        # what the server said, for a refusal it explains (outdated agent)
        self.info = info or {}


def default_lang():
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name)
        if value:
            break
    else:
        value = locale.getlocale()[0] or ""
    value = value.lower()
    return next((lang for lang in LANGS if value.startswith(lang)), "en")


def say(message, lang, **params):
    texts = MESSAGES[message]
    return texts.get(lang, texts["en"]).format(**params)


def job_url(server, code):
    return server.rstrip("/") + JOB_PATH + urllib.parse.quote(code.strip(), safe="")


def _version_query(url):
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}agent_version={urllib.parse.quote(__version__)}"


def _server_error(raw):
    """The server's JSON error body: (code, readable detail, body)."""
    try:
        body = json.loads(raw)
    except ValueError:
        return "job", raw[:300], {}
    if not isinstance(body, dict):
        return "job", raw[:300], {}
    code = body.get("code") or body.get("error") or "job"
    return code, body.get("message") or body.get("error") or "", body


def http_json(url, data=None, timeout=60):
    """GET the job, or POST the answer as a JSON-RPC call to ``URL/submit``."""
    headers = {"Accept": "application/json", VERSION_HEADER: __version__}
    if data is None:
        req = urllib.request.Request(_version_query(url), headers=headers)
    else:
        body = {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": dict(data, agent_version=__version__),
        }
        req = urllib.request.Request(
            url.split("?")[0].rstrip("/") + "/submit",
            data=json.dumps(body).encode(),
            method="POST",
            headers=dict(headers, **{"Content-Type": "application/json"}),
        )
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310
            reply = json.loads(resp.read().decode())
            if data is None:
                return reply
            if reply.get("error"):
                raise AgentError("job", json.dumps(reply["error"])[:500])
            result = reply.get("result") or {}
            if result.get("error") == "agent_outdated":
                raise AgentError("agent_outdated", result.get("message", ""), result)
            return result
    except urllib.error.HTTPError as exc:
        code, detail, body = _server_error(exc.read().decode("utf-8", "replace"))
        if code == "agent_outdated":
            raise AgentError(code, detail, body) from exc
        raise AgentError("job", detail or str(exc)) from exc
    except (urllib.error.URLError, OSError) as exc:
        raise AgentError("network", str(exc)) from exc


def open_token(module, token_label):
    """The token labelled ``token_label`` of the PKCS#11 library ``module``; an
    ``AgentError`` saying what is missing otherwise (library, any token, that one)."""
    import pkcs11  # noqa: PLC0415  (only needed for signing)
    from pkcs11 import TokenFlag  # noqa: PLC0415

    try:
        lib = pkcs11.lib(module)
    except (pkcs11.PKCS11Error, OSError, RuntimeError) as exc:
        raise AgentError("token_library", f"{module} ({exc})") from exc
    try:
        tokens = [
            t
            for t in lib.get_tokens()
            if t.flags & TokenFlag.TOKEN_INITIALIZED and t.label
        ]
    except pkcs11.PKCS11Error as exc:
        raise AgentError("token", f"{exc.__class__.__name__}: {exc}") from exc
    if not tokens:
        raise AgentError("token_absent")
    for token in tokens:
        if token.label == token_label:
            return token
    raise AgentError("token_not_found", ", ".join(t.label for t in tokens))


def sign_digests(job, module, token_label, key_label, pin, raw=False):
    """Sign every ``tbs_digest`` of ``job`` with one token login. Returns the list of
    ``{"id", "signature"}`` (base64)."""
    import pkcs11  # noqa: PLC0415  (only needed for signing)
    from pkcs11 import Attribute, KeyType, Mechanism, ObjectClass  # noqa: PLC0415
    from pkcs11.util.ec import encode_ecdsa_signature  # noqa: PLC0415

    token = open_token(module, token_label)
    try:
        session = token.open(user_pin=pin)
    except (
        pkcs11.exceptions.PinIncorrect,
        pkcs11.exceptions.PinLenRange,
        pkcs11.exceptions.PinInvalid,
    ) as exc:
        raise AgentError("bad_pin", exc.__class__.__name__) from exc
    except pkcs11.exceptions.PinLocked as exc:
        raise AgentError("pin_locked", exc.__class__.__name__) from exc
    except (
        pkcs11.exceptions.TokenNotPresent,
        pkcs11.exceptions.TokenNotRecognised,
        pkcs11.exceptions.DeviceRemoved,
    ) as exc:
        raise AgentError("token_absent", exc.__class__.__name__) from exc
    except Exception as exc:  # noqa: BLE001
        raise AgentError("token", f"{exc.__class__.__name__}: {exc}") from exc
    with session:
        # the job names the certificate to use: refuse to sign with another one
        certs = list(
            session.get_objects(
                {Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.LABEL: key_label}
            )
        )
        if not certs:
            raise AgentError("key_not_found", key_label)
        wanted = job["certificate"]["fingerprint"]
        if not any(
            hashlib.sha256(c[Attribute.VALUE]).hexdigest() == wanted for c in certs
        ):
            raise AgentError("wrong_certificate", job["certificate"].get("subject"))
        try:
            key = session.get_key(ObjectClass.PRIVATE_KEY, label=key_label)
        except (
            pkcs11.exceptions.NoSuchKey,
            pkcs11.exceptions.MultipleObjectsReturned,
        ) as exc:
            raise AgentError("key_not_found", key_label) from exc
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


def describe(exc, lang, token_label="", key_label=""):
    """The signatory's message for an ``AgentError``."""
    if exc.code == "agent_outdated":
        lines = [exc.detail or say("outdated", lang, version=__version__)]
        url = exc.info.get("download_url")
        if url and url not in lines[0]:
            lines.append(say("download", lang, url=url))
        return "\n".join(lines)
    if exc.code in MESSAGES:
        return say(
            exc.code,
            lang,
            detail=exc.detail or "-",
            token=token_label,
            key=key_label or exc.detail,
        )
    return str(exc)


def build_parser():
    parser = argparse.ArgumentParser(
        prog="emowaten-sign-agent", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument(
        "--version", action="version", version=f"emowaten-sign-agent {__version__}"
    )
    parser.add_argument("--server", help="e-Mowaten server address (with --code)")
    parser.add_argument("--code", help="pairing code of the job, shown by e-Mowaten")
    parser.add_argument(
        "--url", help="the job's whole URL (instead of --server/--code)"
    )
    parser.add_argument("--job-file", help="offline: job JSON saved from the server")
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
    parser.add_argument(
        "--lang", choices=LANGS, default=None, help="language of the messages"
    )
    return parser


def sign_job(args, job, lang, fail):
    """Sign the job with the token. Returns ``(answer, local)``: the answer for the
    server (signatures, or the token's error), and whether the error is one of the
    workstation's set-up (told, and not sent to the server). An interactive PIN may
    be typed again after a wrong one."""
    try:
        # the token is looked for before the PIN is asked: a missing token is said
        # at once
        open_token(args.module, args.token_label)
    except AgentError as exc:
        fail(exc, 2)
        return {"error": exc.code, "detail": exc.detail}, True
    tries = 1 if args.pin_env else PIN_TRIES
    for attempt in range(1, tries + 1):
        pin = (
            os.environ.get(args.pin_env)
            if args.pin_env
            else getpass.getpass(say("pin_prompt", lang))
        )
        try:
            signatures = sign_digests(
                job, args.module, args.token_label, args.key_label, pin, args.raw
            )
            return {"signatures": signatures}, False
        except AgentError as exc:
            fail(exc, 2)
            if exc.code == "bad_pin" and attempt < tries:
                continue
            return {"error": exc.code, "detail": exc.detail}, exc.code in LOCAL_ERRORS
    raise AssertionError("unreachable")


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    lang = args.lang or default_lang()
    url = args.url
    if not url and args.server and args.code:
        url = job_url(args.server, args.code)
    if not url and not args.job_file:
        parser.error("--server and --code (or --url, or --job-file) are required")
    if args.job_file and not args.out:
        parser.error("--job-file needs --out")

    def fail(exc, code):
        print(describe(exc, lang, args.token_label, args.key_label), file=sys.stderr)
        return code

    try:
        if url:
            job = http_json(url)
        else:
            with open(args.job_file, encoding="utf-8") as fh:
                job = json.load(fh)
    except AgentError as exc:
        return fail(exc, 4 if exc.code == "agent_outdated" else 3)
    lines = job.get("lines", [])
    subject = job["certificate"]["subject"]
    print(say("to_sign", lang, job=job.get("job"), count=len(lines), subject=subject))
    for line in lines:
        print("  - {}".format(line.get("label")))
    answer, local = sign_job(args, job, lang, fail)
    code = 2 if "error" in answer else 0
    if local and url:
        # the workstation's set-up: nothing sent, the job stays open
        print(say("again", lang), file=sys.stderr)
        return code
    if url:
        try:
            result = http_json(url, answer)
        except AgentError as exc:
            return fail(exc, 4 if exc.code == "agent_outdated" else 3)
        for res in result.get("results", []):
            word = say("signed" if res["ok"] else "refused", lang)
            print(f"  {word}: {res['message']}")
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
