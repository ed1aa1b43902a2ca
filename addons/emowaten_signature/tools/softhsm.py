"""SoftHSM2 token in a temporary directory, for tests, the demo and benchmarks.

SoftHSM reads ``SOFTHSM2_CONF`` when the PKCS#11 library is initialised, so the variable
is set in this process before the first use, and the library is re-initialised after
``softhsm2-util`` creates a token (slots are enumerated at C_Initialize).
"""

import os
import subprocess
import tempfile

import pkcs11
from cryptography.hazmat.primitives import serialization
from pkcs11 import Attribute, CertificateType, KeyType, ObjectClass
from pkcs11.util.ec import encode_ec_public_key, encode_named_curve_parameters
from pkcs11.util.rsa import encode_rsa_public_key

SOFTHSM_LIB = "/usr/lib/softhsm/libsofthsm2.so"


class SoftHSMToken:
    def __init__(
        self, label="emowaten-test", user_pin="1234", so_pin="123456", root=None
    ):
        self.label = label
        self.user_pin = user_pin
        self.so_pin = so_pin
        self.root = root or tempfile.mkdtemp(prefix="emowaten-softhsm-")
        self.conf = os.path.join(self.root, "softhsm2.conf")
        tokendir = os.path.join(self.root, "tokens")
        os.makedirs(tokendir, exist_ok=True)
        with open(self.conf, "w", encoding="ascii") as fh:
            fh.write(
                f"directories.tokendir = {tokendir}\nobjectstore.backend = file\n"
                "log.level = ERROR\nslots.removable = false\n"
            )
        os.environ["SOFTHSM2_CONF"] = self.conf
        subprocess.run(
            [
                "softhsm2-util",
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
        lib = pkcs11.lib(SOFTHSM_LIB)
        lib.reinitialize()
        self.lib = lib

    @property
    def env(self):
        return dict(os.environ, SOFTHSM2_CONF=self.conf)

    def _session(self):
        return self.lib.get_token(token_label=self.label).open(
            rw=True, user_pin=self.user_pin
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
