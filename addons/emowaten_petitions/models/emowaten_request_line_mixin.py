# Access delegated to the request in _search/_check_access, not record rules: a rule's
# ('request_id', 'any', ...) runs as superuser and cannot apply the request's own rules.
from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain


class EmowatenRequestLineMixin(models.AbstractModel):
    """Rows that belong to a request (custody log, deadline events): read by whoever
    may read the request, created, changed and removed by whoever may change it, on
    top of the row's own access rights. Checked on the values after create and
    write, so a row cannot be moved onto a request out of the user's reach."""

    _name = "emowaten.request.line.mixin"
    _description = "Row of a Request (access follows the request)"

    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            Request = self.env["emowaten.request"].with_context(active_test=False)
            if Request.has_access("read"):
                domain = Domain(domain) & Domain(
                    "request_id", "in", Request._search([])
                )
            else:
                domain = Domain.FALSE
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not self._ids:
            return result
        forbidden = result[0] if result else self.browse()
        remaining = (self - forbidden).sudo().exists()
        requests = remaining.request_id.sudo(False)
        request_operation = "read" if operation == "read" else "write"
        refused = requests._check_access(request_operation)
        if not refused:
            return result
        denied = remaining.filtered(lambda row: row.request_id in refused[0]).sudo(
            False
        )
        forbidden |= denied
        if result:
            return forbidden, result[1]

        def make_error():
            if operation == "read":
                return AccessError(
                    self.env._(
                        "You cannot read this entry: its request is not open to you."
                    )
                )
            return AccessError(
                self.env._(
                    "You cannot change this entry: you may not change its request."
                )
            )

        return forbidden, make_error

    def write(self, vals):
        res = super().write(vals)
        if not self.env.su and "request_id" in vals:
            self.check_access("write")
        return res
