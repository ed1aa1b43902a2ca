from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools import certinfo


class EmowatenSignatureTrustAnchor(models.Model):
    """A root (or intermediate) certificate that signatures and certificates are
    validated against: TunTrust Root CA in production, a test CA in development."""

    _name = "emowaten.signature.trust.anchor"
    _description = "Signature Trust Anchor"
    _order = "is_test, name"

    name = fields.Char(required=True)
    pem = fields.Text(string="Certificate (PEM)", required=True)
    is_test = fields.Boolean(
        string="Test Authority",
        help="A test certification authority: never trust it in production.",
    )
    is_root = fields.Boolean(string="Root", default=True)
    subject = fields.Char(compute="_compute_info", store=True)
    not_after = fields.Datetime(
        string="Valid Until", compute="_compute_info", store=True
    )
    fingerprint = fields.Char(
        string="SHA-256 Fingerprint", compute="_compute_info", store=True
    )
    active = fields.Boolean(default=True)

    _fingerprint_uniq = models.Constraint(
        "UNIQUE(fingerprint)", "This trust anchor is already registered."
    )

    @api.depends("pem")
    def _compute_info(self):
        for anchor in self:
            try:
                info = certinfo.describe(certinfo.load_certificate(anchor.pem.encode()))
            except (certinfo.CertError, AttributeError):
                anchor.subject = anchor.not_after = anchor.fingerprint = False
                continue
            anchor.subject = info.subject
            anchor.not_after = info.not_after
            anchor.fingerprint = info.fingerprint

    @api.constrains("pem")
    def _check_pem(self):
        for anchor in self:
            try:
                certinfo.load_certificate((anchor.pem or "").encode())
            except certinfo.CertError as exc:
                raise ValidationError(
                    self.env._(
                        "The trust anchor %s is not a readable certificate.",
                        anchor.name,
                    )
                ) from exc

    @api.model
    def _emowaten_certificates(self):
        """``cryptography`` certificates of all active anchors."""
        return [
            certinfo.load_certificate(a.pem.encode()) for a in self.sudo().search([])
        ]

    @api.model
    def _emowaten_import_der(self, name, data, is_test=False):
        cert = certinfo.load_certificate(data)
        return self.create(
            {"name": name, "pem": certinfo.pem(cert), "is_test": is_test}
        )
