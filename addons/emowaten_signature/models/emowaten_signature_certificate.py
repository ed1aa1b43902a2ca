import base64
import datetime
import logging
import os
import shutil
import time

import requests
from cryptography import x509
from cryptography.hazmat.primitives import serialization

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import config

from ..tools import certinfo

_logger = logging.getLogger(__name__)

# the time of a certificate's last check is refreshed at most this often
CHECK_STAMP = datetime.timedelta(hours=1)

CERT_STATES = [
    ("valid", "Valid"),
    ("expiring", "Expiring Soon"),
    ("not_checked", "Revocation Not Checked"),
    ("expired", "Expired"),
    ("not_yet_valid", "Not Yet Valid"),
    ("revoked", "Revoked"),
    ("untrusted", "Untrusted Chain"),
    ("bad_usage", "Not a Signature Certificate"),
    ("draft", "Not Imported"),
]
# states in which the certificate may sign
SIGNING_STATES = ("valid", "expiring", "not_checked")
# The demo token: documented in README.md ("Signing on the demo database").
DEMO_TOKEN_LABEL = "emowaten-demo"
DEMO_USER_PIN = "1234"
DEMO_SO_PIN = "12345678"
DEMO_CA_NAME = "e-Mowaten TEST Root CA (demo token, not for production)"
FLOWS = [
    ("server_pkcs11", "Server HSM / token (PKCS#11)"),
    ("workstation", "Workstation token (signing agent)"),
    ("pkcs12", "PKCS#12 file (development only)"),
]


