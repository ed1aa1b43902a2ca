"""X.509 helpers for the certificate register: parsing, chain check against trust
anchors (pyhanko-certvalidator), CRL and OCSP revocation checks. No Odoo import here."""

import asyncio
import datetime
import hashlib
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import (
    AuthorityInformationAccessOID,
    ExtendedKeyUsageOID,
    ExtensionOID,
    NameOID,
)

# a CRL issued a little "in the future" by a clock slightly ahead is still accepted
CLOCK_SKEW = datetime.timedelta(minutes=5)
KEY_USAGE_NAMES = (
    ("digital_signature", "digitalSignature"),
    ("content_commitment", "nonRepudiation"),
    ("key_encipherment", "keyEncipherment"),
    ("data_encipherment", "dataEncipherment"),
    ("key_agreement", "keyAgreement"),
    ("key_cert_sign", "keyCertSign"),
    ("crl_sign", "cRLSign"),
)


class CertError(Exception):
    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


def load_certificate(data):
    """Load a PEM or DER certificate; returns a ``cryptography`` certificate."""
    if not data:
        raise CertError("empty")
    data = bytes(data)
    try:
        if b"-----BEGIN" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError as exc:
        raise CertError("unreadable", str(exc)) from exc


def der(cert):
    return cert.public_bytes(serialization.Encoding.DER)


def pem(cert):
    return cert.public_bytes(serialization.Encoding.PEM).decode()


@dataclass
class CertInfo:
    subject: str
    common_name: str
    issuer: str
    serial: str
    not_before: datetime.datetime
    not_after: datetime.datetime
    key_usage: str
    fingerprint: str
    is_ca: bool
    key_type: str
    crl_urls: tuple


def _cn(name):
    attrs = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    return attrs[0].value if attrs else name.rfc4514_string()


def describe(cert):
    try:
        ku = cert.extensions.get_extension_for_oid(ExtensionOID.KEY_USAGE).value
        usages = [label for attr, label in KEY_USAGE_NAMES if getattr(ku, attr)]
    except x509.ExtensionNotFound:
        usages = []
    try:
        is_ca = cert.extensions.get_extension_for_oid(
            ExtensionOID.BASIC_CONSTRAINTS
        ).value.ca
    except x509.ExtensionNotFound:
        is_ca = False
    crl_urls = []
    try:
        dps = cert.extensions.get_extension_for_oid(
            ExtensionOID.CRL_DISTRIBUTION_POINTS
        ).value
        for dp in dps:
            for gn in dp.full_name or ():
                if isinstance(gn, x509.UniformResourceIdentifier):
                    crl_urls.append(gn.value)
    except x509.ExtensionNotFound:
        crl_urls = []  # no distribution point: revocation stays "not checked"
    pub = cert.public_key()
    key_type = pub.__class__.__name__.replace("PublicKey", "").replace("_", "")
    size = getattr(pub, "key_size", None)
    return CertInfo(
        subject=cert.subject.rfc4514_string(),
        common_name=_cn(cert.subject),
        issuer=cert.issuer.rfc4514_string(),
        serial=f"{cert.serial_number:X}",
        not_before=cert.not_valid_before_utc.replace(tzinfo=None),
        not_after=cert.not_valid_after_utc.replace(tzinfo=None),
        key_usage=", ".join(usages),
        fingerprint=hashlib.sha256(der(cert)).hexdigest(),
        is_ca=is_ca,
        key_type=(f"{key_type}-{size}") if size else key_type,
        crl_urls=tuple(crl_urls),
    )


class PathResult:
    """What the path validation found: ``chain`` [cert, ..., anchor] as
    ``cryptography`` certificates when it succeeded, else ``problem`` (``untrusted``,
    ``chain_expired``, ``chain_not_yet_valid``, ``bad_usage``) and a ``detail``."""

    def __init__(self, chain=None, problem=None, detail=""):
        self.chain = chain
        self.problem = problem
        self.detail = detail


