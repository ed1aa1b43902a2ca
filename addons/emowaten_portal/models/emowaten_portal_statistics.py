import threading
import time
from datetime import timezone

from odoo import api, fields, models
from odoo.tools import SQL

# Per-process cache: {dbname: (expires_at epoch seconds, payload)}. The figures are
# aggregates that may lag by the configured period, which the page says. Invalidation
# is by time only, on purpose: no write on a request has to know about the portal.
# Behind it, one snapshot row shared by all workers, refreshed by a cron, so that the
# expensive computation stays off the request path.
_CACHE = {}
_CACHE_LOCK = threading.Lock()

# States in which the administration has given its written answer.
ANSWERED_STATES = ("answered", "closed")


class EmowatenPortalStatistics(models.AbstractModel):
    _name = "emowaten.portal.statistics"
    _description = "Public Statistics of the Citizen Portal"

    @api.model
    def _emowaten_cache_seconds(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_portal.stats_cache_seconds", 900)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return 900

    @api.model
    def _emowaten_clear_cache(self):
        with _CACHE_LOCK:
            _CACHE.pop(self.env.cr.dbname, None)

    @api.model
    def _emowaten_get_statistics(self):
        """Return the public figures: from this worker's memory while they are fresh,
        else from the shared snapshot, else computed now (and stored)."""
        dbname = self.env.cr.dbname
        now = time.time()
        with _CACHE_LOCK:
            cached = _CACHE.get(dbname)
        if cached and cached[0] > now:
            return cached[1]
        ttl = self._emowaten_cache_seconds()
        Snapshot = self.env["emowaten.portal.statistics.snapshot"].sudo()
        snapshot = Snapshot._emowaten_latest()
        expires = self._emowaten_expiry(snapshot, ttl)
        if expires <= now and (not snapshot or self._emowaten_try_lock()):
            snapshot = self._emowaten_refresh()
            expires = self._emowaten_expiry(snapshot, ttl)
        # otherwise another worker is computing: its predecessor stands in meanwhile
        payload = snapshot._emowaten_payload()
        if expires > now:
            with _CACHE_LOCK:
                _CACHE[dbname] = (expires, payload)
        return payload

    @api.model
    def _emowaten_expiry(self, snapshot, ttl):
        if not snapshot:
            return 0
        computed = snapshot.computed_at.replace(tzinfo=timezone.utc).timestamp()
        return computed + ttl

    @api.model
    def _emowaten_try_lock(self):
        """One worker recomputes at a time (until its transaction ends)."""
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext('emowaten_portal_statistics'))"
        )
        return self.env.cr.fetchone()[0]

    @api.model
    def _emowaten_refresh(self):
        snapshot = self.env["emowaten.portal.statistics.snapshot"].sudo()
        return snapshot._emowaten_store(self._emowaten_compute_statistics())

    @api.model
    def _emowaten_answer_join_sql(self):
        """FROM clause of the requests (alias ``r``) with the date of their first sent
        answer (alias ``sent.answer_date``), aggregated once rather than per row."""
        return SQL(
            """
            FROM emowaten_request r
            LEFT JOIN (SELECT request_id, min(date_sent) AS answer_date
                         FROM emowaten_answer
                        WHERE state = 'sent'
                     GROUP BY request_id) sent ON sent.request_id = r.id
            """
        )

    @api.model
    def _emowaten_answer_date_sql(self):
        """A file answered through its child files has no answer of its own: the date
        it reached the answered state stands in."""
        return SQL("coalesce(sent.answer_date, r.close_date)")

    @api.model
    def _emowaten_base_where(self):
        """Requests that count: registered (not drafts), not confidential (the
        corruption channel stays out of public figures)."""
        return SQL("r.state != 'draft' AND NOT coalesce(r.confidential, false)")

    @api.model
    def _emowaten_metrics_sql(self):
        answered = SQL("r.state IN %s", ANSWERED_STATES)
        answer_date = self._emowaten_answer_date_sql()
        return SQL(
            """
            count(*) AS received,
            count(*) FILTER (WHERE %(answered)s) AS answered,
            count(*) FILTER (WHERE %(answered)s AND r.date_deadline IS NOT NULL
                              AND %(date)s::date <= r.date_deadline) AS in_time,
            count(*) FILTER (WHERE %(answered)s AND r.date_deadline IS NOT NULL
                              AND %(date)s IS NOT NULL) AS with_deadline,
            percentile_cont(0.5) WITHIN GROUP (
                ORDER BY extract(epoch FROM %(date)s - r.registration_date) / 86400.0
            ) FILTER (WHERE %(answered)s AND %(date)s IS NOT NULL
                        AND r.registration_date IS NOT NULL) AS median_days,
            count(*) FILTER (WHERE r.implicit_refusal) AS implicit_refusals
            """,
            answered=answered,
            date=answer_date,
        )

    @api.model
    def _emowaten_compute_statistics(self):
        self.env["emowaten.request"].flush_model()
        self.env["emowaten.answer"].flush_model()
        cr = self.env.cr
        metrics = self._emowaten_metrics_sql()
        from_clause = self._emowaten_answer_join_sql()
        where = self._emowaten_base_where()
        # per body: the competent body of each file (child files carry one body
        # each); a file the office answers itself, for its own body, counts for
        # that body (it has no body and was split into no child files)
        cr.execute(
            SQL(
                """SELECT coalesce(r.body_id, own.body_id) AS body_id, %s %s
                     LEFT JOIN emowaten_office own
                            ON r.body_id IS NULL AND own.id = r.office_id
                    WHERE %s
                      AND (r.body_id IS NOT NULL
                           OR (r.parent_id IS NULL AND own.body_id IS NOT NULL
                               AND NOT EXISTS (SELECT 1 FROM emowaten_request c
                                                WHERE c.parent_id = r.id)))
                 GROUP BY coalesce(r.body_id, own.body_id)""",
                metrics,
                from_clause,
                where,
            )
        )
        body_rows = cr.dictfetchall()
        # per governorate: the citizen's files only (top level), not their copies
        # per body
        cr.execute(
            SQL(
                """SELECT r.state_id, %s %s
                    WHERE %s AND r.parent_id IS NULL AND r.state_id IS NOT NULL
                 GROUP BY r.state_id""",
                metrics,
                from_clause,
                where,
            )
        )
        state_rows = cr.dictfetchall()
        bodies = self.env["emowaten.body"].browse([row["body_id"] for row in body_rows])
        states = self.env["res.country.state"].browse(
            [row["state_id"] for row in state_rows]
        )
        body_names = {body.id: body for body in bodies.with_context(active_test=False)}
        state_names = {state.id: state for state in states}
        result_bodies = [
            self._emowaten_stat_row(
                row,
                code=body_names[row["body_id"]].code,
                name=body_names[row["body_id"]].with_context(lang="en_US").name,
                name_ar=body_names[row["body_id"]].name_ar,
                name_fr=body_names[row["body_id"]].name_fr,
            )
            for row in body_rows
        ]
        result_states = [
            self._emowaten_stat_row(
                row,
                code=state_names[row["state_id"]].code,
                name=state_names[row["state_id"]].name,
                name_ar=state_names[row["state_id"]].emowaten_name_ar,
                name_fr=state_names[row["state_id"]].emowaten_name_fr,
            )
            for row in state_rows
        ]
        result_bodies.sort(key=lambda row: (-row["received"], row["name"] or ""))
        result_states.sort(key=lambda row: row["code"] or "")
        totals = {
            key: sum(row[key] for row in result_states)
            for key in ("received", "answered", "implicit_refusals")
        }
        return {
            "generated_at": fields.Datetime.to_string(fields.Datetime.now()),
            "cache_seconds": self._emowaten_cache_seconds(),
            "totals": totals,
            "bodies": result_bodies,
            "governorates": result_states,
        }

    @api.model
    def _emowaten_stat_row(self, row, code, name, name_ar, name_fr):
        with_deadline = row["with_deadline"] or 0
        pct = (
            round(100.0 * row["in_time"] / with_deadline, 1) if with_deadline else None
        )
        median = row["median_days"]
        return {
            "code": code or "",
            "name": name or "",
            "name_ar": name_ar or name or "",
            "name_fr": name_fr or name or "",
            "received": row["received"],
            "answered": row["answered"],
            "within_deadline_pct": pct,
            "median_days": None if median is None else round(float(median), 1),
            "implicit_refusals": row["implicit_refusals"],
        }
