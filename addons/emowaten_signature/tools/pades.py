"""PAdES signing and validation with pyhanko: server-side PKCS#11, PKCS#12, and the
two-step (interrupted) flow of the workstation agent. No Odoo import here."""

import asyncio
import collections
import contextlib
import datetime
import hashlib
import io
import logging
import threading
from dataclasses import dataclass, field

from asn1crypto import cms
from asn1crypto import crl as asn1_crl
from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.ades.report import AdESPassed
from pyhanko.sign.diff_analysis import ModificationLevel
from pyhanko.sign.signers.pdf_byterange import PreparedByteRangeDigest
from pyhanko.sign.signers.pdf_signer import (
    PdfTBSDocument,
    PostSignInstructions,
    PreSignValidationStatus,
)
from pyhanko.sign.timestamps import HTTPTimeStamper
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.ades import ades_lta_validation
from pyhanko.sign.validation.dss import DocumentSecurityStore
from pyhanko.sign.validation.policy_decl import (
    PdfSignatureValidationSpec,
    RevinfoOnlineFetchingRule,
    RevocationInfoGatheringSpec,
    SignatureValidationSpec,
)
from pyhanko_certvalidator import CertificateValidator, ValidationContext
from pyhanko_certvalidator.context import CertValidationPolicySpec
from pyhanko_certvalidator.fetchers.requests_fetchers import RequestsFetcherBackend
from pyhanko_certvalidator.ltv.types import ValidationTimingInfo
from pyhanko_certvalidator.policy_decl import (
    CertRevTrustPolicy,
    RevocationCheckingPolicy,
    RevocationCheckingRule,
)
from pyhanko_certvalidator.registry import SimpleCertificateStore, SimpleTrustManager

from .stamp import BilingualStampStyle

MD = "sha256"
# room for the CMS: signature, certificates, an RFC 3161 token
EXTERNAL_BYTES_RESERVED = 24576


class PadesError(Exception):
    """Raised with a stable ``code`` the Odoo layer turns into a translated message."""

    def __init__(self, code, detail=""):
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = detail


@dataclass
class StampSpec:
    lines: tuple
    url: str = ""
    # box on the page in PDF points (x1, y1, x2, y2); page -1 is the last page
    box: tuple = (40, 40, 400, 130)
    page: int = -1
    font_path: str = ""


@dataclass
class SignOptions:
    field_name: str = "eMowatenSignature"
    reason: str = ""
    location: str = ""
    name: str = ""
    stamp: StampSpec | None = None
    tsa_url: str = ""
    # long-term: the validation context (trust anchors, known CRLs, fetching) from
    # which pyhanko gathers the chains and revocation data it embeds in the DSS (B-LT);
    # with a TSA, pyhanko adds the document time-stamp too (B-LTA)
    validation_context: ValidationContext | None = None

    @property
    def level(self):
        """The PAdES level these options produce."""
        if self.validation_context is not None:
            return "B-LTA" if self.tsa_url else "B-LT"
        return "B-T" if self.tsa_url else "B-B"


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def to_asn1(cert):
    """asn1crypto certificate from DER bytes or a ``cryptography`` certificate."""
    if isinstance(cert, asn1_x509.Certificate):
        return cert
    if isinstance(cert, x509.Certificate):
        from cryptography.hazmat.primitives import serialization

        cert = cert.public_bytes(serialization.Encoding.DER)
    return asn1_x509.Certificate.load(cert)


def validation_context(
    trust_roots,
    crls=(),
    other_certs=(),
    allow_fetching=False,
    revocation_mode="soft-fail",
    fetch_timeout=None,
):
    kwargs = {}
    if allow_fetching and fetch_timeout:
        kwargs["fetcher_backend"] = RequestsFetcherBackend(
            per_request_timeout=fetch_timeout
        )
    return ValidationContext(
        trust_roots=[to_asn1(c) for c in trust_roots],
        other_certs=[to_asn1(c) for c in other_certs],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        allow_fetching=allow_fetching,
        revocation_mode=revocation_mode,
        **kwargs,
    )


def long_term_context(trust_roots, crls=(), fetch_timeout=5):
    """The validation context a long-term signature is made with: the revocation
    data of the signer's and the TSA's chains is required (it is what the DSS keeps);
    the CRLs already known are used, what is missing is fetched."""
    return validation_context(
        trust_roots,
        crls=crls,
        allow_fetching=True,
        revocation_mode="hard-fail",
        fetch_timeout=fetch_timeout,
    )


