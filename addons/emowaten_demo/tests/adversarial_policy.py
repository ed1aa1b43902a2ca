"""The expectation of the adversarial suite: who may do what on which record.

Written from docs/ACCESS_MATRIX.md (the record matrix, its notes and its model-level
invariants) and from the record rules of the addons, independently of ``ir.rule``:
``Policy(env, user).expect(model, record, op)`` answers

- ``True``: allowed, the record is in the role's scope for that operation;
- ``False``: refused (another office's or body's record, a confidential type the user is
  not designated for, a relation or log row of such a record, any write by a read-only
  role, anything by a portal citizen or a visitor outside their own files);
- ``None``: not asserted (workflow constraints, Odoo's own mail semantics).

``op`` is one of read, write, create, unlink. ``record`` is read as superuser; for a
write the suite asks about the record both before and after the change (a write that
moves the record out of the user's scope is refused), for a create about the record as
it would be created.
"""

import re
from pathlib import Path

# model -> group -> operations its access rights grant (the ACL of the addons, restated
# per group; "user" is any internal user, "portal"/"public" the portal and public users)
R, RW, RWC, RWCU, RWU = "r", "rw", "rwc", "rwcu", "rwu"
MODEL_ACL = {
    "emowaten.request": {
        "corr": RW,
        "agent": RWC,
        "sign": RW,
        "mgr": RWCU,
        "sup": R,
        "admin": RWCU,
        "portal": R,
    },
    "emowaten.answer": {
        "corr": RWC,
        "agent": RWC,
        "sign": RW,
        "mgr": RWCU,
        "sup": R,
        "admin": RWCU,
        "portal": R,
    },
    "emowaten.request.custody": {"user": R, "admin": RWCU},
    "emowaten.request.deadline.event": {
        "corr": R,
        "sign": R,
        "sup": R,
        "agent": RWC,
        "mgr": RWCU,
    },
    "emowaten.privacy.access.log": {"mgr": R, "sup": R},
    "emowaten.request.analysis": {"agent": R, "corr": R, "sup": R},
    "emowaten.request.analysis.monthly": {"agent": R, "corr": R, "sup": R},
    "emowaten.office": {"user": R, "mgr": RW, "admin": RWCU},
    "emowaten.office.member": {"user": R, "mgr": RWCU, "admin": RWCU},
    "emowaten.readiness": {
        "agent": R,
        "mgr": RW,
        "corr": R,
        "sup": R,
        "admin": RWCU,
    },
    "emowaten.hosting.agreement": {"mgr": R, "corr": R, "sup": R, "admin": RWCU},
    "emowaten.hosting.tariff": {"mgr": R, "corr": R, "sup": R, "admin": RWCU},
    "emowaten.hosting.usage": {"mgr": R, "corr": R, "sup": R, "admin": RWCU},
    "emowaten.scan.batch": {"agent": RWC, "mgr": RWCU, "sup": R},
    "emowaten.scan.line": {"agent": RWC, "mgr": RWCU, "sup": R},
    "emowaten.scan.page": {"agent": RW, "mgr": RWCU, "sup": R},
    "emowaten.scan.document": {"agent": RW, "mgr": RWCU, "sup": R},
    "emowaten.scan.proposal": {"agent": RW, "mgr": RWCU, "sup": R},
    "emowaten.signature.certificate": {
        "sign": RWC,
        "mgr": R,
        "sup": R,
        "admin": RWCU,
    },
    "emowaten.signature.log": {"sign": R, "mgr": R, "sup": R},
    "emowaten.signature.job": {"sign": RWC, "admin": R},
    "emowaten.signature.job.line": {"sign": RWC, "admin": R},
    # reference data: every internal user reads, the listed groups change
    "emowaten.district": {"user": R, "admin": RWCU},
    "emowaten.delegation": {"user": R, "admin": RWCU},
    "emowaten.body": {"user": R, "admin": RWCU},
    "emowaten.public.holiday": {"user": R, "admin": RWCU},
    "emowaten.training.session": {"user": R, "sup": RWCU, "admin": RWCU},
    "emowaten.training.attendee": {"user": R, "sup": RWCU, "admin": RWCU},
    "emowaten.request.type": {"user": R, "admin": RWCU},
    "emowaten.escalation.level": {"user": R, "admin": RWCU},
    "emowaten.inadmissibility.reason": {"user": R, "admin": RWCU},
    "emowaten.request.category": {"user": R, "mgr": RWCU},
    "emowaten.request.stage": {"user": R, "mgr": RWCU},
    "emowaten.answer.template": {"user": R, "mgr": RWCU},
    "emowaten.request.tag": {"user": R, "agent": RWC, "mgr": RWCU},
    "emowaten.signature.trust.anchor": {
        "user": R,
        "admin": RWCU,
    },
    "emowaten.signature.authority": {
        "user": R,
        "admin": RWCU,
    },
    "emowaten.portal.statistics": {"user": R, "portal": R, "public": R},
    # technical tables: the system writes them, no e-Mowaten role
    "emowaten.portal.throttle": {},
    "emowaten.portal.statistics.snapshot": {},
}

