from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    def _emowaten_default_report_layout(self):
        """At install, companies still on Odoo's default document layout get the
        bilingual letterhead; a layout chosen by an administrator stays."""
        ours = self.env.ref("emowaten_petitions.external_layout_emowaten")
        default = self.env.ref("web.external_layout_standard", raise_if_not_found=False)
        companies = self.sudo().search(
            [
                "|",
                ("external_report_layout_id", "=", False),
                ("external_report_layout_id", "=", default.id if default else 0),
            ]
        )
        companies.external_report_layout_id = ours
        return True
