from odoo import http
from odoo.http import request


class EmowatenScanController(http.Controller):
    @http.route(
        ["/emowaten_scan/cover/new", "/emowaten_scan/cover/<int:request_id>"],
        type="http",
        auth="user",
        methods=["GET"],
    )
    def cover_sheet(self, request_id=None, **kwargs):
        """Printable cover sheet: scanned after it, the following pages become a new
        request, or are attached to the given request."""
        env = request.env
        record = None
        if request_id:
            # the id may come from the query string: anything but a number is no
            # request (it reached the database and answered 500)
            try:
                record = env["emowaten.request"].browse(int(request_id)).exists()
            except (TypeError, ValueError):
                record = None
            if not record:
                raise request.not_found()
        pdf = env["emowaten.scan.batch"]._emowaten_cover_pdf(record)
        filename = "cover-sheet.pdf"
        return request.make_response(
            pdf,
            headers=[
                ("Content-Type", "application/pdf"),
                ("Content-Length", str(len(pdf))),
                ("Content-Disposition", http.content_disposition(filename)),
            ],
        )
