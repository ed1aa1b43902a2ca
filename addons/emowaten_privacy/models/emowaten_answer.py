from odoo import models


class EmowatenAnswer(models.Model):
    _name = "emowaten.answer"
    _inherit = ["emowaten.answer", "emowaten.privacy.logged"]

    def _emowaten_privacy_citizen(self):
        self.ensure_one()
        return self.request_id.partner_id

    def _emowaten_privacy_request(self):
        self.ensure_one()
        return self.request_id