def _writer(pdf_bytes):
    try:
        return IncrementalPdfFileWriter(io.BytesIO(pdf_bytes), strict=False)
    except Exception as exc:
        raise PadesError("bad_pdf", str(exc)) from exc


def _page_count(writer):
    return int(writer.root["/Pages"]["/Count"])


def _field_spec(writer, opts):
    stamp = opts.stamp
    if not stamp:
        return fields.SigFieldSpec(sig_field_name=opts.field_name)
    page = stamp.page if stamp.page >= 0 else _page_count(writer) + stamp.page
    return fields.SigFieldSpec(
        sig_field_name=opts.field_name, on_page=max(page, 0), box=stamp.box
    )


def _stamp_style(opts):
    if not opts.stamp:
        return None
    return BilingualStampStyle(
        lines=tuple(opts.stamp.lines),
        url=opts.stamp.url,
        font_path=opts.stamp.font_path,
    )


def _meta(opts, long_term=True):
    """pyhanko's signature metadata; with ``long_term`` (and a validation context in
    ``opts``) pyhanko itself embeds the validation data (B-LT) and, with a TSA, the
    document time-stamp (B-LTA)."""
    embed = long_term and opts.validation_context is not None
    return signers.PdfSignatureMetadata(
        field_name=opts.field_name,
        md_algorithm=MD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=opts.reason or None,
        location=opts.location or None,
        name=opts.name or None,
        embed_validation_info=embed,
        use_pades_lta=embed and bool(opts.tsa_url),
        validation_context=opts.validation_context if embed else None,
    )


def _timestamper(opts):
    return HTTPTimeStamper(opts.tsa_url, timeout=15) if opts.tsa_url else None


def sign_pdf(pdf_bytes, signer, opts):
    """Sign in one step with a pyhanko signer (PKCS#11 or PKCS#12)."""
    writer = _writer(pdf_bytes)
    pdf_signer = signers.PdfSigner(
        _meta(opts),
        signer,
        timestamper=_timestamper(opts),
        stamp_style=_stamp_style(opts),
        new_field_spec=_field_spec(writer, opts),
    )
    try:
        out = pdf_signer.sign_pdf(writer, output=io.BytesIO())
        return out.getvalue()
    except PadesError:
        raise
    except Exception as exc:  # pylint: disable=broad-except
        raise PadesError("sign_failed", str(exc) or exc.__class__.__name__) from exc


# PKCS#11 login state is per process and token: a second login while a session is
# logged in fails (CKR_USER_ALREADY_LOGGED_IN). Signatures on one token are therefore
# serialised inside a process; each one logs in with its own PIN and logs out.
_TOKEN_LOCKS = collections.defaultdict(threading.Lock)
TOKEN_WAIT_SECONDS = 120


def load_pkcs11_library(module, softhsm_conf=None):
    """The PKCS#11 library ``module`` (pointed at ``softhsm_conf`` first when it is
    SoftHSM); ``PadesError("token_library")`` when it cannot be loaded."""
    import pkcs11  # noqa: PLC0415

    from . import softhsm  # noqa: PLC0415

    try:
        return softhsm.use_conf(module, softhsm_conf) or pkcs11.lib(module)
    except (pkcs11.PKCS11Error, OSError) as exc:
        raise PadesError("token_library", str(exc)) from exc


def find_token(lib, token_label):
    """The token labelled ``token_label``; ``PadesError("token_absent")`` when no
    token is connected at all, ``PadesError("token_not_found", labels seen)`` when
    none has that label."""
    from . import softhsm  # noqa: PLC0415

    labels = softhsm.token_labels(lib)
    if not labels:
        raise PadesError("token_absent")
    if token_label not in labels:
        raise PadesError("token_not_found", ", ".join(labels))
    return lib.get_token(token_label=token_label)