def check_path(cert, anchors, intermediates=(), moment=None):
    """Validate the certification path of a signer's certificate with
    pyhanko-certvalidator: a chain to one of the trust ``anchors`` (through the
    optional ``intermediates``), every signature, the validity of every certificate at
    ``moment``, basicConstraints and path length of the CAs, and the key usage a
    signature needs (nonRepudiation). Revocation is checked apart (``check_crl`` and
    ``check_ocsp``), with the fall-back to a stored CRL."""
    # imported here: the verifier is only needed by the register's checks
    from pyhanko_certvalidator import (  # noqa: PLC0415
        CertificateValidator,
        ValidationContext,
    )
    from pyhanko_certvalidator import errors as cv_errors  # noqa: PLC0415

    if not anchors:
        return PathResult(problem="untrusted", detail="no trust anchor")
    moment = moment or datetime.datetime.now(datetime.UTC)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=datetime.UTC)
    context = ValidationContext(
        trust_roots=[_asn1(a) for a in anchors],
        other_certs=[_asn1(i) for i in intermediates],
        moment=moment,
        allow_fetching=False,
        # revocation is not this function's concern (see above)
        revocation_mode="soft-fail",
    )
    validator = CertificateValidator(_asn1(cert), validation_context=context)
    try:
        path = asyncio.run(validator.async_validate_usage({"non_repudiation"}))
    except cv_errors.InvalidCertificateError as exc:
        return PathResult(problem="bad_usage", detail=exc.failure_msg)
    except cv_errors.ExpiredError as exc:
        return PathResult(problem="chain_expired", detail=exc.failure_msg)
    except cv_errors.NotYetValidError as exc:
        return PathResult(problem="chain_not_yet_valid", detail=exc.failure_msg)
    except cv_errors.PathValidationError as exc:
        return PathResult(problem="untrusted", detail=exc.failure_msg)
    except cv_errors.PathBuildingError as exc:
        return PathResult(problem="untrusted", detail=str(exc))
    by_der = {der(c): c for c in (cert, *anchors, *intermediates)}
    chain = [by_der[c.dump()] for c in reversed(list(path))]
    return PathResult(chain=chain)


def _asn1(cert):
    return asn1_x509.Certificate.load(der(cert))


def _load_crl(data):
    return (
        x509.load_pem_x509_crl(data)
        if data.startswith(b"-----BEGIN")
        else x509.load_der_x509_crl(data)
    )


def check_crl(cert, issuer, fetch, urls=None, stored=()):
    """Revocation status from the CRL distribution points.

    ``fetch(url) -> bytes`` downloads a CRL (it raises when unreachable). When no
    current CRL can be downloaded, the ``stored`` CRLs (DER, those downloaded before)
    are used while they are current (before their nextUpdate). Returns
    ``("good"|"revoked"|"unknown", detail, crl_der or None)``: ``unknown`` when no
    current CRL signed by the issuer could be had, never a silent "good"."""
    urls = urls if urls is not None else describe(cert).crl_urls
    errors = []
    candidates = []
    for url in urls:
        try:
            candidates.append((url, _load_crl(fetch(url))))
        except Exception as exc:  # pylint: disable=broad-except
            # the kind of failure only: the whole message (a connection pool's
            # retries...) would crowd out the rest of the detail
            errors.append(f"{url}: {exc.__class__.__name__}")
    for data in stored:
        try:
            candidates.append(("stored", _load_crl(bytes(data))))
        except ValueError as exc:
            errors.append(f"stored CRL: {exc}")
    if not candidates and not errors:
        return "unknown", "no_crl_url", None
    now = datetime.datetime.now(datetime.UTC)
    current = []
    for source, crl in candidates:
        if issuer is None or crl.issuer != issuer.subject:
            errors.append(f"{source}: crl_of_another_issuer")
        elif not crl.is_signature_valid(issuer.public_key()):
            errors.append(f"{source}: bad_crl_signature")
        elif crl.last_update_utc > now + CLOCK_SKEW:
            errors.append(f"{source}: crl_not_yet_valid")
        elif crl.next_update_utc is None or crl.next_update_utc < now:
            errors.append(f"{source}: crl_outdated")
        else:
            current.append((source, crl))
    if not current:
        return "unknown", "; ".join(errors), None
    # a revocation is final: any current CRL listing the certificate wins, even
    # when a fresher one (an older one replayed) does not list it
    for _source, crl in current:
        revoked = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
        if revoked is not None:
            return (
                "revoked",
                revoked.revocation_date_utc.isoformat(),
                crl.public_bytes(serialization.Encoding.DER),
            )
    source, crl = max(current, key=lambda item: item[1].last_update_utc)
    detail = source
    if source == "stored":
        detail = "stored CRL valid until {} ({})".format(
            crl.next_update_utc.isoformat(timespec="minutes"),
            "; ".join(errors) or "no download",
        )
    return "good", detail, crl.public_bytes(serialization.Encoding.DER)