class EmowatenSignatureCertificate(models.Model):
    """A signatory's digital-ID certificate (ANCE/TunTrust ID-Trust in production) and
    where its private key lives, which decides the signing flow."""

    _name = "emowaten.signature.certificate"
    _description = "Signature Certificate"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "user_id, not_after desc"

    name = fields.Char(compute="_compute_info", store=True, readonly=False)
    user_id = fields.Many2one(
        "res.users",
        string="Signatory",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
    )
    signer_name_ar = fields.Char(
        string="Name in Arabic", help="Printed on the visible stamp of the signature."
    )
    signer_name_fr = fields.Char(
        string="Name in French", help="Printed on the visible stamp of the signature."
    )
    flow = fields.Selection(FLOWS, required=True, default="workstation", tracking=True)
    cert_file = fields.Binary(
        string="Certificate File",
        attachment=False,
        help="PEM or DER file (.pem, .crt, .cer).",
    )
    cert_filename = fields.Char()
    pem = fields.Text(string="Certificate (PEM)", readonly=True, copy=False)
    subject = fields.Char(compute="_compute_info", store=True)
    common_name = fields.Char(compute="_compute_info", store=True)
    issuer = fields.Char(compute="_compute_info", store=True)
    serial = fields.Char(
        string="Serial Number", compute="_compute_info", store=True, index=True
    )
    not_before = fields.Datetime(
        string="Valid From", compute="_compute_info", store=True
    )
    not_after = fields.Datetime(
        string="Valid Until", compute="_compute_info", store=True
    )
    key_usage = fields.Char(compute="_compute_info", store=True)
    key_type = fields.Char(compute="_compute_info", store=True)
    fingerprint = fields.Char(
        string="SHA-256 Fingerprint", compute="_compute_info", store=True
    )
    crl_urls = fields.Char(
        string="CRL Distribution Points", compute="_compute_info", store=True
    )
    # where the key is
    pkcs11_module = fields.Char(
        string="PKCS#11 Library",
        default=lambda self: self.env["ir.config_parameter"]
        .sudo()
        .get_param(
            "emowaten_signature.pkcs11_module", "/usr/lib/softhsm/libsofthsm2.so"
        ),
    )
    token_label = fields.Char()
    key_label = fields.Char(
        help="Label of the private key and of the certificate on the token."
    )
    use_raw_mechanism = fields.Boolean(
        string="Raw Signature Mechanism",
        help="Hash on the server and let the token sign the digest only (CKM_ECDSA / "
        "CKM_RSA_PKCS). Needed by SoftHSM and many cards for ECDSA keys.",
    )
    # the key file is write-only for people: nobody reads it back through the ORM (the
    # signing service reads it as superuser), so neither a signatory who is also a
    # manager nor an administrator can take another signatory's key
    pkcs12_file = fields.Binary(
        string="PKCS#12 File (stored)",
        attachment=True,
        groups="base.group_system",
        copy=False,
    )
    pkcs12_upload = fields.Binary(
        string="PKCS#12 File",
        compute="_compute_pkcs12_upload",
        inverse="_inverse_pkcs12_upload",
        groups="emowaten_base.group_emowaten_signatory,emowaten_base.group_emowaten_admin",
        help="For development only: a key file protected by a passphrase. It is kept "
        "for signing and is never shown again.",
    )
    has_pkcs12 = fields.Boolean(
        string="Key File Stored", compute="_compute_pkcs12_upload"
    )
    # checks
    state = fields.Selection(
        CERT_STATES, default="draft", required=True, readonly=True, tracking=True
    )
    anchor_id = fields.Many2one(
        "emowaten.signature.trust.anchor", string="Trust Anchor", readonly=True
    )
    revocation_state = fields.Selection(
        [("good", "Not Revoked"), ("revoked", "Revoked"), ("unknown", "Not Checked")],
        readonly=True,
    )
    revocation_detail = fields.Char(readonly=True)
    chain_detail = fields.Char(
        string="Certification Path Problem",
        readonly=True,
        help="Why the certificate's path to a trust anchor was not accepted.",
    )
    last_check = fields.Datetime(readonly=True)
    crl_data = fields.Binary(string="Last CRL", attachment=True, readonly=True)
    active = fields.Boolean(default=True)

    _fingerprint_user_uniq = models.Constraint(
        "UNIQUE(fingerprint, user_id)",
        "This certificate is already registered for this user.",
    )

    def _compute_pkcs12_upload(self):
        stored = {
            cert.id: bool(cert.pkcs12_file)
            for cert in self.sudo().with_context(bin_size=True)
        }
        for cert in self:
            cert.pkcs12_upload = False
            cert.has_pkcs12 = stored.get(cert.id, False)

    def _inverse_pkcs12_upload(self):
        is_admin = self.env.user.has_group("emowaten_base.group_emowaten_admin")
        for cert in self:
            if not cert.pkcs12_upload:
                continue
            # checked on the certificate as it is after the create or write
            if not (self.env.su or is_admin or cert.user_id == self.env.user):
                raise AccessError(
                    self.env._(
                        "Only the holder of a certificate may give its key file."
                    )
                )
            cert.sudo().pkcs12_file = cert.pkcs12_upload

    @api.depends("pem")
    def _compute_info(self):
        for cert in self:
            if not cert.pem:
                cert.update(
                    dict.fromkeys(
                        (
                            "subject",
                            "common_name",
                            "issuer",
                            "serial",
                            "not_before",
                            "not_after",
                            "key_usage",
                            "key_type",
                            "fingerprint",
                            "crl_urls",
                        ),
                        False,
                    )
                )
                cert.name = cert.name or False
                continue
            info = certinfo.describe(certinfo.load_certificate(cert.pem.encode()))
            cert.update(
                {
                    "subject": info.subject,
                    "common_name": info.common_name,
                    "issuer": info.issuer,
                    "serial": info.serial,
                    "not_before": info.not_before,
                    "not_after": info.not_after,
                    "key_usage": info.key_usage,
                    "key_type": info.key_type,
                    "fingerprint": info.fingerprint,
                    "crl_urls": " ".join(info.crl_urls),
                    "name": cert.name or info.common_name,
                }
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._emowaten_load_file(vals)
        certs = super().create(vals_list)
        certs.filtered("pem")._emowaten_check()
        return certs

    def write(self, vals):
        self._emowaten_load_file(vals)
        res = super().write(vals)
        if "user_id" in vals and not self.env.su:
            # Odoo checks the write rule on the record as it was: checked again on
            # what it became, a signatory cannot hand her certificate (and its key
            # file) to another user
            self.check_access("write")
        if "pem" in vals:
            self.filtered("pem")._emowaten_check()
        return res

    def _emowaten_load_file(self, vals):
        """Turn an uploaded PEM/DER file into the stored PEM text."""
        data = vals.pop("cert_file", None)
        if not data:
            return
        try:
            cert = certinfo.load_certificate(base64.b64decode(data))
        except (certinfo.CertError, ValueError) as exc:
            raise ValidationError(
                self.env._(
                    "The file is not a readable X.509 certificate (PEM or DER "
                    "expected)."
                )
            ) from exc
        vals["pem"] = certinfo.pem(cert)

    # ------------------------------------------------------------------ checks
    def _emowaten_cert(self):
        self.ensure_one()
        if not self.pem:
            raise UserError(self.env._("Import the certificate first."))
        return certinfo.load_certificate(self.pem.encode())

    def _emowaten_der(self):
        return certinfo.der(self._emowaten_cert())

    def _emowaten_fetch_crl(self, url):
        """Download a CRL (TunTrust's distribution point in production)."""
        timeout = float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_signature.crl_timeout", 5)
        )
        response = requests.get(url, timeout=timeout)
        response.raise_for_status()
        return response.content

    def _emowaten_post_ocsp(self, url, der_request):
        """Ask an OCSP responder (TunTrust's in production)."""
        timeout = float(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_signature.crl_timeout", 5)
        )
        response = requests.post(
            url,
            data=der_request,
            headers={"Content-Type": "application/ocsp-request"},
            timeout=timeout,
        )
        response.raise_for_status()
        return response.content

    def _emowaten_check(self):
        """Check validity dates, the chain against the trust anchors and the CRL, then
        set the state; schedule an activity for the signatory before expiry."""
        anchors = (
            self.env["emowaten.signature.trust.anchor"]
            .sudo()
            .search([("pem", "!=", False)])
        )
        anchor_certs = [(a, certinfo.load_certificate(a.pem.encode())) for a in anchors]
        now = fields.Datetime.now()
        warn_days = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_signature.expiry_warning_days", 30)
        )
        roots = [c for a, c in anchor_certs if a.is_root]
        intermediates = [c for a, c in anchor_certs if not a.is_root]
        for record in self:
            cert = record._emowaten_cert()
            # the path is checked at a moment within the certificate's own validity,
            # so that an expired certificate still shows its anchor; its dates are
            # judged below
            moment = min(max(now, record.not_before), record.not_after)
            path = certinfo.check_path(
                cert,
                roots,
                intermediates,
                moment=moment.replace(tzinfo=datetime.UTC),
            )
            chain = path.chain
            anchor = False
            if chain:
                anchor = next(a for a, c in anchor_certs if c == chain[-1])
            revocation, detail, crl_der = ("unknown", path.detail or "untrusted", None)
            if chain:
                # a registered anchor used as a signer's certificate is its own issuer
                revocation, detail, crl_der = record._emowaten_revocation(
                    cert, chain[1] if len(chain) > 1 else chain[0]
                )
            if now < record.not_before:
                state = "not_yet_valid"
            elif now > record.not_after:
                state = "expired"
            elif path.problem == "bad_usage":
                state = "bad_usage"
            elif not chain:
                state = "untrusted"
            elif revocation == "revoked":
                state = "revoked"
            elif revocation == "unknown":
                state = "not_checked"
            elif record.not_after - now < datetime.timedelta(days=warn_days):
                state = "expiring"
            else:
                state = "valid"
            vals = {
                "state": state,
                "anchor_id": anchor.id if anchor else False,
                "revocation_state": revocation,
                "revocation_detail": (detail or "")[:250],
                "chain_detail": (path.detail or "")[:250],
            }
            vals = {
                key: value
                for key, value in vals.items()
                if (record[key].id if key == "anchor_id" else record[key] or "")
                != (value or "")
            }
            if crl_der and record.crl_data != base64.b64encode(crl_der):
                vals["crl_data"] = base64.b64encode(crl_der)
            # every signing checks the certificate: write only what changed (and the
            # time of the check once an hour), or two signings with one certificate,
            # or a signing during the daily check, conflict on this row
            if vals or not record.last_check or now - record.last_check > CHECK_STAMP:
                vals["last_check"] = now
                super(EmowatenSignatureCertificate, record.sudo()).write(vals)
            if record.not_after - now < datetime.timedelta(days=warn_days):
                record._emowaten_schedule_expiry_activity()
        return True

    def _emowaten_revocation(self, cert, issuer):
        """``(state, detail, crl_der)`` of the certificate: the CRL is always fetched
        when available (it is what B-LT embeds); when no current one can be
        downloaded, the CRL stored at the last check is used while it is current, so
        an unreachable server never turns a revoked certificate into a usable one.
        An OCSP answer, when the certificate names a responder, settles it."""
        self.ensure_one()
        revocation, detail, crl_der = certinfo.check_crl(
            cert, issuer, self._emowaten_fetch_crl, stored=self._emowaten_crl_list()
        )
        if revocation != "revoked" and certinfo.ocsp_urls(cert):
            ocsp_state, ocsp_detail = certinfo.check_ocsp(
                cert, issuer, self._emowaten_post_ocsp
            )
            if ocsp_state != "unknown" or revocation == "unknown":
                revocation, detail = ocsp_state, "OCSP " + ocsp_detail
        if revocation == "unknown" and self.revocation_state == "revoked":
            # a revocation is final: no answer now is no reason to forget it
            revocation, detail = "revoked", self.revocation_detail
        return revocation, detail, crl_der

    def _emowaten_schedule_expiry_activity(self):
        self.ensure_one()
        # in the holder's language (the daily check runs as the cron's user)
        env = self.with_context(lang=self.user_id.lang or self.env.lang).env
        summary = env._("Renew the signature certificate %s", self.name)
        if self.activity_ids.filtered(lambda a: a.summary == summary):
            return
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            date_deadline=self.not_after.date(),
            summary=summary,
            note=env._(
                "The certificate expires on %s. Ask ANCE/TunTrust for a new one in "
                "time.",
                fields.Date.to_string(self.not_after.date()),
            ),
            user_id=self.user_id.id,
        )

    def _emowaten_crl_list(self):
        return [base64.b64decode(c.crl_data) for c in self.sudo() if c.crl_data]

    @api.model
    def _cron_check_certificates(self):
        """Check every certificate, one committed transaction each. A certificate
        being used to sign right now (its row locked, or changed under this run) is
        left for a run started a few minutes later: a signing checks it anyway."""
        cr = self.env.cr
        Cron = self.env["ir.cron"]
        ids = self.search([("pem", "!=", False)], order="id").ids
        Cron._commit_progress(remaining=len(ids))
        later = False
        for certificate_id in ids:
            cr.execute(
                "SELECT id FROM emowaten_signature_certificate WHERE id = %s "
                "FOR NO KEY UPDATE SKIP LOCKED",
                [certificate_id],
            )
            if cr.fetchone():
                try:
                    with cr.savepoint():
                        self.browse(certificate_id)._emowaten_check()
                except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                    later = True
            else:
                later = True
            if not Cron._commit_progress(1):
                later = True
                break
        if later:
            self.env.ref("emowaten_signature.ir_cron_check_certificates")._trigger(
                fields.Datetime.now() + datetime.timedelta(minutes=5)
            )
        return True

    @api.model
    def _emowaten_demo_certificates(self, user_ids):
        """Demo data only: a TEST root CA (trust anchor marked as test) and a PKCS#12
        certificate, passphrase "emowaten", for each given user."""
        from ..tools.testpki import TestPKI  # noqa: PLC0415

        pki = TestPKI()
        self.env["emowaten.signature.trust.anchor"].create(
            {
                "name": "e-Mowaten TEST Root CA (demo)",
                "pem": pki.root.cert_pem.decode(),
                "is_test": True,
            }
        )
        for user in self.env["res.users"].browse(user_ids):
            issued = pki.issue(user.name.split("—")[-1].strip())
            self.create(
                {
                    "user_id": user.id,
                    "flow": "pkcs12",
                    "signer_name_ar": user.name.split("—")[0].strip(),
                    "cert_file": base64.b64encode(issued.cert_der),
                    "pkcs12_file": base64.b64encode(issued.pkcs12("emowaten")),
                }
            )
        self._emowaten_demo_store_crl(pki)
        return True

    @api.model
    def _emowaten_demo_store_crl(self, pki):
        """Demo data only: the demo CA publishes no distribution point (nothing would
        serve it), so its revocation list is given to its certificates directly, as
        the stored CRL a check falls back on; it is current for a year. Without it
        the demo's certificates would have no revocation information and could not
        sign (revocation fails closed)."""
        anchor_der = certinfo.der(pki.root.cert)
        certs = self.search([("pem", "!=", False)]).filtered(
            lambda c: c.anchor_id
            and certinfo.der(certinfo.load_certificate(c.anchor_id.pem.encode()))
            == anchor_der
        )
        crl = base64.b64encode(pki.crl(next_update_days=365))
        super(EmowatenSignatureCertificate, certs.sudo()).write({"crl_data": crl})
        return certs._emowaten_check()

    @api.model
    def _emowaten_demo_token_root(self):
        """Where this database's demo token lives: a directory of its own under Odoo's
        data directory, kept across restarts (like the filestore)."""
        return os.path.join(config["data_dir"], "emowaten_softhsm", self.env.cr.dbname)

    @api.model
    def _emowaten_demo_token_certificates(self, user_ids, root=None):
        """Demo data: a SoftHSM2 token for this database, with a TEST root CA
        (registered as a trust anchor marked as test), and for each given user a key
        pair generated on the token and a certificate issued by that CA, registered
        in server PKCS#11 mode. User PIN ``DEMO_USER_PIN``.

        Idempotent: run again, it reuses the token, the CA and the keys; a directory
        left by an older database of the same name is replaced. Without SoftHSM on
        the server, the PKCS#12 demo certificates are made instead."""
        from ..tools import softhsm  # noqa: PLC0415
        from ..tools.testpki import Issued, TestPKI  # noqa: PLC0415

        users = self.env["res.users"].browse(user_ids).exists()
        if not softhsm.available():
            _logger.info(
                "SoftHSM2 is not installed: PKCS#12 demo certificates instead of a "
                "demo token"
            )
            return self._emowaten_demo_certificates(users.ids)
        started = time.monotonic()
        root = root or self._emowaten_demo_token_root()
        uuid = self.env["ir.config_parameter"].sudo().get_param("database.uuid")
        marker = os.path.join(root, "database.uuid")
        if os.path.isdir(root):
            try:
                with open(marker, encoding="ascii") as fh:
                    same_db = fh.read().strip() == uuid
            except OSError:
                same_db = False
            if not same_db:
                # a database dropped and created again under this name: a new demo
                shutil.rmtree(root)
        os.makedirs(root, mode=0o700, exist_ok=True)
        with open(marker, "w", encoding="ascii") as fh:
            fh.write(uuid)
        token = softhsm.SoftHSMToken(
            label=DEMO_TOKEN_LABEL,
            user_pin=DEMO_USER_PIN,
            so_pin=DEMO_SO_PIN,
            root=root,
        )
        self.env["ir.config_parameter"].sudo().set_param(
            "emowaten_signature.softhsm2_conf", token.conf
        )
        pki = TestPKI(root=self._emowaten_demo_ca(root, Issued, TestPKI))
        Anchor = self.env["emowaten.signature.trust.anchor"].sudo()
        fingerprint = certinfo.describe(pki.root.cert).fingerprint
        if not Anchor.with_context(active_test=False).search_count(
            [("fingerprint", "=", fingerprint)]
        ):
            Anchor.create(
                {
                    "name": DEMO_CA_NAME,
                    "pem": pki.root.cert_pem.decode(),
                    "is_test": True,
                }
            )
        for index, user in enumerate(users, start=1):
            key_label = f"sig-{user.login}"[:32]
            if self.search_count(
                [
                    ("user_id", "=", user.id),
                    ("flow", "=", "server_pkcs11"),
                    ("token_label", "=", DEMO_TOKEN_LABEL),
                    ("key_label", "=", key_label),
                ]
            ):
                continue
            if not token.has_certificate(key_label):
                key_id = index.to_bytes(2, "big")
                public_key = token.generate_key(key_label, key_id)
                issued = pki.issue(user.name.split("—")[-1].strip(), public_key)
                token.store_certificate(
                    key_label,
                    key_id,
                    issued.cert_der,
                    issued.cert.subject.public_bytes(),
                )
            certificate = self.create(
                {
                    "user_id": user.id,
                    "flow": "server_pkcs11",
                    "pkcs11_module": softhsm.SOFTHSM_LIB,
                    "token_label": DEMO_TOKEN_LABEL,
                    "key_label": key_label,
                    "signer_name_ar": user.name.split("—")[0].strip(),
                }
            )
            certificate.action_read_from_token()
        self._emowaten_demo_store_crl(pki)
        _logger.info(
            "Demo signature token %s ready in %s (%d signatories, %.1f s)",
            DEMO_TOKEN_LABEL,
            root,
            len(users),
            time.monotonic() - started,
        )
        return True

    @api.model
    def _emowaten_demo_ca(self, root, issued_cls, pki_cls):
        """The demo's TEST root CA, kept next to the token (its key in a file readable
        by the server only) so that a later run issues from the same CA."""
        cert_path = os.path.join(root, "test-ca.pem")
        key_path = os.path.join(root, "test-ca-key.pem")
        if os.path.exists(cert_path) and os.path.exists(key_path):
            with open(cert_path, "rb") as fh:
                cert = x509.load_pem_x509_certificate(fh.read())
            with open(key_path, "rb") as fh:
                key = serialization.load_pem_private_key(fh.read(), None)
            return issued_cls(key, cert)
        ca = pki_cls(ca_name=DEMO_CA_NAME).root
        fd = os.open(key_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(ca.key_pem)
        with open(cert_path, "wb") as fh:
            fh.write(ca.cert_pem)
        return ca

    def _emowaten_softhsm_conf(self):
        """The SoftHSM configuration this database's tokens live in (set by the demo
        token set-up), or False: then the server's own ``SOFTHSM2_CONF`` applies."""
        return (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_signature.softhsm2_conf", False)
        )

    # ---------------------------------------------------------------- actions
    def action_check(self):
        self._emowaten_check()
        return True

    def action_read_from_token(self):
        """Read the certificate object labelled ``key_label`` from the PKCS#11 token
        (no PIN
        needed: certificates are public objects)."""
        from pkcs11 import Attribute, ObjectClass  # noqa: PLC0415

        from ..tools import pades  # noqa: PLC0415

        for record in self:
            if not (record.pkcs11_module and record.token_label and record.key_label):
                raise UserError(
                    self.env._(
                        "Fill in the PKCS#11 library, the token label and the key "
                        "label."
                    )
                )
            try:
                lib = pades.load_pkcs11_library(
                    record.pkcs11_module, record._emowaten_softhsm_conf()
                )
                token = pades.find_token(lib, record.token_label)
                with token.open() as session:
                    objs = list(
                        session.get_objects(
                            {
                                Attribute.CLASS: ObjectClass.CERTIFICATE,
                                Attribute.LABEL: record.key_label,
                            }
                        )
                    )
                    if not objs:
                        raise UserError(
                            self.env._(
                                "No certificate labelled %(key)s on the token "
                                "%(token)s.",
                                key=record.key_label,
                                token=record.token_label,
                            )
                        )
                    der = objs[0][Attribute.VALUE]
            except UserError:
                raise
            except pades.PadesError as exc:
                raise self.env["emowaten.signature.service"]._emowaten_refusal(
                    exc.code,
                    module=record.pkcs11_module,
                    token=record.token_label,
                    key=record.key_label,
                    found=exc.detail,
                ) from exc
            except Exception as exc:
                raise UserError(
                    self.env._("The token could not be read: %s", exc)
                ) from exc
            record.write({"pem": certinfo.pem(certinfo.load_certificate(der))})
        return True