def pkcs11_signer(
    module, token_label, key_label, pin, use_raw=False, softhsm_conf=None
):
    """Open a logged-in PKCS#11 session and a pyhanko signer on the key ``key_label``.
    Returns ``(signer, close)``; the caller must call ``close()`` (logs out and lets
    the next signature on this token proceed). Failures raise ``PadesError`` with a
    code the caller turns into a message: ``token_library``, ``token_absent``,
    ``token_not_found``, ``bad_pin``, ``pin_locked``, ``key_not_found``,
    ``token_error``."""
    from pkcs11 import exceptions as p11_exc  # noqa: PLC0415
    from pyhanko.sign import pkcs11 as hanko_p11  # noqa: PLC0415

    lock = _TOKEN_LOCKS[(module, token_label)]
    if not lock.acquire(timeout=TOKEN_WAIT_SECONDS):
        raise PadesError("token_error", "token busy")
    try:
        token = find_token(load_pkcs11_library(module, softhsm_conf), token_label)
        session = token.open(user_pin=pin or None)
    except PadesError:
        lock.release()
        raise
    except (p11_exc.PinIncorrect, p11_exc.PinLenRange, p11_exc.PinInvalid) as exc:
        lock.release()
        raise PadesError("bad_pin", exc.__class__.__name__) from exc
    except p11_exc.PinLocked as exc:
        lock.release()
        raise PadesError("pin_locked", exc.__class__.__name__) from exc
    except (p11_exc.TokenNotPresent, p11_exc.TokenNotRecognised) as exc:
        lock.release()
        raise PadesError("token_absent", exc.__class__.__name__) from exc
    except Exception as exc:  # pylint: disable=broad-except
        lock.release()
        raise PadesError("token_error", str(exc) or exc.__class__.__name__) from exc

    def close():
        try:
            session.close()
        finally:
            lock.release()

    try:
        signer = hanko_p11.PKCS11Signer(
            session,
            cert_label=key_label,
            key_label=key_label,
            use_raw_mechanism=use_raw,
        )
        # load the key and certificate now, so that errors surface here
        signer.signing_cert  # noqa: B018  pylint: disable=pointless-statement
    except p11_exc.PKCS11Error as exc:
        close()
        # pyhanko: "Could not find certificate/private key with label ..."
        missing = isinstance(exc, p11_exc.NoSuchKey) or "Could not find" in str(exc)
        code = "key_not_found" if missing else "token_error"
        raise PadesError(code, str(exc) or exc.__class__.__name__) from exc
    except Exception as exc:  # pylint: disable=broad-except
        close()
        raise PadesError("token_error", str(exc) or exc.__class__.__name__) from exc
    return signer, close


_NOISY_LOGGERS = (
    "pyhanko",
    "pyhanko_certvalidator",
)


@contextlib.contextmanager
def quiet_validation():
    """pyhanko logs every failed validation at WARNING/ERROR with a traceback. A
    tampered or untrusted document is an expected answer of the verification page, not a
    server fault, so its loggers are silenced while validating (the result is
    returned)."""
    loggers = [
        logging.getLogger(name)
        for name in list(logging.root.manager.loggerDict)
        if name.split(".")[0] in _NOISY_LOGGERS
    ]
    previous = [lg.disabled for lg in loggers]
    for lg in loggers:
        lg.disabled = True
    try:
        yield
    finally:
        for lg, was in zip(loggers, previous, strict=True):
            lg.disabled = was


def pkcs12_signer(data, passphrase):
    try:
        signer = signers.SimpleSigner.load_pkcs12_data(
            data,
            other_certs=None,
            passphrase=passphrase.encode() if passphrase else None,
        )
    except Exception as exc:
        raise PadesError("bad_pin", str(exc)) from exc
    if signer is None:
        raise PadesError("bad_pin")
    return signer


def _signature_placeholder(cert):
    key = x509.load_der_x509_certificate(cert.dump()).public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return bytes(key.key_size // 8)
    return bytes(72)  # DER ECDSA P-256 at most


def prepare_external(pdf_bytes, signing_cert, chain, opts):
    """First half of the workstation flow. Returns a JSON-friendly dict: the prepared
    PDF
    (to keep on the server), and ``tbs_digest``: the SHA-256 of the CMS signed
    attributes,
    which is what the token signs."""
    cert = to_asn1(signing_cert)
    registry = SimpleCertificateStore.from_certs([to_asn1(c) for c in chain])
    ext = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=registry,
        signature_value=_signature_placeholder(cert),
    )
    writer = _writer(pdf_bytes)
    # the validation data is gathered when the signature is embedded (it does not
    # change what the token signs: PAdES keeps it out of the signed attributes)
    pdf_signer = signers.PdfSigner(
        _meta(opts, long_term=False),
        ext,
        stamp_style=_stamp_style(opts),
        new_field_spec=_field_spec(writer, opts),
    )

    async def _run():
        prep_digest, _tbs, output = await pdf_signer.async_digest_doc_for_signing(
            writer, bytes_reserved=EXTERNAL_BYTES_RESERVED, output=io.BytesIO()
        )
        signed_attrs = await ext.signed_attrs(
            prep_digest.document_digest, MD, use_pades=True
        )
        return prep_digest, output, signed_attrs

    prep_digest, output, signed_attrs = asyncio.run(_run())
    attrs_der = signed_attrs.dump()
    return {
        "prepared_pdf": output.getvalue(),
        "document_digest": prep_digest.document_digest.hex(),
        "reserved_start": prep_digest.reserved_region_start,
        "reserved_end": prep_digest.reserved_region_end,
        "signed_attrs": attrs_der.hex(),
        "tbs_digest": hashlib.sha256(attrs_der).hexdigest(),
    }


