from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def signup_prepare(self, signup_type="signup"):
        """Every e-mail to a citizen about a request (receipt, answer, signed letter)
        asks for a signup token for its "view" button, and auth_signup writes the
        partner each time even when nothing changes. Under load that made the
        citizen's row a hot spot: the receipt cron and signatories failed with
        serialization errors on it. Write only the partners whose type changes."""
        changing = self.filtered(lambda partner: partner.signup_type != signup_type)
        if changing:
            return super(ResPartner, changing).signup_prepare(signup_type=signup_type)
        return True
