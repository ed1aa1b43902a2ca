"""SoftHSM2 token in a directory of its own, for tests, the demo and benchmarks.

SoftHSM reads ``SOFTHSM2_CONF`` when the PKCS#11 library is initialised, so the variable
is set in this process before the first use, and the library is re-initialised after
``softhsm2-util`` creates a token (slots are enumerated at C_Initialize).

A server finds a database's token without any variable exported by the operator:
:func:`use_conf` points this process's SoftHSM at the configuration the database names
(``emowaten_signature.softhsm2_conf``) just before a session is opened. SoftHSM has one
configuration per process: a server whose databases name different configurations
switches between them, which re-initialises the library; do not sign with two such
databases of one server process at the same moment (one demo database per server is the
intended use).
"""

import os
import shutil
import subprocess
import tempfile
import threading

import pkcs11
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass, TokenFlag
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"
SOFTHSM_UTIL = "softhsm2-util"

_CONF_LOCK = threading.Lock()
# module path -> configuration its library was last initialised with by use_conf
_ACTIVE = {}


def available(module=SOFTHSM_LIB):
    """True when the SoftHSM library and its command-line tool are installed."""
    return os.path.exists(module) and bool(shutil.which(SOFTHSM_UTIL))


def write_conf(root):
    """Write ``root``/softhsm2.conf (tokens in ``root``/tokens); return its path."""
    conf = os.path.join(root, "softhsm2.conf")
    tokendir = os.path.join(root, "tokens")
    os.makedirs(tokendir, mode=0o700, exist_ok=True)
    text = (
        f"directories.tokendir = {tokendir}\nobjectstore.backend = file\n"
        "log.level = ERROR\nslots.removable = false\n"
    )
    if os.path.exists(conf):
        with open(conf, encoding="ascii") as fh:
            if fh.read() == text:
                return conf
    with open(conf, "w", encoding="ascii") as fh:
        fh.write(text)
    return conf


def use_conf(module, conf):
    """Make the SoftHSM library ``module`` of this process read ``conf``: set
    ``SOFTHSM2_CONF`` and re-initialise the library when it was initialised with
    another configuration. Does nothing for another PKCS#11 library or without
    ``conf``. Returns the library."""
    if not conf or "softhsm" not in os.path.basename(module or ""):
        return None
    with _CONF_LOCK:
        if os.environ.get("SOFTHSM2_CONF") == conf and _ACTIVE.get(module) == conf:
            return pkcs11.lib(module)
        os.environ["SOFTHSM2_CONF"] = conf
        lib = pkcs11.lib(module)
        lib.reinitialize()
        _ACTIVE[module] = conf
        return lib


def token_labels(lib):
    """Labels of the initialised tokens the library sees."""
    return [
        token.label
        for token in lib.get_tokens()
        if token.flags & TokenFlag.TOKEN_INITIALIZED and token.label
    ]


class SoftHSMToken:
    """A SoftHSM token labelled ``label`` in ``root`` (a new temporary directory by
    default). With ``root`` given, a token already initialised there is reused."""

    def __init__(
        self, label="emowaten-test", user_pin="1234", so_pin="123456", root=None
    ):
        self.label = label
        self.user_pin = user_pin
        self.so_pin = so_pin
        self.root = root or tempfile.mkdtemp(prefix="emowaten-softhsm-")
        self.conf = write_conf(self.root)
        self.lib = use_conf(SOFTHSM_LIB, self.conf)
        if label in token_labels(self.lib):
            return
        subprocess.run(
            [
                SOFTHSM_UTIL,
                "--init-token",
                "--free",
                "--label",
                label,
                "--so-pin",
                so_pin,
                "--pin",
                user_pin,
            ],
            check=True,
            capture_output=True,
            env=dict(os.environ, SOFTHSM2_CONF=self.conf),
        )
        self.lib.reinitialize()

    @property
    def env(self):
        return dict(os.environ, SOFTHSM2_CONF=self.conf)

    def _session(self):
        return self.lib.get_token(token_label=self.label).open(
            rw=True, user_pin=self.user_pin
        )

    def has_certificate(self, label):
        with self.lib.get_token(token_label=self.label).open() as session:
            return bool(
                list(
                    session.get_objects(
                        {
                            Attribute.CLASS: ObjectClass.CERTIFICATE,
                            Attribute.LABEL: label,
                        }
                    )
                )
            )

    def generate_key(self, label, key_id, kind="rsa"):
        """Generate a key pair on the token; return the public key as a
        ``cryptography`` object (to be certified by a test CA)."""
        with self._session() as session:
            if kind == "rsa":
                pub, _priv = session.generate_keypair(
                    KeyType.RSA, 2048, id=key_id, label=label, store=True
                )
                der = encode_rsa_public_key(pub)
                return serialization.load_der_public_key(_rsa_spki(der))
            params = session.create_domain_parameters(
                KeyType.EC,
                {Attribute.EC_PARAMS: encode_named_curve_parameters("secp256r1")},
                local=True,
            )
            pub, _priv = params.generate_keypair(id=key_id, label=label, store=True)
            return serialization.load_der_public_key(encode_ec_public_key(pub))

    def store_certificate(self, label, key_id, cert_der, subject_der=b""):
        with self._session() as session:
            session.create_object(
                {
                    Attribute.CLASS: ObjectClass.CERTIFICATE,
                    Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
                    Attribute.TOKEN: True,
                    Attribute.LABEL: label,
                    Attribute.ID: key_id,
                    Attribute.VALUE: cert_der,
                    Attribute.SUBJECT: subject_der,
                }
            )


def _rsa_spki(pkcs1_der):
    """Wrap a PKCS#1 RSAPublicKey in a SubjectPublicKeyInfo."""
    from asn1crypto import keys

    return keys.PublicKeyInfo(
        {
            "algorithm": {"algorithm": "rsa"},
            "public_key": keys.RSAPublicKey.load(pkcs1_der),
        }
    ).dump()
