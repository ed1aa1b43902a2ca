from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    emowaten_signature_tsa_url = fields.Char(
        string="Time-Stamping Authority URL",
        config_parameter="emowaten_signature.tsa_url",
        help="RFC 3161 server (TunTrust's in production). "
        "Empty: signatures are PAdES B-B.",
    )
    emowaten_signature_embed_revocation = fields.Boolean(
        string="Embed Revocation Data (B-LT)",
        config_parameter="emowaten_signature.embed_revocation",
        default=True,
    )
    emowaten_signature_allow_unchecked = fields.Boolean(
        string="Allow Signing When Revocation Cannot Be Checked",
        config_parameter="emowaten_signature.allow_unchecked_revocation",
        help="Off by default: a certificate signs only with current revocation "
        "information (a CRL within its validity or an OCSP answer). When on, a "
        "certificate whose status cannot be checked may sign; each such signature is "
        "logged and noted on the certificate.",
    )
    emowaten_signature_expiry_days = fields.Integer(
        string="Warn Before Certificate Expiry (days)",
        config_parameter="emowaten_signature.expiry_warning_days",
        default=30,
    )
    emowaten_signature_pkcs11_module = fields.Char(
        string="Default PKCS#11 Library",
        config_parameter="emowaten_signature.pkcs11_module",
    )
    emowaten_signature_run_seconds = fields.Integer(
        string="Length of a Signing Run (seconds)",
        config_parameter="emowaten_signature.run_seconds",
        default=30,
        help="A batch is signed in runs: a run starts no new answer after this many "
        "seconds, and the signatory enters the PIN again for the rest. Keep it well "
        "below the server's time limit per request.",
    )
