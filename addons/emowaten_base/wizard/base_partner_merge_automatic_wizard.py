from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _update_values(self, src_partners, dst_partner):
        """Keep one CIN through the merge: the CIN is unique among active citizens,
        so the merged partners give theirs up before the survivor takes it."""
        cin = dst_partner.emowaten_cin or next(
            (p.emowaten_cin for p in src_partners if p.emowaten_cin), False
        )
        src_partners.filtered("emowaten_cin").sudo().write({"emowaten_cin": False})
        # one UPDATE may not both free and take the CIN: the index checks row by row
        src_partners.flush_recordset(["emowaten_cin"])
        res = super()._update_values(src_partners, dst_partner)
        if cin and dst_partner.emowaten_cin != cin:
            dst_partner.sudo().write({"emowaten_cin": cin})
        return res