def verify_raw_signature(signing_cert, data, signature):
    """True when ``signature`` is the signer's signature of ``data`` (SHA-256)."""
    key = x509.load_der_x509_certificate(to_asn1(signing_cert).dump()).public_key()
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(hashes.SHA256()))
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


async def _post_sign_instructions(ext, opts):
    """pyhanko's post-signing instructions of the long-term levels, for a signature
    made outside (the workstation agent): the validation paths of the signer and of
    the TSA, collected the way pyhanko's signer does before a signature, so that
    ``PdfTBSDocument.async_finish_signing`` writes the same DSS (B-LT) and document
    time-stamp (B-LTA) as the one-step flow."""
    vc = opts.validation_context
    if vc is None:
        return None
    validator = CertificateValidator(
        ext.signing_cert,
        intermediate_certs=ext.cert_registry,
        validation_context=vc,
    )
    signer_path = await validator.async_validate_usage({"non_repudiation"})
    paths = [signer_path]
    timestamper = _timestamper(opts)
    ts_paths = None
    if timestamper is not None:
        ts_paths = [path async for path in timestamper.validation_paths(vc)]
        paths += ts_paths
    return PostSignInstructions(
        validation_info=PreSignValidationStatus(
            signer_path=signer_path,
            validation_paths=paths,
            ts_validation_paths=ts_paths,
            ocsps_to_embed=vc.ocsps,
            crls_to_embed=vc.crls,
        ),
        timestamper=timestamper,
        timestamp_md_algorithm=MD,
    )


def finish_external(prepared, signature_value, signing_cert, chain, opts):
    """Second half: embed the signature the token made over ``tbs_digest``; adds the
    signature time-stamp (B-T), the DSS (B-LT) and the document time-stamp (B-LTA)
    as configured, through pyhanko's post-signing instructions."""
    attrs_der = bytes.fromhex(prepared["signed_attrs"])
    if not verify_raw_signature(signing_cert, attrs_der, signature_value):
        raise PadesError("signature_mismatch")
    cert = to_asn1(signing_cert)
    ext = signers.ExternalSigner(
        signing_cert=cert,
        cert_registry=SimpleCertificateStore.from_certs([to_asn1(c) for c in chain]),
        signature_value=signature_value,
    )
    signed_attrs = cms.CMSAttributes.load(attrs_der)
    prep_digest = PreparedByteRangeDigest(
        document_digest=bytes.fromhex(prepared["document_digest"]),
        reserved_region_start=prepared["reserved_start"],
        reserved_region_end=prepared["reserved_end"],
    )
    output = io.BytesIO(prepared["prepared_pdf"])

    async def _run():
        sig_cms = await ext.async_sign_prescribed_attributes(
            MD, signed_attrs, timestamper=_timestamper(opts)
        )
        await PdfTBSDocument.async_finish_signing(
            output,
            prep_digest,
            sig_cms,
            post_sign_instr=await _post_sign_instructions(ext, opts),
            validation_context=opts.validation_context,
        )

    try:
        asyncio.run(_run())
        return output.getvalue()
    except Exception as exc:  # pylint: disable=broad-except
        raise PadesError("sign_failed", str(exc) or exc.__class__.__name__) from exc


# verdicts of a signature, from the best to the worst: the report of a document is the
# worst verdict of its signatures
VERDICTS = (
    "valid",
    "not_checked",
    "untrusted",
    "revoked",
    "modified",
    "no_signature",
    "unreadable",
)


