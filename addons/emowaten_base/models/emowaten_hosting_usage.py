from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL


class EmowatenHostingUsage(models.Model):
    """Data stored for one body at the end of one month and what it costs.

    Written only by :meth:`_cron_measure_usage`; one line per body and month, so
    measuring a month again updates its lines instead of adding new ones.
    """

    _name = "emowaten.hosting.usage"
    _description = "Hosting Usage"
    _order = "date desc, body_id"

    body_id = fields.Many2one(
        "emowaten.body",
        string="Public Body",
        required=True,
        index=True,
        ondelete="cascade",
    )
    state_id = fields.Many2one(
        related="body_id.state_id", store=True, string="Governorate"
    )
    body_type = fields.Selection(
        related="body_id.body_type", store=True, string="Kind of Body"
    )
    agreement_id = fields.Many2one(
        "emowaten.hosting.agreement",
        index=True,
        ondelete="set null",
    )
    currency_id = fields.Many2one(related="agreement_id.currency_id")
    tariff_id = fields.Many2one("emowaten.hosting.tariff", ondelete="set null")
    date = fields.Date(
        string="Month", required=True, help="First day of the measured month."
    )
    record_count = fields.Integer(string="Documents", aggregator="max")
    byte_count = fields.Float(string="Bytes", aggregator="max", digits=(20, 0))
    size_gb = fields.Float(
        string="Size (GB)",
        compute="_compute_size_gb",
        store=True,
        digits=(16, 4),
        aggregator="max",
    )
    fixed_cost = fields.Monetary()
    storage_cost = fields.Monetary()
    document_cost = fields.Monetary()
    cost = fields.Monetary(string="Total Cost")

    _body_date_uniq = models.Constraint(
        "UNIQUE(body_id, date)", "A body has one usage line per month."
    )

    @api.depends("byte_count")
    def _compute_size_gb(self):
        for usage in self:
            usage.size_gb = usage.byte_count / 1024**3

    # ------------------------------------------------------------------
    # Measurement
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_usage_queries(self, date_to):
        """Return the list of ``(sql, params)`` that measure the data of each body.

        Each query must select rows ``(body_id, record_count, byte_count)`` for
        the data that belongs to a body and was created before ``date_to`` (a
        datetime, exclusive). A body may appear in several rows and in several
        queries: :meth:`_emowaten_measure` sums them per body in one SQL
        statement, so queries should be set-based (``GROUP BY body``) and use
        indexed columns (``ir_attachment`` has an index on
        ``(res_model, res_id)``). Parameters use ``%s`` placeholders (a literal
        ``%`` is written ``%%``); never format values into the SQL text.

        Override it, call ``super()`` and append your own queries. E.g. the
        petitions addon adds the requests routed to each body and the
        attachments of these requests::

            queries = super()._emowaten_usage_queries(date_to)
            queries.append((
                "SELECT r.body_id, COUNT(*), 0 FROM emowaten_request r "
                "WHERE r.create_date < %s GROUP BY r.body_id", [date_to]))
            return queries

        Base measures the attachments of the bodies and of their offices.
        """
        return [
            (
                """SELECT a.res_id, COUNT(*), COALESCE(SUM(a.file_size), 0)
                     FROM ir_attachment a
                    WHERE a.res_model = 'emowaten.body' AND a.res_id IS NOT NULL
                      AND a.create_date < %s
                 GROUP BY a.res_id""",
                [date_to],
            ),
            (
                """SELECT o.body_id, COUNT(*), COALESCE(SUM(a.file_size), 0)
                     FROM ir_attachment a
                     JOIN emowaten_office o ON o.id = a.res_id
                    WHERE a.res_model = 'emowaten.office'
                      AND a.create_date < %s
                 GROUP BY o.body_id""",
                [date_to],
            ),
        ]

    @api.model
    def _emowaten_measure(self, date_to):
        """Return ``{body_id: (record_count, byte_count)}`` of the data created
        before ``date_to``, summed in SQL over every usage query."""
        self.env.flush_all()
        parts = [
            SQL(query, *params)
            for query, params in self._emowaten_usage_queries(date_to)
        ]
        if not parts:
            return {}
        union = SQL(" UNION ALL ").join(SQL("(%s)", part) for part in parts)
        self.env.cr.execute(
            SQL(
                """SELECT u.body_id, SUM(u.record_count)::bigint,
                          SUM(u.byte_count)::bigint
                     FROM (%s) AS u(body_id, record_count, byte_count)
                     JOIN emowaten_body b ON b.id = u.body_id
                 GROUP BY u.body_id""",
                union,
            )
        )
        return {row[0]: (row[1], row[2]) for row in self.env.cr.fetchall()}

    @api.model
    def _cron_measure_usage(self, month=None):
        """Measure the usage at the end of ``month`` (default: the previous
        month) and write one usage and cost line per body. Running it again for
        the same month updates the lines: nothing is counted twice."""
        today = fields.Date.context_today(self)
        if month is None:
            month = today.replace(day=1) - relativedelta(months=1)
        month = fields.Date.to_date(month).replace(day=1)
        date_to = fields.Datetime.to_datetime(month + relativedelta(months=1))
        measures = self._emowaten_measure(date_to)
        agreements = self.env["emowaten.hosting.agreement"].search(
            [("year", "=", month.year), ("state", "!=", "draft")]
        )
        agreement_by_body = {
            agreement.body_id.id: agreement for agreement in agreements
        }
        body_ids = set(measures) | set(agreement_by_body)
        existing = {
            usage.body_id.id: usage
            for usage in self.search(
                [("date", "=", month), ("body_id", "in", list(body_ids))]
            )
        }
        to_create = []
        for body_id in sorted(body_ids):
            record_count, byte_count = measures.get(body_id, (0, 0))
            vals = {
                "body_id": body_id,
                "date": month,
                "record_count": record_count,
                "byte_count": byte_count,
                "agreement_id": False,
                "tariff_id": False,
                "fixed_cost": 0.0,
                "storage_cost": 0.0,
                "document_cost": 0.0,
                "cost": 0.0,
            }
            agreement = agreement_by_body.get(body_id)
            if agreement:
                vals["agreement_id"] = agreement.id
                tariff = agreement._emowaten_tariff_at(month)
                if tariff:
                    fixed, storage, documents = tariff._emowaten_monthly_cost(
                        record_count, byte_count
                    )
                    vals.update(
                        tariff_id=tariff.id,
                        fixed_cost=fixed,
                        storage_cost=storage,
                        document_cost=documents,
                        cost=fixed + storage + documents,
                    )
            if body_id in existing:
                existing[body_id].write(vals)
            else:
                to_create.append(vals)
        if to_create:
            self.create(to_create)
        agreements._emowaten_check_budget()
        return True
