import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.http import request

_logger = logging.getLogger(__name__)

ACCESS_TYPES = [
    ("read", "Opened"),
    ("list", "Listed"),
    ("export", "Exported"),
]
# the same user reading the same record the same way again within this many seconds
# (a list refreshed, a form saved) adds no line: the first one says it
DEFAULT_WINDOW_SECONDS = 300

# The log is evidence for the INPDP (organic law 2004-63): PostgreSQL itself refuses
# to change or delete a row, whoever asks. The only update let through is a foreign key
# set to NULL by PostgreSQL when the record it points to is deleted (a draft, a user).
_APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION emowaten_privacy_access_log_append_only()
RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'emowaten_privacy_access_log is append-only';
    END IF;
    IF NEW.id IS DISTINCT FROM OLD.id
        OR NEW.access_date IS DISTINCT FROM OLD.access_date
        OR NEW.access_type IS DISTINCT FROM OLD.access_type
        OR NEW.res_model IS DISTINCT FROM OLD.res_model
        OR NEW.res_id IS DISTINCT FROM OLD.res_id
        OR NEW.record_name IS DISTINCT FROM OLD.record_name
        OR NEW.user_login IS DISTINCT FROM OLD.user_login
        OR NEW.method IS DISTINCT FROM OLD.method
        OR (NEW.user_id IS DISTINCT FROM OLD.user_id
            AND NEW.user_id IS NOT NULL)
        OR (NEW.partner_id IS DISTINCT FROM OLD.partner_id
            AND NEW.partner_id IS NOT NULL)
        OR (NEW.request_id IS DISTINCT FROM OLD.request_id
            AND NEW.request_id IS NOT NULL)
    THEN
        RAISE EXCEPTION 'emowaten_privacy_access_log is append-only';
    END IF;
    RETURN NEW;
END $$;
DROP TRIGGER IF EXISTS emowaten_privacy_access_log_append_only
    ON emowaten_privacy_access_log;
CREATE TRIGGER emowaten_privacy_access_log_append_only
    BEFORE UPDATE OR DELETE ON emowaten_privacy_access_log
    FOR EACH ROW EXECUTE FUNCTION emowaten_privacy_access_log_append_only();
"""


class EmowatenPrivacyAccessLog(models.Model):
    _name = "emowaten.privacy.access.log"
    _description = "Access to a Citizen's File"
    _order = "access_date desc, id desc"
    _rec_name = "record_name"
    _log_access = False

    access_date = fields.Datetime(
        string="Date",
        required=True,
        readonly=True,
        default=fields.Datetime.now,
        index=True,
    )
    user_id = fields.Many2one(
        "res.users", readonly=True, index=True, ondelete="set null"
    )
    # kept as text: the log must still say who read after a user is deleted or renamed
    user_login = fields.Char(string="Login", readonly=True)
    partner_id = fields.Many2one(
        "res.partner", string="Citizen", readonly=True, index=True, ondelete="set null"
    )
    request_id = fields.Many2one(
        "emowaten.request",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    access_type = fields.Selection(
        ACCESS_TYPES, string="Access", required=True, readonly=True, default="read"
    )
    res_model = fields.Char(string="Through Model", readonly=True, required=True)
    res_id = fields.Integer(string="Through Record ID", readonly=True)
    record_name = fields.Char(string="Through Record", readonly=True)
    method = fields.Char(
        string="Through Method",
        readonly=True,
        help="How the record was read: web_read (a form opened), read and search_read "
        "(the API), web_search_read (a list showing the citizen's identity), "
        "export_data.",
    )

    _partner_date_idx = models.Index("(partner_id, access_date DESC)")
    _user_record_date_idx = models.Index(
        "(user_id, res_model, res_id, access_date DESC)"
    )

    def init(self):
        self.env.cr.execute(_APPEND_ONLY_SQL)

    @api.model_create_multi
    def create(self, vals_list):
        # only the logging helper writes here, with sudo: nobody forges an entry by RPC
        if not self.env.su:
            raise UserError(self.env._("The access log is written by the system only."))
        return super().create(vals_list)

    def write(self, vals):
        if vals:
            raise UserError(self.env._("The access log cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_append_only(self):
        raise UserError(self.env._("The access log cannot be deleted."))

    @api.model
    def _emowaten_log(self, records, access_type="read", method=None):
        """Log that the current user read ``records``, whose citizens are given by each
        record's ``_emowaten_privacy_citizen()``, through ``method``. Internal users
        only: a citizen reading their own file on the portal is not an access by the
        administration; the server's own reads (superuser, scheduled actions) are not
        either. A record read again the same way by the same user within the window
        (``emowaten_privacy.access_log_window`` seconds) is not logged again."""
        user = self.env.user
        if not records or self.env.su or user._is_public() or user.share:
            return self.browse()
        if self.env.context.get("cron_id") and not request:
            return self.browse()
        method = method or ("export_data" if access_type == "export" else "web_read")
        now = fields.Datetime.now()
        recent = self._emowaten_recent_ids(records, method, now)
        vals_list = []
        for record in records:
            if record.id in recent:
                continue
            citizen = record._emowaten_privacy_citizen()
            if not citizen:
                continue
            request_record = record._emowaten_privacy_request()
            vals_list.append(
                {
                    "access_date": now,
                    "user_id": user.id,
                    "user_login": user.login,
                    "partner_id": citizen.id,
                    "request_id": request_record.id,
                    "access_type": access_type,
                    "method": method,
                    "res_model": record._name,
                    "res_id": record.id,
                    "record_name": record.sudo().display_name,
                }
            )
        if not vals_list:
            return self.browse()
        return self.sudo().create(vals_list)

    @api.model
    def _emowaten_window(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_privacy.access_log_window", DEFAULT_WINDOW_SECONDS)
        )
        try:
            return max(int(value), 0)
        except (TypeError, ValueError):
            return DEFAULT_WINDOW_SECONDS

    @api.model
    def _emowaten_recent_ids(self, records, method, now):
        """Ids of ``records`` the current user already read through ``method`` within
        the window (one query, on the user/record/date index)."""
        window = self._emowaten_window()
        if not window:
            return set()
        self.env.cr.execute(
            """
            SELECT res_id FROM emowaten_privacy_access_log
             WHERE user_id = %s AND res_model = %s AND res_id = ANY(%s)
               AND method = %s AND access_date >= %s
            """,
            (
                self.env.uid,
                records._name,
                list(records.ids),
                method,
                now - timedelta(seconds=window),
            ),
        )
        return {row[0] for row in self.env.cr.fetchall()}