# how a record of each model belongs to a scope
REQUEST_ROWS = {
    # model -> path from the row to its request
    "emowaten.answer": "request_id",
    "emowaten.request.custody": "request_id",
    "emowaten.request.deadline.event": "request_id",
    "emowaten.request.analysis": "request_id",
}
OFFICE_ROWS = {
    "emowaten.office": "self",
    "emowaten.office.member": "office_id",
    "emowaten.readiness": "office_id",
    "emowaten.request.analysis.monthly": "office_id",
    "emowaten.scan.batch": "office_id",
    "emowaten.scan.line": "office_id",
    "emowaten.scan.page": "office_id",
    "emowaten.scan.document": "office_id",
    "emowaten.scan.proposal": "office_id",
}
BODY_ROWS = {
    "emowaten.hosting.agreement": "body_id",
    "emowaten.hosting.usage": "body_id",
    "emowaten.hosting.tariff": "agreement_id.body_id",
}
OWNER_ROWS = {
    "emowaten.signature.certificate": "user_id",
    "emowaten.signature.log": "user_id",
    "emowaten.signature.job": "user_id",
    "emowaten.signature.job.line": "job_id.user_id",
}
# the relation rows that point at any record (res_model, res_id)
RELATION_MODELS = ("mail.followers", "mail.message", "mail.activity", "ir.attachment")

GROUPS = {
    "corr": "emowaten_base.group_emowaten_correspondent",
    "agent": "emowaten_base.group_emowaten_agent",
    "sign": "emowaten_base.group_emowaten_signatory",
    "mgr": "emowaten_base.group_emowaten_manager",
    "sup": "emowaten_base.group_emowaten_supervisor",
    "admin": "emowaten_base.group_emowaten_admin",
}
OPS = {"read": "r", "write": "w", "create": "c", "unlink": "u"}


def portal_readable_models():
    """The reference models portal and public users may read, from the access matrix
    (between its portal-read markers) when the documentation is at hand."""
    doc = Path(__file__).resolve().parents[3] / "docs" / "ACCESS_MATRIX.md"
    if not doc.exists():
        return None
    text = doc.read_text(encoding="utf-8")
    match = re.search(r"portal-read:begin -->(.*?)<!-- portal-read:end", text, re.S)
    return set(re.findall(r"`([a-z_.]+)`", match.group(1))) if match else None


def _path(record, path):
    if path == "self":
        return record
    for name in path.split("."):
        record = record[name]
    return record


