from odoo import api, models


class EmowatenHostingUsage(models.Model):
    _inherit = "emowaten.hosting.usage"

    @api.model
    def _emowaten_usage_queries(self, date_to):
        """Requests belong to the body that handles them (child files) or to the body of
        their office; their attachments (scans, letters) are billed with them."""
        queries = super()._emowaten_usage_queries(date_to)
        queries.append(
            (
                """SELECT COALESCE(r.body_id, o.body_id), COUNT(*),
                          COALESCE(SUM(OCTET_LENGTH(COALESCE(r.description, ''))
                                       + OCTET_LENGTH(COALESCE(r.subject, ''))), 0)
                     FROM emowaten_request r
                     JOIN emowaten_office o ON o.id = r.office_id
                    WHERE r.create_date < %s
                 GROUP BY COALESCE(r.body_id, o.body_id)""",
                [date_to],
            )
        )
        queries.append(
            (
                """SELECT COALESCE(r.body_id, o.body_id), COUNT(*),
                          COALESCE(SUM(a.file_size), 0)
                     FROM ir_attachment a
                     JOIN emowaten_request r ON r.id = a.res_id
                     JOIN emowaten_office o ON o.id = r.office_id
                    WHERE a.res_model = 'emowaten.request'
                      AND a.create_date < %s
                 GROUP BY COALESCE(r.body_id, o.body_id)""",
                [date_to],
            )
        )
        return queries
