from odoo import api, models


class EmowatenHostingUsage(models.Model):
    _inherit = "emowaten.hosting.usage"

    @api.model
    def _emowaten_usage_queries(self, date_to):
        """Scan batches belong to the body of their office: their original files and
        the page images/searchable pages workers made from them."""
        queries = super()._emowaten_usage_queries(date_to)
        queries.append(
            (
                """SELECT o.body_id, COUNT(*), COALESCE(SUM(a.file_size), 0)
                     FROM ir_attachment a
                     JOIN emowaten_scan_batch b ON b.id = a.res_id
                     JOIN emowaten_office o ON o.id = b.office_id
                    WHERE a.res_model = 'emowaten.scan.batch' AND a.create_date < %s
                 GROUP BY o.body_id""",
                [date_to],
            )
        )
        queries.append(
            (
                """SELECT o.body_id, COUNT(*), COALESCE(SUM(a.file_size), 0)
                     FROM ir_attachment a
                     JOIN emowaten_scan_page p ON p.id = a.res_id
                     JOIN emowaten_office o ON o.id = p.office_id
                    WHERE a.res_model = 'emowaten.scan.page' AND a.create_date < %s
                 GROUP BY o.body_id""",
                [date_to],
            )
        )
        return queries
