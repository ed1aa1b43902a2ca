import json

from odoo import api, fields, models


class EmowatenPortalStatisticsSnapshot(models.Model):
    """The last computed public figures, shared by every worker process.

    Computing the figures reads every request; at national volume that takes seconds,
    so a cron refreshes this snapshot and the web pages only read it."""

    _name = "emowaten.portal.statistics.snapshot"
    _description = "Public Statistics Snapshot"
    _order = "computed_at desc, id desc"

    computed_at = fields.Datetime(required=True, index=True)
    payload = fields.Text(required=True)

    @api.model
    def _emowaten_latest(self):
        return self.search([], limit=1)

    @api.model
    def _emowaten_store(self, payload):
        snapshot = self.create(
            {
                "computed_at": fields.Datetime.from_string(payload["generated_at"]),
                "payload": json.dumps(payload, ensure_ascii=False),
            }
        )
        self.search([("id", "!=", snapshot.id)]).unlink()
        return snapshot

    def _emowaten_payload(self):
        self.ensure_one()
        return json.loads(self.payload)

    @api.model
    def _cron_refresh(self):
        """Keep the snapshot fresh so that no visitor waits for a computation."""
        self.env["emowaten.portal.statistics"]._emowaten_refresh()