@dataclass
class SignatureReport:
    valid: bool
    field_name: str = ""
    verdict: str = ""
    intact: bool = False
    trusted: bool = False
    revoked: bool = False
    revocation_date: object = None
    # where the revocation status came from: "embedded" (the document's DSS or the
    # CRLs given), "fetched" (downloaded now), "unchecked" (none could be had), ""
    # (not required)
    revocation_source: str = ""
    # the signature stays valid after its certificates expired: pyhanko's PAdES
    # long-term (AdES-LTA) validation with the document time-stamps and the DSS
    long_term: bool = False
    signer_name: str = ""
    signer_subject: str = ""
    issuer: str = ""
    serial: str = ""
    signing_time: object = None
    timestamp_time: object = None
    coverage: str = ""
    modification: str = ""
    summary: str = ""
    has_dss: bool = False
    has_doc_timestamp: bool = False
    cert_der: bytes = b""

    @property
    def revoked_when_signed(self):
        """The certificate was revoked at the time of signing (or no time is proven)."""
        when = self.timestamp_time or self.signing_time
        if not self.revocation_date:
            return False
        try:
            return when is None or self.revocation_date <= when
        except TypeError:  # a naive /M time
            return True

    @property
    def level(self):
        """The PAdES level the document reaches for this signature."""
        if self.has_doc_timestamp and self.has_dss and self.timestamp_time:
            return "B-LTA"
        if self.has_dss:
            return "B-LT"
        return "B-T" if self.timestamp_time else "B-B"


@dataclass
class ValidationReport:
    valid: bool
    signatures: list = field(default_factory=list)
    error: str = ""

    @property
    def verdict(self):
        if self.error:
            return self.error if self.error in VERDICTS else "unreadable"
        worst = max((VERDICTS.index(s.verdict) for s in self.signatures), default=0)
        return VERDICTS[worst]


@dataclass
class _Material:
    """What a validation context is built from: the trust roots, the certificates and
    revocation data given by the caller plus those of the document's DSS."""

    roots: list
    certs: list
    crls: list
    ocsps: list

    def context(self, mode, fetch_timeout=None, moment=None):
        kwargs = {
            "trust_roots": self.roots,
            "other_certs": self.certs,
            "crls": self.crls,
            "ocsps": self.ocsps,
            "revocation_mode": mode,
            "allow_fetching": bool(fetch_timeout),
            "moment": moment,
        }
        if fetch_timeout:
            kwargs["fetcher_backend"] = RequestsFetcherBackend(
                per_request_timeout=fetch_timeout
            )
        return ValidationContext(**kwargs)


def _material(reader, trust_roots, crls, other_certs):
    material = _Material(
        roots=[to_asn1(c) for c in trust_roots],
        certs=[to_asn1(c) for c in other_certs],
        crls=[asn1_crl.CertificateList.load(c) for c in crls],
        ocsps=[],
    )
    if "/DSS" in reader.root:
        dss = DocumentSecurityStore.read_dss(reader)
        material.certs += list(dss.load_certs())
        embedded = dss.as_validation_context({"trust_roots": material.roots})
        material.crls += embedded.crls
        material.ocsps += embedded.ocsps
    return material


def _long_term_status(sig, material, moment):
    """pyhanko's PAdES-LTA validation (ETSI EN 319 102-1, 5.6.3) with the document's
    own data only: the status when it passes, else None."""
    spec = PdfSignatureValidationSpec(
        SignatureValidationSpec(
            cert_validation_policy=CertValidationPolicySpec(
                trust_manager=SimpleTrustManager.build(trust_roots=material.roots),
                revinfo_policy=CertRevTrustPolicy(
                    RevocationCheckingPolicy(
                        RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                        RevocationCheckingRule.CRL_OR_OCSP_REQUIRED,
                    )
                ),
            ),
            revinfo_gathering_policy=RevocationInfoGatheringSpec(
                online_fetching_rule=RevinfoOnlineFetchingRule.LOCAL_ONLY
            ),
        )
    )
    moment = moment or datetime.datetime.now(datetime.UTC)
    timing = ValidationTimingInfo(moment, moment, False)
    result = asyncio.run(ades_lta_validation(sig, spec, timing_info=timing))
    if result.ades_subindic == AdESPassed.OK and result.api_status is not None:
        return result.api_status
    return None


