"""Shared fixture: a test CA, a local TSA + CRL server, a SoftHSM2 token with signer
keys,
a body with a titular signatory, and answers awaiting signature.

External services are replaced by local, real-protocol ones: the RFC 3161 time-stamping
server and the CRL distribution point (TunTrust's in production) run on 127.0.0.1 in a
thread; the USB token / HSM is a SoftHSM2 token initialised in a temporary directory.
"""

import base64
import datetime
import io

from reportlab.pdfgen import canvas

from odoo.fields import Command
from odoo.tests import TransactionCase, new_test_user

from ..tools import pades
from ..tools.localservices import LocalServices
from ..tools.softhsm import SOFTHSM_LIB, SoftHSMToken
from ..tools.testpki import TestPKI, utcnow

QUIET = {"mail_create_nolog": True, "mail_notrack": True, "no_reset_password": True}
PIN = "2468"
_SHARED = {}


def shared():
    """One test CA, one local TSA/CRL server and one SoftHSM token per test process (the
    PKCS#11 library is process-global; keys generated on the token are reused)."""
    if not _SHARED:
        services = LocalServices().start()
        pki = TestPKI(crl_url=services.crl_url)
        services.crl_provider = pki.crl
        services.set_tsa(pki.issue("e-Mowaten TEST TSA", tsa=True))
        _SHARED.update(
            services=services,
            pki=pki,
            token=SoftHSMToken(label="emowaten-test", user_pin=PIN),
            keys={},
        )
    return _SHARED


def make_pdf(pages=1, text="Réponse favorable"):
    buf = io.BytesIO()
    pdf = canvas.Canvas(buf)
    for page in range(pages):
        pdf.drawString(72, 760, f"{text} - page {page + 1}")
        pdf.showPage()
    pdf.save()
    return buf.getvalue()


class EmowatenSignatureCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **QUIET))
        env = cls.env
        # local TSA and CRL distribution point, test CA, SoftHSM token
        fixture = shared()
        cls.services = fixture["services"]
        cls.pki = fixture["pki"]
        cls.token = fixture["token"]
        env["ir.config_parameter"].set_param(
            "emowaten_signature.tsa_url", cls.services.tsa_url
        )
        env["ir.config_parameter"].set_param("web.base.url", "http://127.0.0.1:8140")
        cls.anchor = env["emowaten.signature.trust.anchor"].create(
            {"name": "TEST CA", "pem": cls.pki.root.cert_pem.decode(), "is_test": True}
        )
        base = "emowaten_base.group_emowaten_"
        cls.user_sign = new_test_user(
            env, "sig_titular", groups=base + "signatory", name="Mohamed Ben Ali"
        )
        cls.user_delegate = new_test_user(
            env, "sig_delegate", groups=base + "signatory", name="Leila Trabelsi"
        )
        cls.user_other = new_test_user(
            env, "sig_other", groups=base + "signatory", name="Sami Gharbi"
        )
        cls.user_admin = new_test_user(
            env, "sig_admin", groups=base + "admin", name="Admin"
        )
        cls.user_agent = new_test_user(
            env, "sig_agent", groups=base + "agent", name="Agent"
        )
        cls.body = env["emowaten.body"].create(
            {
                "name": "Governorate of Sigville",
                "name_ar": "ولاية سيغفيل",
                "code": "SIG-GOV",
                "body_type": "governorate",
            }
        )
        cls.office = env["emowaten.office"].create(
            {
                "name": "Citizen Relations Office of Sigville",
                "code": "SIG-BRC",
                "reference_prefix": "SIG",
                "kind": "governorate",
                "body_id": cls.body.id,
                # the other signatories work in the office: they see its answers, but
                # hold no signing authority for its body
                "member_ids": [
                    Command.create({"user_id": u.id, "role": "agent"})
                    for u in (cls.user_agent, cls.user_other, cls.user_delegate)
                ],
            }
        )
        cls.authority = env["emowaten.signature.authority"].create(
            {
                "user_id": cls.user_sign.id,
                "body_id": cls.body.id,
                "kind": "titular",
                "date_from": datetime.date.today() - datetime.timedelta(days=30),
                "function_ar": "والي سيغفيل",
                "function_fr": "Gouverneur de Sigville",
            }
        )
        cls.type_petition = env.ref("emowaten_petitions.request_type_petition")
        cls.type_petition.signature_required = True
        cls.citizen = env["res.partner"].create({"name": "Amira Ben Salah"})
        cls.cert_rsa = cls._token_certificate("sig-rsa", b"\x01", cls.user_sign)

    # ----------------------------------------------------------- helpers
    @classmethod
    def _token_certificate(cls, label, key_id, user, kind="rsa", **issue_kw):
        """Key pair generated ON the token, certificate issued by the test CA, stored on
        the token, then registered in Odoo by reading it back from the token."""
        key = _SHARED["keys"].get(label)
        if key is None:
            pub = cls.token.generate_key(label, key_id, kind=kind)
            issued = cls.pki.issue(user.name, public_key=pub, **issue_kw)
            cls.token.store_certificate(label, key_id, issued.cert_der)
            _SHARED["keys"][label] = issued
        cert = cls.env["emowaten.signature.certificate"].create(
            {
                "user_id": user.id,
                "flow": "server_pkcs11",
                "pkcs11_module": SOFTHSM_LIB,
                "token_label": cls.token.label,
                "key_label": label,
                "use_raw_mechanism": kind == "ec",
                "signer_name_ar": "محمد بن علي",
            }
        )
        cert.action_read_from_token()
        return cert

    @classmethod
    def _pki_certificate(cls, user, flow="pkcs12", passphrase="secret", **issue_kw):
        issued = cls.pki.issue(user.name, **issue_kw)
        vals = {
            "user_id": user.id,
            "flow": flow,
            "cert_file": base64.b64encode(issued.cert_der),
            "cert_filename": "signer.cer",
        }
        if flow == "pkcs12":
            vals["pkcs12_file"] = base64.b64encode(issued.pkcs12(passphrase))
        return cls.env["emowaten.signature.certificate"].create(vals), issued

    def _answer(self, pages=1, body=None, prepare=True):
        """A favourable answer awaiting signature. The letter is a real PDF; for speed
        it is
        drawn with reportlab rather than rendered through wkhtmltopdf (one test covers
        the real letter)."""
        request = self.env["emowaten.request"].create(
            {
                "office_id": self.office.id,
                "type_id": self.type_petition.id,
                "partner_id": self.citizen.id,
                "subject": "طلب رخصة",
                "description": "طلب رخصة بناء",
                "channel": "counter",
                "state": "registered",
            }
        )
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": request.id,
                "kind": "favourable",
                "body_html": "<p>نوافق على طلبكم.</p>",
            }
        )
        answer.write({"state": "to_sign"})
        if prepare:
            pdf = make_pdf(pages)
            answer._emowaten_store_letter(pdf)
            answer.write(
                {
                    "emowaten_letter_sha256": pades.sha256_hex(pdf),
                    "emowaten_content_sha256": answer._emowaten_content_hash(),
                }
            )
        return answer

    def _sign(self, answers, certificate, secret=PIN, user=None):
        user = user or certificate.user_id
        service = self.env["emowaten.signature.service"].with_user(user)
        return service._emowaten_sign_answers(
            answers.with_user(user), certificate.with_user(user), secret
        )

    def _signed_pdf(self, answer):
        return base64.b64decode(answer.signed_attachment_id.datas)

    def assertValidPades(self, pdf_bytes, level=None):
        """Validate with pyhanko against the test CA only."""
        with pades.quiet_validation():
            report = pades.validate_pdf(pdf_bytes, [self.pki.root.cert_der])
        self.assertTrue(
            report.valid, report.error or [s.summary for s in report.signatures]
        )
        sig = report.signatures[-1]
        self.assertTrue(sig.intact and sig.trusted)
        if level in ("B-T", "B-LT"):
            self.assertTrue(sig.timestamp_time, "no signature time-stamp")
        if level == "B-LT":
            self.assertTrue(sig.has_dss, "no DSS with revocation data")
        return report

    def _refusals(self, answer, code):
        return self.env["emowaten.signature.log"].search(
            [
                ("answer_id", "=", answer.id),
                ("event", "=", "refused"),
                ("refusal", "=", code),
            ]
        )

    @staticmethod
    def _now():
        return utcnow()
