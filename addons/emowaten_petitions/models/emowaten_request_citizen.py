"""The citizen of a request, as seen from the partner rules
(security/emowaten_partner_security.xml): a staff member reads the citizens of the
requests he may read, so putting a citizen on one of his requests must not be a way to
read any citizen of the country."""

import re

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

# ids of the citizens found by CIN or phone in this transaction
# (res.partner._emowaten_find_or_create_citizen): a server-side proof, out of reach of
# an RPC context
REACHED_KEY = "emowaten_reached_citizen_ids"


class EmowatenRequestCitizenMixin(models.AbstractModel):
    """Part of emowaten.request (in its ``_inherit``): who may put which citizen on a
    request."""

    _name = "emowaten.request.citizen.mixin"
    _description = "Citizen of a Request (within the user's reach)"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            for vals in vals_list:
                self._emowaten_check_citizen_reach(
                    vals.get("partner_id"),
                    vals.get("intake_cin"),
                    vals.get("intake_phone"),
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("partner_id") and not self.env.su:
            for request in self:
                if request.partner_id.id != vals["partner_id"]:
                    self._emowaten_check_citizen_reach(
                        vals["partner_id"],
                        vals.get("intake_cin", request.intake_cin),
                        vals.get("intake_phone", request.intake_phone),
                    )
        return super().write(vals)

    @api.model
    def _emowaten_check_citizen_reach(self, partner_id, cin=None, phone=None):
        """Refuse a citizen the user may not read, whose files are in other offices,
        unless he proved he has her in front of him: her CIN or phone typed at the
        counter (or read on a scanned form). A citizen without any file yet (registered
        by a colleague, imported) is scoped by nothing else: she may be taken."""
        if not partner_id or not isinstance(partner_id, int):
            return
        partner = self.env["res.partner"].browse(partner_id)
        if partner.has_access("read"):
            return
        citizen = partner.sudo().with_context(active_test=False)
        if (
            not citizen.exists()
            or not citizen.emowaten_request_ids
            or partner_id in self.env.cr.cache.get(REACHED_KEY, ())
        ):
            return
        if cin and citizen.emowaten_cin == re.sub(r"\D", "", cin):
            return
        if phone and citizen.phone:
            try:
                typed = citizen._emowaten_normalize_phone(phone)
            except ValidationError:
                typed = False
            if typed == citizen.phone:
                return
        raise AccessError(
            self.env._(
                "You cannot file a request for a citizen you may not see: type her "
                "CIN or phone in the intake fields to find her."
            )
        )