def _signature_status(sig, material, require_revocation, fetch_timeout, moment):
    """pyhanko's status of one signature, and where its revocation status came from.

    Without ``require_revocation`` (our own output, whose certificate was checked just
    before signing) revocation data is used when present. With it (documents from
    outside), the revocation status must be known: from the embedded data, else
    fetched from the certificates' distribution points (``fetch_timeout`` seconds per
    request), else the status of a check that ignored revocation is returned with
    ``"unchecked"``, which is never reported as valid. Nothing is fetched for a
    certificate that does not chain up to the trust anchors with what the document
    holds: an uploaded file does not make the server call the addresses it names."""
    if not require_revocation:
        soft = material.context("soft-fail", None, moment)
        return validate_pdf_signature(sig, soft), ""
    status = validate_pdf_signature(sig, material.context("hard-fail", None, moment))
    if status.trusted or status.revoked:
        return status, "embedded"
    unchecked = validate_pdf_signature(sig, material.context("soft-fail", None, moment))
    if unchecked.trusted:
        # a trusted chain whose revocation status the document does not hold
        if fetch_timeout:
            fetched = validate_pdf_signature(
                sig, material.context("hard-fail", fetch_timeout, moment)
            )
            if fetched.trusted or fetched.revoked:
                return fetched, "fetched"
        return unchecked, "unchecked"
    # certificates expired since: the long-term validation with the document
    # time-stamps may still prove the signature valid when it was made
    if sig.reader.embedded_timestamp_signatures:
        long_term = _long_term_status(sig, material, moment)
        if long_term is not None:
            return long_term, "long_term"
    return status, "embedded"


def _dn_text(name):
    """A distinguished name as its values, in RFC 4514 order of importance (common
    name, organisation, country...): asn1crypto's ``human_friendly`` labels them in
    English ("Common Name: ..."), which would show on the Arabic page."""
    values = [str(v) for _k, v in name.native.items() if isinstance(v, str)]
    return " — ".join(reversed(values)) if values else name.human_friendly


def _verdict(status, source):
    if not status.intact or not status.valid:
        return "modified"
    if (
        status.modification_level == ModificationLevel.OTHER
        or status.docmdp_ok is False
    ):
        return "modified"
    if status.revoked:
        return "revoked"
    if not status.trusted:
        return "untrusted"
    if source == "unchecked":
        return "not_checked"
    return "valid" if status.bottom_line else "untrusted"


def validate_pdf(
    pdf_bytes,
    trust_roots,
    crls=(),
    other_certs=(),
    require_revocation=False,
    fetch_timeout=None,
    validation_time=None,
):
    """Validate every signature of a PDF against ``trust_roots``, with pyhanko's
    revision analysis (a later revision that changes the content makes the signature
    "modified"). Any exception (a truncated or garbled file, a broken CMS) makes the
    document invalid. ``require_revocation``: see ``_signature_status``;
    ``validation_time``: validate as at that moment (default now)."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf_bytes), strict=False)
        sigs = list(reader.embedded_regular_signatures)
        has_dss = "/DSS" in reader.root
        has_doc_ts = bool(reader.embedded_timestamp_signatures)
        material = _material(reader, trust_roots, crls, other_certs)
    except Exception:  # pylint: disable=broad-except
        return ValidationReport(False, error="unreadable")
    if not sigs:
        return ValidationReport(False, error="no_signature")
    reports = []
    for sig in sigs:
        try:
            status, source = _signature_status(
                sig, material, require_revocation, fetch_timeout, validation_time
            )
            verdict = _verdict(status, source)
            cert = status.signing_cert
            ts = status.timestamp_validity
            revocation = status.revocation_details
            reports.append(
                SignatureReport(
                    valid=verdict == "valid",
                    field_name=sig.field_name,
                    verdict=verdict,
                    intact=bool(status.intact),
                    trusted=bool(status.trusted),
                    revoked=bool(revocation),
                    revocation_date=revocation.revocation_date if revocation else None,
                    revocation_source=("embedded" if source == "long_term" else source),
                    long_term=source == "long_term",
                    signer_name=cert.subject.native.get("common_name", ""),
                    signer_subject=_dn_text(cert.subject),
                    issuer=_dn_text(cert.issuer),
                    serial=f"{cert.serial_number:X}",
                    signing_time=status.signer_reported_dt,
                    timestamp_time=ts.timestamp if ts else None,
                    coverage=status.coverage.name if status.coverage else "",
                    modification=(
                        status.modification_level.name
                        if status.modification_level
                        else ""
                    ),
                    summary=status.summary(),
                    has_dss=has_dss,
                    has_doc_timestamp=has_doc_ts,
                    cert_der=cert.dump(),
                )
            )
        except Exception as exc:  # pylint: disable=broad-except
            reports.append(
                SignatureReport(
                    valid=False,
                    field_name=sig.field_name,
                    verdict="modified",
                    summary=str(exc) or exc.__class__.__name__,
                )
            )
    return ValidationReport(all(r.valid for r in reports), reports)
