from odoo import fields, models, tools
from odoo.tools import SQL


class EmowatenRequestAnalysisMonthly(models.Model):
    """Answer times of each office, month by month: median and 90th percentile.

    Percentiles cannot be summed nor averaged, so a pivot over the request rows
    cannot show them; this view computes them once per office and month
    (``percentile_cont`` in SQL) over the citizens' requests, without the routed
    files and without the confidential types.
    """

    _name = "emowaten.request.analysis.monthly"
    _description = "Monthly Answer Times per Office"
    _auto = False
    _order = "month desc, office_id"
    _rec_name = "office_id"

    office_id = fields.Many2one("emowaten.office", readonly=True)
    body_id = fields.Many2one(
        "emowaten.body", string="Body of the Office", readonly=True
    )
    state_id = fields.Many2one("res.country.state", string="Governorate", readonly=True)
    month = fields.Date(readonly=True, help="First day of the month, Tunis time.")
    request_count = fields.Integer(string="Requests Received", readonly=True)
    answered_count = fields.Integer(string="Answered", readonly=True)
    in_time_pct = fields.Float(
        string="% within Deadline",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Answered within the deadline, out of the requests answered or overdue.",
    )
    median_days = fields.Float(
        string="Median Answer Time (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    p90_days = fields.Float(
        string="90th Percentile Answer Time (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
    )
    implicit_refusal_count = fields.Integer(string="Implicit Refusals", readonly=True)
    transfer_count = fields.Integer(string="Transfers", readonly=True)
    rating_avg = fields.Float(
        string="Average Rating", readonly=True, aggregator="avg", digits=(16, 2)
    )

    def init(self):
        analysis = self.env["emowaten.request.analysis"]._table
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
                CREATE OR REPLACE VIEW %(view)s AS (
                    SELECT row_number() OVER (ORDER BY a.office_id, m.month) AS id,
                           a.office_id,
                           o.body_id,
                           o.state_id,
                           m.month,
                           COUNT(*) AS request_count,
                           COUNT(*) FILTER (WHERE a.is_answered) AS answered_count,
                           100.0 * SUM(a.in_time_count)
                               / NULLIF(COUNT(a.in_time_rate), 0) AS in_time_pct,
                           percentile_cont(0.5) WITHIN GROUP (ORDER BY a.answer_days)
                               AS median_days,
                           percentile_cont(0.9) WITHIN GROUP (ORDER BY a.answer_days)
                               AS p90_days,
                           SUM(a.implicit_refusal_count) AS implicit_refusal_count,
                           SUM(a.transfer_count) AS transfer_count,
                           AVG(a.rating) AS rating_avg
                      FROM %(analysis)s a
                      JOIN emowaten_office o ON o.id = a.office_id,
                           LATERAL (SELECT date_trunc('month', a.registration_day)::date
                                        AS month) m
                     WHERE NOT a.is_routed AND NOT a.confidential
                  GROUP BY a.office_id, o.body_id, o.state_id, m.month
                )
                """,
                view=SQL.identifier(self._table),
                analysis=SQL.identifier(analysis),
            )
        )