def ocsp_urls(cert):
    try:
        aia = cert.extensions.get_extension_for_oid(
            ExtensionOID.AUTHORITY_INFORMATION_ACCESS
        ).value
    except x509.ExtensionNotFound:
        return ()
    return tuple(
        d.access_location.value
        for d in aia
        if d.access_method == AuthorityInformationAccessOID.OCSP
        and isinstance(d.access_location, x509.UniformResourceIdentifier)
    )


def _ocsp_signed_by(response, issuer):
    """The response is signed by the issuer itself, or by a responder certificate the
    issuer delegated (OCSP signing extended key usage)."""
    candidates = [issuer]
    for responder in response.certificates:
        try:
            responder.verify_directly_issued_by(issuer)
            usage = responder.extensions.get_extension_for_oid(
                ExtensionOID.EXTENDED_KEY_USAGE
            ).value
        except Exception:  # pylint: disable=broad-except
            continue
        if ExtendedKeyUsageOID.OCSP_SIGNING in usage:
            candidates.append(responder)
    for signer in candidates:
        key = signer.public_key()
        try:
            if isinstance(key, rsa.RSAPublicKey):
                key.verify(
                    response.signature,
                    response.tbs_response_bytes,
                    padding.PKCS1v15(),
                    response.signature_hash_algorithm,
                )
            elif isinstance(key, ec.EllipticCurvePublicKey):
                key.verify(
                    response.signature,
                    response.tbs_response_bytes,
                    ec.ECDSA(response.signature_hash_algorithm),
                )
            else:
                continue
        except InvalidSignature:
            continue
        return True
    return False


def check_ocsp(cert, issuer, post, urls=None):
    """Revocation status from the OCSP responders of the certificate.

    ``post(url, der_request) -> bytes`` (raises when unreachable). Returns
    ``("good"|"revoked"|"unknown", detail)``; ``unknown`` when no responder answered
    with a response signed by the issuer."""
    urls = urls if urls is not None else ocsp_urls(cert)
    if not urls or issuer is None:
        return "unknown", "no_ocsp_url"
    request = (
        ocsp.OCSPRequestBuilder()
        .add_certificate(cert, issuer, hashes.SHA1())
        .build()
        .public_bytes(serialization.Encoding.DER)
    )
    last_error = ""
    for url in urls:
        try:
            response = ocsp.load_der_ocsp_response(post(url, request))
        except Exception as exc:  # pylint: disable=broad-except
            last_error = f"{url}: {exc}"
            continue
        if response.response_status != ocsp.OCSPResponseStatus.SUCCESSFUL:
            last_error = f"{url}: {response.response_status.name}"
            continue
        if response.serial_number != cert.serial_number or not _ocsp_signed_by(
            response, issuer
        ):
            last_error = f"{url}: bad_ocsp_response"
            continue
        now = datetime.datetime.now(datetime.UTC)
        if response.next_update_utc and response.next_update_utc < now:
            last_error = f"{url}: ocsp_outdated"
            continue
        if response.certificate_status == ocsp.OCSPCertStatus.REVOKED:
            return "revoked", response.revocation_time_utc.isoformat()
        if response.certificate_status == ocsp.OCSPCertStatus.GOOD:
            return "good", url
        last_error = f"{url}: unknown to the responder"
    return "unknown", last_error
