from odoo import fields, models


class EmowatenBody(models.Model):
    _inherit = "emowaten.body"

    request_ids = fields.One2many("emowaten.request", "body_id", string="Routed Files")

    def _emowaten_answer_rate(self):
        """Share (0..100) of the files routed to each body that got a written answer."""
        rates = super()._emowaten_answer_rate()
        groups = (
            self.env["emowaten.request"]
            .sudo()
            ._read_group(
                [
                    ("body_id", "in", self.ids),
                    ("state", "not in", ("draft", "withdrawn")),
                ],
                ["body_id", "state"],
                ["__count"],
            )
        )
        totals, answered = {}, {}
        for body, state, count in groups:
            totals[body.id] = totals.get(body.id, 0) + count
            if state in ("answered", "closed", "inadmissible"):
                answered[body.id] = answered.get(body.id, 0) + count
        for body in self:
            if totals.get(body.id):
                rates[body.id] = round(
                    100.0 * answered.get(body.id, 0) / totals[body.id], 1
                )
        return rates
