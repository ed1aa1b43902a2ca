import ast

from odoo import api, fields, models, tools
from odoo.exceptions import UserError

# first key of the advisory locks that serialise reference draws (second: sequence id)
REFERENCE_LOCK_SPACE = 0x454D57  # "EMW"


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
        """Draw ``count`` consecutive references of ``year``: a list of
        ``(sequence id, number, reference)``. The caller stores the sequence id and the
        number on the request (``reference_sequence``, ``reference_number``, unique
        together): the drawn numbers *are* those rows, so a transaction that rolls back
        takes its numbers with it and the series stays gapless.

        Concurrent registrations in one office wait for each other instead of failing:
        a transaction-level advisory lock per sequence serialises the drawers, and the
        highest number already taken is read twice — in this transaction (its own
        uncommitted draws) and through a fresh cursor whose snapshot starts after the
        lock was granted (everything committed before). No row is updated, so the
        repeatable-read snapshot of a transaction that waited never conflicts. While
        modules are loading (``registry.ready`` is false: install, upgrade) only the
        first read is made, see below. The sequence itself only holds the prefix, the
        padding and the first number of the year (``number_next``, a floor an
        administrator may raise)."""
        self.ensure_one()
        cr = self.env.cr
        code = self._emowaten_sequence_code(year)
        Request = self.env["emowaten.request"]
        Request.flush_model(["reference_sequence", "reference_number"])
        self.env["ir.sequence"].flush_model(
            ["number_next", "number_increment", "padding", "prefix", "suffix", "active"]
        )
        for _attempt in range(2):
            sequence_id = self._emowaten_request_sequence_id(year)
            cr.execute(
                """SELECT pg_advisory_xact_lock(%s, %s), s.number_next,
                          s.number_increment, s.padding, s.prefix, s.suffix,
                          (SELECT max(reference_number) FROM emowaten_request
                            WHERE reference_sequence = s.id)
                     FROM ir_sequence s
                    WHERE s.id = %s AND s.code = %s AND s.active""",
                [REFERENCE_LOCK_SPACE, sequence_id, sequence_id, code],
                # a lock timeout or deadlock here is a concurrency error Odoo retries
                # (it still raises): not a bad query to log
                log_exceptions=False,
            )
            row = cr.fetchone()
            if row:
                break
            # the cached sequence is gone (deleted, or created by a rolled-back
            # transaction): look it up again
            self.env.registry.clear_cache()
        else:
            raise UserError(
                self.env._(
                    "The reference sequence of %(office)s for %(year)s is missing.",
                    office=self.display_name,
                    year=year,
                )
            )
        _lock, floor, increment, padding, prefix, suffix, own = row
        committed = None
        if self.env.registry.ready:
            # committed by others before the lock was granted: a cursor whose snapshot
            # starts now sees them (this transaction's may be older)
            with self.env.registry.cursor() as fresh:
                fresh.execute(
                    "SELECT max(reference_number) FROM emowaten_request "
                    "WHERE reference_sequence = %s",
                    [sequence_id],
                )
                (committed,) = fresh.fetchone()
        # else: modules are being installed or upgraded (demo or data files register
        # requests). A second cursor would not see a table or columns this
        # transaction created, and would wait forever for the lock an ALTER TABLE of
        # this transaction holds. This transaction's own read is then the only one:
        # nobody else can register in a table that is not committed yet, and a
        # registration another server committed meanwhile makes the unique
        # (reference_sequence, reference_number) constraint refuse the duplicate.
        taken = [n for n in (own, committed) if n is not None]
        first = max([floor] + [n + increment for n in taken])
        # same output as get_next_char(), with the prefix interpolated once per batch
        prefix, suffix = (
            self.env["ir.sequence"]
            .sudo()
            .new({"prefix": prefix, "suffix": suffix})
            ._get_prefix_suffix()
        )
        numbers = [first + i * increment for i in range(count)]
        return [
            (sequence_id, number, f"{prefix}{number:0{padding}d}{suffix}")
            for number in numbers
        ]

    @api.model
    def _cron_prepare_sequences(self):
        """Create next year's request sequences ahead of the first of January."""
        year = fields.Date.context_today(self).year
        for office in self.sudo().search([("active", "=", True)]):
            office._emowaten_request_sequence(year)
            office._emowaten_request_sequence(year + 1)
