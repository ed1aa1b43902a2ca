import uuid

from odoo import api, fields, models
from odoo.exceptions import UserError

from .emowaten_signature_certificate import FLOWS

EVENTS = [
    ("prepared", "Prepared for the Signing Agent"),
    ("signed", "Signed"),
    ("refused", "Refused"),
]
REFUSALS = [
    ("not_authorised", "Not an authorised signatory"),
    ("cert_expired", "Certificate expired"),
    ("cert_not_yet_valid", "Certificate not yet valid"),
    ("cert_revoked", "Certificate revoked"),
    ("cert_untrusted", "Certificate not trusted"),
    ("cert_not_checked", "Revocation could not be checked"),
    ("cert_bad_usage", "Not a signature certificate"),
    ("cert_other_user", "Certificate of another user"),
    ("bad_pin", "Wrong PIN or passphrase"),
    ("document_changed", "Document changed since it was prepared"),
    ("signature_mismatch", "Signature does not match the prepared document"),
    ("not_to_sign", "Answer not awaiting signature"),
    ("token_error", "Token error"),
    ("pin_locked", "PIN locked"),
    ("token_library", "Token software missing"),
    ("token_absent", "No token connected"),
    ("token_not_found", "Token not found"),
    ("key_not_found", "Key not found on the token"),
    ("invalid_result", "Produced signature does not validate"),
]
# pyhanko's verdict on the signed document (tools.pades.VERDICTS)
VERDICTS = [
    ("valid", "Intact and trusted"),
    ("not_checked", "Revocation not checked"),
    ("untrusted", "Untrusted signer"),
    ("revoked", "Certificate revoked"),
    ("modified", "Modified after signing"),
]
# pyhanko's ModificationLevel of what follows the signed revision
MODIFICATION_LEVELS = [
    ("NONE", "None: the signature covers the whole file"),
    ("LTA_UPDATES", "Signature maintenance only (LTA_UPDATES)"),
    ("FORM_FILLING", "Signing and form filling (FORM_FILLING)"),
    ("ANNOTATIONS", "Annotations (ANNOTATIONS)"),
    ("OTHER", "Other changes (OTHER)"),
]


class EmowatenSignatureLog(models.Model):
    """Append-only audit trail of every signature event. Nobody edits or deletes it:
    write() and unlink() refuse, for every user including administrators; only code
    running as superuser with an explicit purge context may remove entries
    (retention)."""

    _name = "emowaten.signature.log"
    _description = "Signature Audit Log"
    _order = "date desc, id desc"
    _rec_name = "request_ref"

    date = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        required=True,
        readonly=True,
        ondelete="restrict",
        index=True,
    )
    event = fields.Selection(EVENTS, required=True, readonly=True, index=True)
    refusal = fields.Selection(REFUSALS, string="Reason of Refusal", readonly=True)
    message = fields.Text(readonly=True)
    answer_id = fields.Many2one(
        "emowaten.answer", readonly=True, ondelete="set null", index=True
    )
    request_ref = fields.Char(string="Request", readonly=True)
    body_id = fields.Many2one(
        "emowaten.body", readonly=True, ondelete="set null", index=True
    )
    certificate_id = fields.Many2one(
        "emowaten.signature.certificate", readonly=True, ondelete="set null"
    )
    cert_subject = fields.Char(string="Certificate Subject", readonly=True)
    cert_serial = fields.Char(string="Certificate Serial", readonly=True)
    cert_fingerprint = fields.Char(string="Certificate Fingerprint", readonly=True)
    flow = fields.Selection(FLOWS, readonly=True)
    level = fields.Selection(
        [
            ("B-B", "PAdES B-B"),
            ("B-T", "PAdES B-T"),
            ("B-LT", "PAdES B-LT"),
            ("B-LTA", "PAdES B-LTA"),
        ],
        string="PAdES Level",
        readonly=True,
    )
    validation_verdict = fields.Selection(
        VERDICTS,
        readonly=True,
        help="What pyhanko's validation of the signed document concluded.",
    )
    modification_level = fields.Selection(
        MODIFICATION_LEVELS,
        readonly=True,
        help="pyhanko's analysis of the revisions written after the signature "
        "(the document security store, the document time-stamp).",
    )
    hash_before = fields.Char(string="SHA-256 Before", readonly=True)
    hash_after = fields.Char(string="SHA-256 After", readonly=True, index=True)
    verification_token = fields.Char(readonly=True, index=True, copy=False)
    signed_attachment_id = fields.Many2one(
        "ir.attachment", readonly=True, ondelete="set null"
    )
    batch_ref = fields.Char(string="Batch", readonly=True)

    @api.model
    def _emowaten_new_token(self):
        return uuid.uuid4().hex

    def _emowaten_purge_allowed(self):
        return self.env.su and self.env.context.get("emowaten_signature_log_purge")

    def write(self, vals):
        if not self._emowaten_purge_allowed():
            raise UserError(self.env._("The signature audit log cannot be modified."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_audit_log(self):
        if not self._emowaten_purge_allowed():
            raise UserError(self.env._("The signature audit log cannot be deleted."))

    @api.model
    def _emowaten_record(self, vals):
        """Append an entry (as superuser: users have no create right on the log)."""
        vals.setdefault("user_id", self.env.user.id)
        certificate = vals.get("certificate_id") and self.env[
            "emowaten.signature.certificate"
        ].sudo().browse(vals["certificate_id"])
        if certificate:
            vals.setdefault("cert_subject", certificate.subject)
            vals.setdefault("cert_serial", certificate.serial)
            vals.setdefault("cert_fingerprint", certificate.fingerprint)
            vals.setdefault("flow", certificate.flow)
        answer = vals.get("answer_id") and self.env["emowaten.answer"].sudo().browse(
            vals["answer_id"]
        )
        if answer:
            vals.setdefault("request_ref", answer.request_id.name)
            vals.setdefault("body_id", answer.body_id.id)
        return self.sudo().create(vals)
