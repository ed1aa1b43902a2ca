from odoo import fields, models
from odoo.fields import Domain

from .emowaten_signature_certificate import SIGNING_STATES


class EmowatenBody(models.Model):
    _inherit = "emowaten.body"

    signature_authority_ids = fields.One2many(
        "emowaten.signature.authority", "body_id", string="Signing Authorities"
    )

    def _emowaten_sync_signatories(self):
        """Keep ``signatory_user_ids`` equal to the users holding a signing authority
        today (titular, delegation or interim)."""
        today = fields.Date.context_today(self)
        authorities = (
            self.env["emowaten.signature.authority"]
            .sudo()
            .search(
                self.env["emowaten.signature.authority"]._emowaten_domain_at(today)
                & Domain("body_id", "in", self.ids)
            )
        )
        for body in self.sudo():
            users = authorities.filtered(lambda a, b=body: a.body_id == b).user_id
            if body.signatory_user_ids != users:
                body.signatory_user_ids = users

    def _emowaten_readiness_signatory_ok(self):
        """A body is ready when someone holds a signing authority today AND that person
        has a certificate in a signing state."""
        res = super()._emowaten_readiness_signatory_ok()
        today = fields.Date.context_today(self)
        Authority = self.env["emowaten.signature.authority"].sudo()
        certificates = self.env["emowaten.signature.certificate"].sudo()
        for body in self:
            users = Authority.search(
                Authority._emowaten_domain_at(today, body=body)
            ).user_id
            res[body.id] = bool(
                users
                and certificates.search_count(
                    [("user_id", "in", users.ids), ("state", "in", SIGNING_STATES)],
                    limit=1,
                )
            )
        return res
