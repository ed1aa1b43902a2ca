"""Floor of signing: bare pyhanko, PAdES B-B, RSA-2048 key in memory, no visible stamp.

A one-page PDF (reportlab) is signed ``n`` times with ``pyhanko.sign.signers.sign_pdf``
and a minimal ``Signer`` whose RSA key (self-signed test certificate made with
``cryptography``) is loaded once — pyhanko's ``SimpleSigner`` re-parses and validates
the key at every signature, ~0.12 s here, which a token or an HSM never pays: no token,
no timestamp, no revocation data, no Odoo. Prints the median seconds per
signature, e.g. ``pyhanko: 0.061 s/signature``.

    python benchmarks/floor_pyhanko.py [--quick]
"""

import argparse
import datetime
import io
import statistics
import time


def test_identity():
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "TN"),
            x509.NameAttribute(NameOID.COMMON_NAME, "e-Mowaten benchmark signer"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=30))
        .add_extension(
            x509.KeyUsage(True, True, False, False, False, False, False, False, False),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    return key, cert


def key_signer(key, cert):
    """A pyhanko signer with the key already loaded (RSA PKCS#1 v1.5, SHA-256)."""
    from asn1crypto import algos
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding
    from pyhanko.sign import signers

    class KeySigner(signers.Signer):
        async def async_sign_raw(self, data, digest_algorithm, dry_run=False):
            return key.sign(data, padding.PKCS1v15(), hashes.SHA256())

    return KeySigner(
        signing_cert=asn1_x509.Certificate.load(
            cert.public_bytes(serialization.Encoding.DER)
        ),
        signature_mechanism=algos.SignedDigestAlgorithm({"algorithm": "sha256_rsa"}),
    )


def one_page_pdf():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    pdf.drawString(72, 720, "Reponse a la demande B001-2026-000123")
    pdf.showPage()
    pdf.save()
    return buf.getvalue()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--quick", action="store_true", help="10 signatures instead of 50"
    )
    parser.add_argument("--db", help="ignored: no database needed")
    args = parser.parse_args()
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers

    key, cert = test_identity()
    signer = key_signer(key, cert)
    pdf = one_page_pdf()
    meta = signers.PdfSignatureMetadata(field_name="Signature1")
    count = 10 if args.quick else 50
    samples = []
    for _i in range(count + 1):
        start = time.perf_counter()
        out = signers.sign_pdf(
            IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer
        )
        out.getvalue()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples[1:])  # the first one warms imports and caches
    print(f"signatures: {count}, PAdES B-B, RSA-2048 in memory, no stamp")
    print(f"pyhanko: {median:.3f} s/signature")


if __name__ == "__main__":
    main()