class Policy:
    """The expectation for one user (read as superuser from ``env``)."""

    def __init__(self, env, user):
        self.env = env
        self.user = user
        self.partner = user.partner_id
        self.internal = user._is_internal()
        self.portal = user._is_portal()
        self.public = user._is_public()
        self.groups = {key for key, xmlid in GROUPS.items() if user.has_group(xmlid)}
        if self.internal:
            self.groups.add("user")
        elif self.portal:
            self.groups.add("portal")
        else:
            self.groups.add("public")
        Body = env["emowaten.body"]
        self.offices = user.emowaten_office_ids
        self.managed = user.emowaten_managed_office_ids
        self.bodies = (
            Body.search([("id", "child_of", user.emowaten_body_ids.ids)])
            if user.emowaten_body_ids
            else Body
        )
        self.portal_readable = (portal_readable_models() or set()) - {
            "emowaten.request",
            "emowaten.answer",
        }
        self.designated = env["emowaten.request.type"].search(
            [("designated_user_ids", "in", user.id)]
        )

    def has(self, *keys):
        return any(key in self.groups for key in keys)

    def acl(self, model, op):
        """What the access rights grant, per the table above (None: model unknown)."""
        table = MODEL_ACL.get(model)
        if table is None:
            return None
        return any(
            OPS[op] in perms for group, perms in table.items() if group in self.groups
        )

    # --- requests -----------------------------------------------------------------
    def confidential_ok(self, req):
        return (
            not req.confidential
            or req.type_id in self.designated
            or (req.partner_id and req.partner_id == self.partner)
        )

    def request_scope(self, req, op):
        """The request rules, restated: is ``req`` in the user's scope for ``op``?"""
        if not req:
            return False
        if not self.internal:
            return self.portal and op == "read" and req.partner_id == self.partner
        if op == "create":
            if req.type_id in self.designated or self.has("admin"):
                return True
            if self.has("agent") and req.office_id in self.offices:
                return True
            return self.has("mgr") and req.office_id in self.managed
        if not self.confidential_ok(req):
            return False
        if req.type_id in self.designated and op != "unlink":
            return True
        if self.has("admin"):
            return True
        if op == "read" and self.has("sup"):
            return True
        if self.has("mgr") and req.office_id in self.managed:
            return True
        if op == "unlink":
            return False
        if self.has("agent") and (
            req.office_id in self.offices or req.user_id == self.user
        ):
            return True
        if self.has("corr") and (
            req.correspondent_id == self.user or req.body_id in self.bodies
        ):
            return True
        return self.has("sign") and (
            req.office_id in self.offices
            or self.user in req.body_id.signatory_user_ids
            or self.user in req.office_id.body_id.signatory_user_ids
        )

    def request_readable(self, req):
        return bool(req) and self.request_scope(req, "read")

    # --- offices, bodies, owners ----------------------------------------------------
    def office_scope(self, model, office, op, record=None):
        if self.has("admin"):
            return True
        if op == "read":
            if model in ("emowaten.office", "emowaten.office.member"):
                return self.internal or model == "emowaten.office"
            if self.has("sup"):
                return True
            if self.has("agent") and office in self.offices:
                return True
            body = record.body_id if model == "emowaten.readiness" else office.body_id
            return self.has("corr") and body in self.bodies
        if model.startswith("emowaten.scan."):
            return self.has("agent") and office in self.offices
        return self.has("mgr") and office in self.managed

    def body_scope(self, body, op):
        if self.has("admin"):
            return True
        if op != "read":
            return False
        if self.has("sup"):
            return True
        head = body.head_user_id == self.user
        if self.has("corr") and (body in self.bodies or head):
            return True
        return self.has("mgr") and (bool(body.office_ids & self.managed) or head)

    def owner_scope(self, owner, op):
        if self.has("admin"):
            return True
        if op == "read" and self.has("mgr", "sup"):
            return True
        return self.has("sign") and owner == self.user

    # --- the question ---------------------------------------------------------------
    def expect(self, model, record, op):
        if model == "res.partner":
            return self.expect_partner(record, op)
        if model in RELATION_MODELS:
            return self.expect_relation(model, record, op)
        if model == "emowaten.privacy.access.log":
            if op != "read":
                return False
            req = record.request_id
            if req and not self.confidential_ok(req):
                return False
            if self.has("sup"):
                return True
            return bool(self.has("mgr") and req and req.office_id in self.managed)
        return self.expect_model(model, record, op)

    def expect_model(self, model, record, op):
        """Our own models: the access rights, then the scope of the record."""
        acl = self.acl(model, op)
        Model = self.env[model]
        if Model._transient:
            # a wizard row belongs to whoever opened it
            if not self.internal:
                return False
            if op == "create" or self.has("admin"):
                return None
            if record and record.create_uid and record.create_uid != self.user:
                return False
            return None
        if not self.internal and op == "read" and model in self.portal_readable:
            return None  # reference data the portal may show: allowed, not required
        if acl is None:
            # a model the policy does not know yet: the matrix's invariants
            if not self.internal:
                return False
            if op == "read":
                return None
            return None if self.has("admin") else False
        return self.expect_scope(model, record, op, acl)

    def expect_scope(self, model, record, op, acl):
        if model == "emowaten.request.stage" and op != "read":
            # a manager changes the stages of the offices he manages, all of them
            if self.has("admin"):
                return True
            offices = record.office_ids
            return bool(self.has("mgr") and offices and not (offices - self.managed))
        if model == "emowaten.request":
            return acl and self.request_scope(record, op)
        if model in REQUEST_ROWS:
            req = _path(record, REQUEST_ROWS[model])
            if not acl:
                return False
            scope_op = "read" if op == "read" else "write"
            if model == "emowaten.answer" and op == "create" and not req:
                return None
            return self.request_scope(req, scope_op)
        if model in OFFICE_ROWS:
            if not acl:
                return False
            return self.office_scope(
                model, _path(record, OFFICE_ROWS[model]), op, record
            )
        if model in BODY_ROWS:
            if not acl:
                return False
            return self.body_scope(_path(record, BODY_ROWS[model]), op)
        if model in OWNER_ROWS:
            if not acl:
                return False
            return self.owner_scope(_path(record, OWNER_ROWS[model]), op)
        # reference data: the access rights alone
        return acl

    def parent_of(self, model, record):
        if model == "mail.followers" or model == "mail.activity":
            name, res_id = record.res_model, record.res_id
        elif model == "mail.message":
            name, res_id = record.model, record.res_id
        else:
            name, res_id = record.res_model, record.res_id
        if not name or name not in self.env or not res_id:
            return None
        return self.env[name].browse(res_id).exists()

    def expect_relation(self, model, record, op, parent=None):
        """Relation and log rows follow the record they belong to."""
        if parent is None:
            parent = self.parent_of(model, record)
        if not parent:
            return None
        parent_model = parent._name
        if not parent_model.startswith("emowaten.") and parent_model != "res.partner":
            return None
        readable = self.expect(parent_model, parent, "read")
        if (
            readable is False
            and op == "read"
            and model == "mail.message"
            and record
            and record.author_id == self.partner
        ):
            return None  # Odoo shows its author the message he wrote
        if readable is False:
            return False
        if not self.internal:
            # a citizen's own file: the portal decides (public messages only)
            return None if op == "read" else False
        if self.has("sup") and not self.has("admin", "mgr", "agent", "corr", "sign"):
            if op in ("create", "write", "unlink") and model in (
                "mail.message",
                "mail.activity",
            ):
                return False
        if op == "read":
            if model == "mail.message" and record and record.author_id == self.partner:
                return None  # Odoo shows its author the message he wrote
            return None if model == "ir.attachment" else readable or None
        return None

    def expect_partner(self, partner, op):
        """Citizens are seen through a request the user may see (finding 4), plus the
        citizen's own partner for the portal user."""
        if partner == self.partner:
            return None
        if partner.user_ids:
            return None  # staff partners: Odoo's own rules
        if not partner.emowaten_is_citizen:
            return None
        if not self.internal:
            return False
        if op == "unlink":
            return None if self.has("admin") else False
        if op == "create":
            return None  # registered at the counter
        requests = self.env["emowaten.request"].search(
            [("partner_id", "=", partner.id)]
        )
        if not requests:
            # no file yet: the central bureau and whoever registered the citizen at
            # the counter (until the first request scopes him)
            if self.has("sup", "admin"):
                return True if op == "read" else None
            return None if partner.create_uid == self.user else False
        visible = any(self.request_readable(req) for req in requests)
        if op == "read":
            return visible
        if not visible:
            return False
        if self.has("sup") and not self.has("admin", "mgr", "agent"):
            return False  # read-only role
        return None
