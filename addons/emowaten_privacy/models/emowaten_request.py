from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.fields import Domain

# fields of a request that may hold personal data; everything else (office, body, type,
# governorate, delegation, channel, state, dates, answers' kinds) feeds the statistics
# and stays as it was
PERSONAL_TRACKED_FIELDS = ("subject", "description", "partner_id", "rating_comment")
# texts of a request holding the citizen's identity or words, blanked at anonymisation:
# the counter's intake copies of the CIN, phone and name, and what a public filer typed
PERSONAL_TEXT_FIELDS = (
    "description",
    "rating_comment",
    "intake_cin",
    "intake_phone",
    "intake_name",
    "filed_name",
    "filed_phone",
    "filed_email",
)
# a request is closed in one of these states (emowaten_petitions sets close_date then)
CLOSED_STATES = ("answered", "closed", "inadmissible", "withdrawn")
DEFAULT_RETENTION_DAYS = 3650


class EmowatenRequest(models.Model):
    _name = "emowaten.request"
    _inherit = ["emowaten.request", "emowaten.privacy.logged"]

    # the citizen's identity shown through the request (related to the citizen, or
    # typed at the counter): a list showing one of them is logged
    _emowaten_privacy_identity_fields = (
        "partner_cin",
        "partner_phone",
        "partner_email",
        "intake_cin",
        "intake_phone",
        "intake_name",
    )

    privacy_anonymised = fields.Boolean(
        string="Anonymised", readonly=True, copy=False, index=True
    )
    privacy_anonymised_date = fields.Datetime(
        string="Anonymised On", readonly=True, copy=False
    )

    def _emowaten_privacy_citizen(self):
        self.ensure_one()
        return self.partner_id

    def _emowaten_privacy_request(self):
        self.ensure_one()
        return self

    # --------------------------------------------------------------- retention
    @api.model
    def _emowaten_privacy_default_retention(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("emowaten_privacy.retention_days", DEFAULT_RETENTION_DAYS)
        )
        try:
            days = int(value)
        except (TypeError, ValueError):
            days = DEFAULT_RETENTION_DAYS
        # 0 or less would anonymise every closed request at once: read it as "keep"
        return days if days > 0 else 0

    @api.model
    def _emowaten_privacy_expired_domain(self, now=None):
        """Closed requests, not yet anonymised, whose retention period (of their type,
        else the general one) is over."""
        now = now or fields.Datetime.now()
        default_days = self._emowaten_privacy_default_retention()
        groups = (
            self.env["emowaten.request.type"]
            .with_context(active_test=False)
            ._read_group([], ["privacy_retention_days"], ["id:array_agg"])
        )
        by_days = {}
        for type_days, type_ids in groups:
            days = type_days or default_days
            if days:
                by_days.setdefault(days, []).extend(type_ids)
        if not by_days:
            return Domain.FALSE
        per_type = Domain.OR(
            Domain("type_id", "in", type_ids)
            & Domain("close_date", "<", now - timedelta(days=days))
            for days, type_ids in by_days.items()
        )
        return (
            Domain("state", "in", CLOSED_STATES)
            & Domain("privacy_anonymised", "=", False)
            & Domain("close_date", "!=", False)
            & per_type
        )

    @api.model
    def _cron_privacy_anonymise(self, batch_size=200):
        """Anonymise the closed requests past retention, then the citizens left without
        any live request, committing after each batch."""
        self._emowaten_privacy_run(batch_size, self.env["ir.cron"]._commit_progress)

    @api.model
    def _emowaten_privacy_run(self, batch_size=200, progress=None):
        """The work of the cron. ``progress(done, remaining=...)`` commits a batch and
        returns the seconds left (``ir.cron._commit_progress``); without it nothing is
        committed, as inside a test or a caller's own transaction."""
        progress = progress or (lambda *args, **kwargs: float("inf"))
        requests_model = self.sudo().with_context(active_test=False)
        partners_model = self.env["res.partner"].sudo()
        domain = requests_model._emowaten_privacy_expired_domain()
        progress(remaining=requests_model.search_count(domain))
        while True:
            requests = requests_model.search(
                domain, limit=batch_size, order="close_date, id"
            )
            requests = requests.try_lock_for_update(allow_referencing=True)
            if not requests:
                break
            requests._emowaten_privacy_anonymise()
            if not progress(len(requests)):
                return
        while True:
            partners = partners_model._emowaten_privacy_expired_citizens(
                limit=batch_size
            )
            partners = partners.try_lock_for_update(allow_referencing=True)
            if not partners:
                break
            partners._emowaten_privacy_anonymise()
            if not progress(len(partners)):
                return

    def _emowaten_privacy_anonymise(self):
        """Blank the personal data of these requests: texts, chatter, attachments,
        answer letters. Counts, dates, states, offices, bodies, types, channels and
        governorates are left untouched, so every statistic stays right."""
        if not self:
            return
        requests = self.sudo().with_context(
            tracking_disable=True, mail_notrack=True, mail_create_nolog=True
        )
        placeholder = self.env._("Anonymised request")
        vals = dict.fromkeys(
            (name for name in PERSONAL_TEXT_FIELDS if name in self._fields), False
        )
        vals.update(
            {
                "subject": placeholder,
                "privacy_anonymised": True,
                "privacy_anonymised_date": fields.Datetime.now(),
            }
        )
        requests.write(vals)
        answers = (
            self.env["emowaten.answer"].sudo().search([("request_id", "in", self.ids)])
        )
        if answers:
            answers.with_context(tracking_disable=True).write(
                {
                    "body_html": Markup("<p>%s</p>") % placeholder,
                    # an unfavourable answer must keep some reason (petitions' rule)
                    "reason": placeholder,
                }
            )
        messages = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    "|",
                    "&",
                    ("model", "=", self._name),
                    ("res_id", "in", self.ids),
                    "&",
                    ("model", "=", "emowaten.answer"),
                    ("res_id", "in", answers.ids),
                ]
            )
        )
        if messages:
            messages.write(
                {
                    "body": Markup("<p>%s</p>") % placeholder,
                    "subject": False,
                    "email_from": False,
                    "reply_to": False,
                }
            )
            tracking = (
                self.env["mail.tracking.value"]
                .sudo()
                .search(
                    [
                        ("mail_message_id", "in", messages.ids),
                        ("field_id.name", "in", PERSONAL_TRACKED_FIELDS),
                    ]
                )
            )
            tracking.write(
                {
                    "old_value_char": False,
                    "new_value_char": False,
                    "old_value_text": False,
                    "new_value_text": False,
                    "old_value_integer": 0,
                    "new_value_integer": 0,
                }
            )
        self._emowaten_privacy_attachments(answers).unlink()

    def _emowaten_privacy_attachments(self, answers):
        """Attachments holding the citizen's data: the request's and its answers'
        files. Other addons extend this (scanned pages, signed letters)."""
        return (
            self.env["ir.attachment"]
            .sudo()
            .search(
                Domain("res_model", "=", self._name) & Domain("res_id", "in", self.ids)
                | Domain("res_model", "=", "emowaten.answer")
                & Domain("res_id", "in", answers.ids)
            )
        )
