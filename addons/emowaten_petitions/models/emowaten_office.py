import ast

from odoo import api, fields, models


class EmowatenOffice(models.Model):
    _name = "emowaten.office"
    _inherit = ["mail.alias.mixin", "emowaten.office"]

    request_ids = fields.One2many("emowaten.request", "office_id", string="Requests")
    request_open_count = fields.Integer(compute="_compute_request_open_count")

    def _compute_request_open_count(self):
        counts = dict(
            self.env["emowaten.request"]._read_group(
                [
                    ("office_id", "in", self.ids),
                    (
                        "state",
                        "not in",
                        ("draft", "answered", "closed", "inadmissible", "withdrawn"),
                    ),
                ],
                ["office_id"],
                ["__count"],
            )
        )
        for office in self:
            office.request_open_count = counts.get(office, 0)

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("emowaten.request").id
        values["alias_contact"] = "everyone"
        if self.id:
            defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["office_id"] = self.id
            values["alias_defaults"] = defaults
        return values

    @api.model_create_multi
    def create(self, vals_list):
        offices = super().create(vals_list)
        year = fields.Date.context_today(self).year
        for office in offices:
            # created in advance: concurrent registrations never race to create it
            office._emowaten_request_sequence(year)
            office._emowaten_request_sequence(year + 1)
        return offices

    # -------------------------------------------------------------- references
    def _emowaten_sequence_code(self, year):
        self.ensure_one()
        return f"emowaten.request.{self.id}.{year}"

    def _emowaten_request_sequence(self, year):
        """The gapless sequence of this office's requests for ``year``, created on
        demand (one per office and year)."""
        self.ensure_one()
        Sequence = self.env["ir.sequence"].sudo()
        code = self._emowaten_sequence_code(year)
        sequence = Sequence.search([("code", "=", code)], limit=1)
        if not sequence:
            prefix = (self.reference_prefix or self.code or "BRC").upper()
            sequence = Sequence.create(
                {
                    "name": f"{self.env._('Requests')} {prefix} {year}",
                    "code": code,
                    "implementation": "no_gap",
                    "prefix": f"{prefix}-{year}-",
                    "padding": 6,
                    "number_next": 1,
                    "number_increment": 1,
                    "company_id": False,
                }
            )
        return sequence

    def _emowaten_next_references(self, year, count):
        """Draw ``count`` consecutive references in one statement. The row lock is taken
        with NOWAIT like Odoo's own gapless sequences: a concurrent registration fails
        fast with a retryable lock error (the RPC and HTTP layers retry it) instead of
        ever reusing a number; the numbers come back if the transaction rolls back.
        The conflict is expected and retried, so it is not logged as a bad query; the
        lock is held until the registration commits, which is why nothing slow (the
        receipt's PDF) happens in that transaction."""
        self.ensure_one()
        sequence = self._emowaten_request_sequence(year)
        sequence.flush_recordset(["number_next"])
        cr = self.env.cr
        cr.execute(
            "SELECT id FROM ir_sequence WHERE id = %s FOR UPDATE NOWAIT",
            [sequence.id],
            log_exceptions=False,
        )
        cr.execute(
            "UPDATE ir_sequence SET number_next = number_next + %s * number_increment "
            "WHERE id = %s RETURNING number_next, number_increment",
            [count, sequence.id],
        )
        number_next, increment = cr.fetchone()
        sequence.invalidate_recordset(["number_next"])
        first = number_next - count * increment
        # same output as get_next_char(), with the prefix interpolated once per batch
        prefix, suffix = sequence._get_prefix_suffix()
        padding = sequence.padding
        return [
            f"{prefix}{first + i * increment:0{padding}d}{suffix}" for i in range(count)
        ]

    @api.model
    def _cron_prepare_sequences(self):
        """Create next year's request sequences ahead of the first of January."""
        year = fields.Date.context_today(self).year
        for office in self.sudo().search([("active", "=", True)]):
            office._emowaten_request_sequence(year)
            office._emowaten_request_sequence(year + 1)
