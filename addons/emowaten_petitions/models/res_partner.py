from odoo import api, fields, models
from odoo.exceptions import AccessError

from .emowaten_request_citizen import REACHED_KEY


class ResPartner(models.Model):
    _inherit = "res.partner"

    # the relation the record rules of security/emowaten_partner_security.xml scope the
    # citizens through: a staff member sees the citizens of the requests he may see
    emowaten_request_ids = fields.One2many(
        "emowaten.request", "partner_id", string="Requests", groups="base.group_user"
    )

    @api.model
    def _emowaten_find_or_create_citizen(self, vals, *args, **kwargs):
        # found by her CIN or phone: the request being filed may take her, even if
        # her files are all in other offices (emowaten_request_citizen.py)
        partner = super()._emowaten_find_or_create_citizen(vals, *args, **kwargs)
        self.env.cr.cache.setdefault(REACHED_KEY, set()).update(partner.ids)
        return partner

    def write(self, vals):
        if "emowaten_is_citizen" in vals and not vals["emowaten_is_citizen"]:
            self._emowaten_check_citizen_flag_kept()
        return super().write(vals)

    def _emowaten_check_citizen_flag_kept(self):
        """Unticking "Citizen" takes a citizen out of the scoping of the partner rules
        (every staff member would then read her): only an administrator may."""
        if self.env.su or self.env.user.has_group("emowaten_base.group_emowaten_admin"):
            return
        if any(self.sudo().mapped("emowaten_is_citizen")):
            raise AccessError(
                self.env._("Only an e-Mowaten administrator may unmark a citizen.")
            )

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
