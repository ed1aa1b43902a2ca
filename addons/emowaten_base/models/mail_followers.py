"""Followers of e-Mowaten documents follow the rules of their document.

Core lets every internal user read every follower row, whatever the document: the
followers of a confidential request (its reporter, a partner with a CIN and a phone)
were one ``search_read`` away. Here a follower row of an ``emowaten.*`` document is
read by whoever may read the document, and created, changed or removed (core does it
in sudo after its own checks; directly only system users may) by whoever may change
the document, or read it when the row is their own subscription, as
``message_subscribe`` allows.

Offices are readable by every internal user (routing needs them) but their followers
are not: they are read by the office's staff and by those who may change the office
(its managers, the administrators).
"""

from odoo import api, models
from odoo.exceptions import AccessError
from odoo.fields import Domain

PROTECTED_PREFIX = "emowaten."
# documents every internal user reads, whose followers only their staff and the
# users who may change them read: {model: field of its staff users}
STAFF_FIELDS = {"emowaten.office": "user_ids"}
FOLLOWER_FIELDS = ("res_model", "res_id", "partner_id")


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    # ------------------------------------------------------------ access hooks
    def _emowaten_protected_models(self):
        return [
            name
            for name, model in self.env.registry.items()
            if name.startswith(PROTECTED_PREFIX)
            and not model._abstract
            and not model._transient
            and "message_follower_ids" in model._fields
        ]

    def _emowaten_documents_query(self, res_model, operation):
        """The documents of ``res_model`` on which the current user may perform
        ``operation``, as a query (for a subselect)."""
        Document = self.env[res_model].with_context(active_test=False)
        if not self.env["ir.model.access"].check(
            res_model, operation, raise_exception=False
        ):
            return Document.browse()._as_query()
        if operation == "read":
            query_domain = Domain.TRUE
            if staff_field := STAFF_FIELDS.get(res_model):
                writable = self._emowaten_documents_query(res_model, "write")
                query_domain = Domain(staff_field, "in", [self.env.uid]) | Domain(
                    "id", "in", writable
                )
            return Document._search(query_domain)
        rule_domain = self.env["ir.rule"]._compute_domain(res_model, operation)
        return Document.sudo()._search(rule_domain)

    def _emowaten_access_domain(self, operation):
        """Follower rows the current user may ``operation``: every row of a model
        outside e-Mowaten (core's rules), and the rows of e-Mowaten documents the
        user may access as explained at the top of this file."""
        protected = self._emowaten_protected_models()
        domains = [Domain("res_model", "not in", protected)]
        own = Domain("partner_id", "=", self.env.user.partner_id.id)
        for res_model in protected:
            of_model = Domain("res_model", "=", res_model)
            if operation == "read":
                readable = self._emowaten_documents_query(res_model, "read")
                visible = Domain("res_id", "in", readable)
                documents = self.env[res_model].with_context(active_test=False)
                if res_model in STAFF_FIELDS and documents.has_access("read"):
                    # one's own subscription to an office one reads (to unfollow it)
                    visible |= own & Domain("res_id", "in", documents._search([]))
                domains.append(of_model & visible)
                continue
            writable = self._emowaten_documents_query(res_model, "write")
            readable = self._emowaten_documents_query(res_model, "read")
            domains.append(
                of_model
                & (
                    Domain("res_id", "in", writable)
                    | (own & Domain("res_id", "in", readable))
                )
            )
        return Domain.OR(domains)

    # ------------------------------------------------------------ ORM overrides
    @api.model
    def _search(self, domain, offset=0, limit=None, order=None, **kwargs):
        if not (self.env.su or kwargs.get("bypass_access")):
            domain = Domain(domain) & self._emowaten_access_domain("read")
        return super()._search(domain, offset, limit, order, **kwargs)

    def _check_access(self, operation):
        result = super()._check_access(operation)
        if self.env.su or not self._ids:
            return result
        forbidden = result[0] if result else self.browse()
        remaining = self - forbidden
        if not remaining:
            return result
        allowed = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                Domain("id", "in", remaining.ids)
                & self._emowaten_access_domain(operation)
            )
        )
        denied = remaining - allowed
        if not denied:
            return result
        forbidden |= denied
        if result:
            return forbidden, result[1]

        def make_error():
            return AccessError(
                self.env._(
                    "You may not access the followers of a document you cannot "
                    "access (operation: %(operation)s, followers: %(ids)s).",
                    operation=operation,
                    ids=", ".join(str(fid) for fid in denied.ids[:6]),
                )
            )

        return forbidden, make_error

    def write(self, vals):
        res = super().write(vals)
        # the rows must still be allowed once they point elsewhere
        if not self.env.su and any(fname in vals for fname in FOLLOWER_FIELDS):
            self.check_access("write")
        return res


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def _search_message_partner_ids(self, operator, operand):
        """Core searches the followers in sudo: on an office (read by all) that told
        anyone who follows it. Searched with the user's rights there."""
        if self._name not in STAFF_FIELDS or self.env.su:
            return super()._search_message_partner_ids(operator, operand)
        if operator in Domain.NEGATIVE_OPERATORS:
            return NotImplemented
        followers = self.env["mail.followers"]._search(
            [("res_model", "=", self._name), ("partner_id", operator, operand)]
        )
        return [("id", "in", followers.subselect("res_id"))]
