from datetime import timedelta

from odoo import api, fields, models, tools
from odoo.fields import Domain
from odoo.tools import SQL

# Local time of every office: periods (a month, a year) are cut at Tunisian midnight,
# not at UTC midnight, so that a request filed on 31 Dec at 23:30 belongs to December.
EMOWATEN_TZ = "Africa/Tunis"

# Grouping keys accepted by _emowaten_statistics(), mapped to the view's columns.
STAT_GROUPS = {
    "type_id",
    "channel",
    "category_id",
    "office_id",
    "body_id",
    "state_id",
    "district_id",
    "stage_id",
    "state",
    "user_id",
}
STAT_PERIODS = {"day", "week", "month", "quarter", "year"}


class EmowatenRequestAnalysis(models.Model):
    """One row per registered request, with the figures the offices report on.

    A read-only SQL view: every count of the dashboards and of the XLSX reports
    comes from here, so the pivot of a manager and the yearly report to the
    minister can never disagree. Record rules mirror those of the requests.
    """

    _name = "emowaten.request.analysis"
    _description = "Request Analysis"
    _auto = False
    _order = "registration_date desc, id desc"
    _rec_name = "name"

    request_id = fields.Many2one("emowaten.request", readonly=True)
    name = fields.Char(string="Reference", readonly=True)
    nbr = fields.Integer(string="# Requests", readonly=True, aggregator="sum")
    office_id = fields.Many2one("emowaten.office", readonly=True)
    body_id = fields.Many2one("emowaten.body", string="Competent Body", readonly=True)
    type_id = fields.Many2one("emowaten.request.type", readonly=True)
    channel = fields.Selection(selection="_selection_channel", readonly=True)
    category_id = fields.Many2one("emowaten.request.category", readonly=True)
    state_id = fields.Many2one("res.country.state", string="Governorate", readonly=True)
    district_id = fields.Many2one("emowaten.district", readonly=True)
    delegation_id = fields.Many2one("emowaten.delegation", readonly=True)
    stage_id = fields.Many2one("emowaten.request.stage", readonly=True)
    state = fields.Selection(
        selection="_selection_state", string="Status", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    correspondent_id = fields.Many2one("res.users", readonly=True)
    is_routed = fields.Boolean(
        string="Routed File",
        readonly=True,
        help="A file routed to a competent body (child of a citizen's request).",
    )
    confidential = fields.Boolean(readonly=True)
    registration_date = fields.Datetime(readonly=True)
    registration_day = fields.Date(readonly=True, help="Registration date, Tunis time.")
    date_deadline = fields.Date(string="Deadline", readonly=True)
    answer_date = fields.Datetime(readonly=True)
    answer_days = fields.Float(
        string="Answer Time (days)",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="Calendar days between the registration and the first answer sent.",
    )
    is_answered = fields.Boolean(string="Answered", readonly=True)
    answered_count = fields.Integer(
        string="# Answered", readonly=True, aggregator="sum"
    )
    in_time_count = fields.Integer(
        string="# Answered within Deadline", readonly=True, aggregator="sum"
    )
    in_time_rate = fields.Float(
        string="% within Deadline",
        readonly=True,
        aggregator="avg",
        digits=(16, 1),
        help="100 for a request answered on or before its deadline, 0 for one answered "
        "late or still unanswered past its deadline; empty while the deadline runs. "
        "Its average is the share of due requests answered within the deadline.",
    )
    is_overdue = fields.Boolean(
        string="Overdue", readonly=True, help="Deadline passed and no answer sent."
    )
    implicit_refusal = fields.Boolean(readonly=True)
    implicit_refusal_count = fields.Integer(
        string="# Implicit Refusals", readonly=True, aggregator="sum"
    )
    transfer_count = fields.Integer(
        string="# Transfers", readonly=True, aggregator="sum"
    )
    rating = fields.Float(readonly=True, aggregator="avg", digits=(16, 2))
    is_my_office = fields.Boolean(
        string="My Offices", compute="_compute_is_mine", search="_search_is_my_office"
    )
    is_my_body = fields.Boolean(
        string="My Bodies", compute="_compute_is_mine", search="_search_is_my_body"
    )

    def _compute_is_mine(self):
        user = self.env.user
        bodies = self.env["emowaten.body"].search(
            [("id", "child_of", user.emowaten_body_ids.ids)]
        )
        for row in self:
            row.is_my_office = row.office_id in user.emowaten_office_ids
            row.is_my_body = row.body_id in bodies

    def _search_is_my_office(self, operator, value):
        if operator != "in":
            return NotImplemented
        domain = Domain("office_id", "in", self.env.user.emowaten_office_ids.ids)
        return domain if True in value else ~domain

    def _search_is_my_body(self, operator, value):
        if operator != "in":
            return NotImplemented
        domain = Domain("body_id", "child_of", self.env.user.emowaten_body_ids.ids)
        return domain if True in value else ~domain

    @api.model
    def _selection_channel(self):
        return (
            self.env["emowaten.request"]
            ._fields["channel"]
            ._description_selection(self.env)
        )

    @api.model
    def _selection_state(self):
        return (
            self.env["emowaten.request"]
            ._fields["state"]
            ._description_selection(self.env)
        )

    # ------------------------------------------------------------------
    # The view
    # ------------------------------------------------------------------
    def _select(self):
        return SQL(
            """
            r.id AS id,
            r.id AS request_id,
            r.name AS name,
            1 AS nbr,
            r.office_id AS office_id,
            r.body_id AS body_id,
            r.type_id AS type_id,
            r.channel AS channel,
            r.category_id AS category_id,
            r.state_id AS state_id,
            gov.emowaten_district_id AS district_id,
            r.delegation_id AS delegation_id,
            r.stage_id AS stage_id,
            r.state AS state,
            r.user_id AS user_id,
            r.correspondent_id AS correspondent_id,
            r.parent_id IS NOT NULL AS is_routed,
            COALESCE(r.confidential, FALSE) AS confidential,
            r.registration_date AS registration_date,
            (r.registration_date AT TIME ZONE 'UTC' AT TIME ZONE %(tz)s)::date
                AS registration_day,
            r.date_deadline AS date_deadline,
            ans.answer_date AS answer_date,
            EXTRACT(EPOCH FROM ans.answer_date - r.registration_date) / 86400.0
                AS answer_days,
            ans.answer_date IS NOT NULL AS is_answered,
            (ans.answer_date IS NOT NULL)::int AS answered_count,
            (%(in_time)s)::int AS in_time_count,
            CASE
                WHEN %(in_time)s THEN 100.0
                WHEN ans.answer_date IS NOT NULL OR %(overdue)s THEN 0.0
            END AS in_time_rate,
            %(overdue)s AS is_overdue,
            COALESCE(r.implicit_refusal, FALSE) AS implicit_refusal,
            COALESCE(r.implicit_refusal, FALSE)::int AS implicit_refusal_count,
            %(transfers)s AS transfer_count,
            %(rating)s AS rating
            """,
            tz=EMOWATEN_TZ,
            in_time=self._sql_in_time(),
            overdue=self._sql_overdue(),
            transfers=self._sql_transfer_count(),
            rating=self._sql_rating(),
        )

    def _sql_answer_date(self):
        """First answer sent to the citizen: the moment the clock stops."""
        return SQL(
            """
            SELECT MIN(a.date_sent) AS answer_date
              FROM emowaten_answer a
             WHERE a.request_id = r.id AND a.state = 'sent'
            """
        )

    def _sql_in_time(self):
        return SQL(
            "(ans.answer_date IS NOT NULL AND (ans.answer_date AT TIME ZONE 'UTC' "
            "AT TIME ZONE %s)::date <= r.date_deadline)",
            EMOWATEN_TZ,
        )

    def _sql_overdue(self):
        return SQL(
            "(ans.answer_date IS NULL AND r.date_deadline < "
            "(NOW() AT TIME ZONE %s)::date AND r.state NOT IN "
            "('closed', 'inadmissible', 'withdrawn', 'answered'))",
            EMOWATEN_TZ,
        )

    def _sql_transfer_count(self):
        """Number of times the file was handed over to another holder."""
        return SQL("COALESCE(r.transfer_count, 0)")

    def _sql_rating(self):
        """The citizen's rating 1..5, NULL when not rated (0 means not rated)."""
        return SQL("NULLIF(r.rating, 0)::float")

    def _from(self):
        return SQL(
            """
            emowaten_request r
            LEFT JOIN res_country_state gov ON gov.id = r.state_id
            LEFT JOIN LATERAL (%s) ans ON TRUE
            """,
            self._sql_answer_date(),
        )

    def _where(self):
        return SQL("r.state != 'draft'")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (SELECT %s FROM %s WHERE %s)",
                SQL.identifier(self._table),
                self._select(),
                self._from(),
                self._where(),
            )
        )

    @api.model
    def _emowaten_period_domain(self, date_from, date_to):
        """Requests registered between two days (Tunis time), both included.

        ``registration_day`` is an expression of the view that no index serves; the
        extra bounds on ``registration_date`` (a day wider on each side, whatever
        the offset of Tunis) let PostgreSQL use the index of the requests.
        """
        return (
            Domain("registration_date", ">=", date_from - timedelta(days=1))
            & Domain("registration_date", "<", date_to + timedelta(days=2))
            & Domain("registration_day", ">=", date_from)
            & Domain("registration_day", "<=", date_to)
        )

    # ------------------------------------------------------------------
    # Statistics that a pivot cannot aggregate (median, percentiles)
    # ------------------------------------------------------------------
    @api.model
    def _emowaten_statistics(self, domain, groupby=None):
        """Return the report figures of the rows matching ``domain``.

        :param domain: a domain on this model (record rules apply)
        :param groupby: ``None`` for one global row, a column of :data:`STAT_GROUPS`,
            or ``"registration_day:<period>"`` with a period of :data:`STAT_PERIODS`
        :return: list of dicts (``key`` is the group value: an id, a selection key
            or the first day of the period), ordered by key
        """
        query = self._search(domain)
        table = self._table
        if not groupby:
            key = SQL("NULL")
        elif groupby in STAT_GROUPS:
            key = SQL.identifier(table, groupby)
        else:
            fname, _sep, period = groupby.partition(":")
            if fname != "registration_day" or period not in STAT_PERIODS:
                raise ValueError(f"Unsupported statistics grouping {groupby!r}")
            key = SQL("date_trunc(%s, %s)::date", period, SQL.identifier(table, fname))
        col = self._emowaten_stat_columns(table)
        if groupby:
            query.groupby = key
            query.order = key
        self.env.cr.execute(
            query.select(
                SQL("%s AS key", key),
                *(
                    SQL("%s AS %s", expr, SQL.identifier(name))
                    for name, expr in col.items()
                ),
            )
        )
        rows = self.env.cr.dictfetchall()
        for row in rows:
            row["in_time_pct"] = (
                100.0 * row["in_time"] / row["due"] if row["due"] else None
            )
            for fname in ("median_days", "p90_days", "avg_days", "rating_avg"):
                if row[fname] is not None:
                    row[fname] = float(row[fname])
        return rows

    def _emowaten_stat_columns(self, table):
        def col(name):
            return SQL.identifier(table, name)

        return {
            "count": SQL("COUNT(*)"),
            "answered": SQL("COUNT(*) FILTER (WHERE %s)", col("is_answered")),
            "in_time": SQL("COALESCE(SUM(%s), 0)", col("in_time_count")),
            "due": SQL("COUNT(%s)", col("in_time_rate")),
            "overdue": SQL("COUNT(*) FILTER (WHERE %s)", col("is_overdue")),
            "median_days": SQL(
                "percentile_cont(0.5) WITHIN GROUP (ORDER BY %s)", col("answer_days")
            ),
            "p90_days": SQL(
                "percentile_cont(0.9) WITHIN GROUP (ORDER BY %s)", col("answer_days")
            ),
            "avg_days": SQL("AVG(%s)", col("answer_days")),
            "implicit_refusals": SQL(
                "COUNT(*) FILTER (WHERE %s)", col("implicit_refusal")
            ),
            "transfers": SQL("COALESCE(SUM(%s), 0)", col("transfer_count")),
            "rating_avg": SQL("AVG(%s)", col("rating")),
            "rating_count": SQL("COUNT(%s)", col("rating")),
        }
