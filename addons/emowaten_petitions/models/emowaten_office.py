import ast

from odoo import api, fields, models, tools
from odoo.exceptions import UserError


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

    @tools.ormcache("self.id", "year")
    def _emowaten_request_sequence_id(self, year):
        """Id of the office's sequence for ``year``, cached for the registry (every
        registration needs it). A stale id (sequence deleted, or created by a
        transaction that rolled back) is detected by the draw, which then clears the
        cache and looks again."""
        return self._emowaten_request_sequence(year).id

    def _emowaten_next_references(self, year, count):
        """Draw ``count`` consecutive references in one statement. The row lock is taken
        with NOWAIT like Odoo's own gapless sequences: a concurrent registration fails
        fast with a retryable lock error (the RPC and HTTP layers retry it) instead of
        ever reusing a number; the numbers come back if the transaction rolls back.
        The conflict is expected and retried, so it is not logged as a bad query; the
        lock is held until the registration commits, which is why nothing slow (the
        receipt's PDF) happens in that transaction."""
        self.ensure_one()
        cr = self.env.cr
        code = self._emowaten_sequence_code(year)
        Sequence = self.env["ir.sequence"].sudo()
        for _attempt in range(2):
            sequence = Sequence.browse(self._emowaten_request_sequence_id(year))
            sequence.flush_recordset(["number_next", "number_increment"])
            cr.execute(
                """UPDATE ir_sequence seq
                      SET number_next = seq.number_next + %s * seq.number_increment
                     FROM (SELECT id FROM ir_sequence
                            WHERE id = %s AND code = %s AND active
                              FOR UPDATE NOWAIT) locked
                    WHERE seq.id = locked.id
                RETURNING seq.number_next, seq.number_increment, seq.padding,
                          seq.prefix, seq.suffix""",
                [count, sequence.id, code],
                log_exceptions=False,
            )
            row = cr.fetchone()
            if row:
                break
            self.env.registry.clear_cache()
        else:
            raise UserError(
                self.env._(
                    "The reference sequence of %(office)s for %(year)s is missing.",
                    office=self.display_name,
                    year=year,
                )
            )
        number_next, increment, padding, prefix, suffix = row
        sequence.invalidate_recordset(["number_next"])
        first = number_next - count * increment
        # same output as get_next_char(), with the prefix interpolated once per batch
        prefix, suffix = Sequence.new(
            {"prefix": prefix, "suffix": suffix}
        )._get_prefix_suffix()
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
