"""Throw-away PKI for tests, demo data and benchmarks.

Everything here is a TEST authority: it must never be configured as a trust anchor in
production. It builds a root CA, signer certificates (valid, expired, not yet valid,
revoked), a time-stamping certificate and a CRL with ``cryptography``.
"""

import datetime
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509 import ocsp
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    NameOID,
)

TEST_CA_NAME = "e-Mowaten TEST Root CA (not for production)"


def utcnow():
    return datetime.datetime.now(datetime.UTC).replace(microsecond=0)


def new_rsa_key(bits=2048):
    return rsa.generate_private_key(public_exponent=65537, key_size=bits)


def new_ec_key():
    return ec.generate_private_key(ec.SECP256R1())


def _name(common_name, org="e-Mowaten TEST", country="TN"):
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, org),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _key_usage(**usages):
    """A KeyUsage extension with the given usages on, all others off."""
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    )
    return x509.KeyUsage(**{name: usages.get(name, False) for name in names})


@dataclass
class Issued:
    key: object
    cert: x509.Certificate

    @property
    def cert_der(self):
        return self.cert.public_bytes(serialization.Encoding.DER)

    @property
    def cert_pem(self):
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def key_pem(self):
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def pkcs12(self, passphrase, chain=()):
        return pkcs12.serialize_key_and_certificates(
            b"signer",
            self.key,
            self.cert,
            list(chain) or None,
            serialization.BestAvailableEncryption(passphrase.encode()),
        )


@dataclass
class TestPKI:
    """A root CA able to issue certificates and CRLs."""

    crl_url: str | None = None
    ocsp_url: str | None = None
    root: Issued = None
    revoked: dict = field(default_factory=dict)
    # two CAs of one name are told apart by their keys only, which a revocation
    # list's issuer lookup does not do: give a CA kept beside others a name of its own
    ca_name: str = TEST_CA_NAME

    def __post_init__(self):
        if self.root is None:
            key = new_rsa_key(2048)
            now = utcnow()
            name = _name(self.ca_name)
            cert = (
                x509.CertificateBuilder()
                .subject_name(name)
                .issuer_name(name)
                .public_key(key.public_key())
                .serial_number(x509.random_serial_number())
                .not_valid_before(now - datetime.timedelta(days=3650))
                .not_valid_after(now + datetime.timedelta(days=3650))
                .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
                .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), True)
                .add_extension(
                    x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
                )
                .sign(key, hashes.SHA256())
            )
            self.root = Issued(key, cert)

    def issue(
        self,
        common_name,
        public_key=None,
        key=None,
        not_before=None,
        not_after=None,
        days=730,
        tsa=False,
        org="e-Mowaten TEST",
        non_repudiation=True,
    ):
        """Issue an end-entity certificate; returns :class:`Issued` (key may be None
        when only a public key was given, e.g. a key generated on a token).
        ``non_repudiation=False`` makes a certificate that is not for signatures (an
        authentication certificate, say)."""
        if public_key is None:
            key = key or new_rsa_key(2048)
            public_key = key.public_key()
        now = utcnow()
        not_before = not_before or now - datetime.timedelta(days=1)
        not_after = not_after or not_before + datetime.timedelta(days=days)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name, org=org))
            .issuer_name(self.root.cert.subject)
            .public_key(public_key)
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before)
            .not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), True)
            .add_extension(
                x509.KeyUsage(
                    digital_signature=True,
                    content_commitment=non_repudiation and not tsa,
                    key_encipherment=False,
                    data_encipherment=False,
                    key_agreement=False,
                    key_cert_sign=False,
                    crl_sign=False,
                    encipher_only=False,
                    decipher_only=False,
                ),
                True,
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.root.key.public_key()
                ),
                False,
            )
        )
        if tsa:
            builder = builder.add_extension(
                x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), True
            )
        if self.ocsp_url:
            builder = builder.add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(self.ocsp_url),
                        )
                    ]
                ),
                False,
            )
        if self.crl_url:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(self.crl_url)],
                            None,
                            None,
                            None,
                        )
                    ]
                ),
                False,
            )
        return Issued(key, builder.sign(self.root.key, hashes.SHA256()))

    def intermediate(self, common_name, not_after=None, ca=True, **kw):
        """A CA issued by this one (``ca=False``: a certificate that claims to issue
        but is no CA), as a :class:`TestPKI` issuing from it."""
        key = new_rsa_key(2048)
        now = utcnow()
        cert = (
            x509.CertificateBuilder()
            .subject_name(_name(common_name))
            .issuer_name(self.root.cert.subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=400))
            .not_valid_after(not_after or now + datetime.timedelta(days=1800))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), True)
            .add_extension(
                _key_usage(digital_signature=not ca, key_cert_sign=ca, crl_sign=ca),
                True,
            )
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.root.key.public_key()
                ),
                False,
            )
            .sign(self.root.key, hashes.SHA256())
        )
        return TestPKI(root=Issued(key, cert), **kw)

    def revoke(self, cert, when=None):
        self.revoked[cert.serial_number] = when or utcnow() - datetime.timedelta(
            hours=1
        )

    def crl(self, next_update_days=7, last_update=None):
        """The current CRL (DER); ``last_update`` in the past and a negative
        ``next_update_days`` make one that is out of date."""
        now = utcnow()
        last_update = last_update or now - datetime.timedelta(minutes=5)
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.cert.subject)
            .last_update(last_update)
            .next_update(now + datetime.timedelta(days=next_update_days))
            .add_extension(x509.CRLNumber(len(self.revoked) + 1), False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    self.root.key.public_key()
                ),
                False,
            )
        )
        for serial, when in self.revoked.items():
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(serial)
                .revocation_date(when)
                .build()
            )
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )

    def ocsp_response(self, request_der, issued_by_serial):
        """DER OCSP response signed by the root for a request about one of its
        certificates (``issued_by_serial``: serial -> certificate)."""
        req = ocsp.load_der_ocsp_request(request_der)
        cert = issued_by_serial.get(req.serial_number)
        if cert is None:
            return ocsp.OCSPResponseBuilder.build_unsuccessful(
                ocsp.OCSPResponseStatus.UNAUTHORIZED
            ).public_bytes(serialization.Encoding.DER)
        now = utcnow()
        revoked_at = self.revoked.get(req.serial_number)
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=cert,
            issuer=self.root.cert,
            algorithm=hashes.SHA1(),
            cert_status=(
                ocsp.OCSPCertStatus.REVOKED if revoked_at else ocsp.OCSPCertStatus.GOOD
            ),
            this_update=now - datetime.timedelta(minutes=5),
            next_update=now + datetime.timedelta(hours=4),
            revocation_time=revoked_at,
            revocation_reason=None,
        )
        builder = builder.responder_id(ocsp.OCSPResponderEncoding.HASH, self.root.cert)
        return builder.sign(self.root.key, hashes.SHA256()).public_bytes(
            serialization.Encoding.DER
        )
