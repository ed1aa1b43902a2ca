import hashlib
import hmac

from odoo import api, fields, models


class EmowatenPortalThrottle(models.Model):
    """One counted attempt on a public portal route (filing, tracking).

    The counters live in PostgreSQL, not in a worker's memory, so that a limit holds
    for the whole server however many worker processes answer the requests. The key is
    a keyed hash of the IP address or CIN: the table never holds personal data in clear.
    """

    _name = "emowaten.portal.throttle"
    _description = "Portal Rate-Limit Hit"
    _order = "id desc"
    _log_access = False

    scope = fields.Char(required=True)
    key = fields.Char(required=True)
    hit_at = fields.Datetime(required=True, default=fields.Datetime.now)

    _scope_key_hit_idx = models.Index("(scope, key, hit_at)")

    @api.model
    def _emowaten_key(self, value):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret", "")
        return hmac.new(
            secret.encode(), str(value or "").encode(), hashlib.sha256
        ).hexdigest()

    @api.model
    def _emowaten_limit(self, scope):
        """(max attempts, window in seconds) for a scope, from system parameters."""
        params = self.env["ir.config_parameter"].sudo()
        limit = int(params.get_param(f"emowaten_portal.{scope}_limit", 10) or 0)
        window = int(params.get_param(f"emowaten_portal.{scope}_window", 3600) or 0)
        return limit, window

    @api.model
    def _emowaten_count(self, scope, value, cr=None):
        cr = cr or self.env.cr
        _limit, window = self._emowaten_limit(scope)
        cr.execute(
            """SELECT count(*) FROM emowaten_portal_throttle
                WHERE scope = %s AND key = %s
                  AND hit_at > (now() AT TIME ZONE 'UTC') - %s * interval '1 second'""",
            (scope, self._emowaten_key(value), window),
        )
        return cr.fetchone()[0]

    @api.model
    def _emowaten_is_blocked(self, scope, value):
        limit, _window = self._emowaten_limit(scope)
        return self._emowaten_count(scope, value) >= limit

    @api.model
    def _emowaten_hit(self, scope, value):
        """Count one attempt; return False when the limit was already reached.

        The hit is written in its own short transaction: it survives a rollback of the
        request (an attacker cannot avoid being counted by making the request fail), and
        an advisory lock on the key serialises concurrent workers so the limit is exact.
        """
        limit, _window = self._emowaten_limit(scope)
        key = self._emowaten_key(value)
        with self.env.registry.cursor() as cr:
            cr.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", (f"{scope}:{key}",)
            )
            if self._emowaten_count(scope, value, cr=cr) >= limit:
                return False
            cr.execute(
                """INSERT INTO emowaten_portal_throttle (scope, key, hit_at)
                   VALUES (%s, %s, now() AT TIME ZONE 'UTC')""",
                (scope, key),
            )
        return True

    @api.model
    def _cron_purge(self):
        """Old hits are useless once outside every window: keep two days at most."""
        self.env.cr.execute(
            """DELETE FROM emowaten_portal_throttle
                WHERE hit_at < (now() AT TIME ZONE 'UTC') - interval '2 days'"""
        )
