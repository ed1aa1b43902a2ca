"""The access matrix of docs/ACCESS_MATRIX.md, checked cell by cell.

Every role × model × scope × operation of the tables is asked to Odoo through
``check_access`` (access rights and record rules together); then every persistent
``emowaten.*`` model of the registry is walked for the model-level invariants."""

import logging
import re
from pathlib import Path

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPrivacyCase

_logger = logging.getLogger(__name__)

MATRIX_FILE = Path(__file__).resolve().parents[3] / "docs" / "ACCESS_MATRIX.md"
OPERATIONS = ("read", "write", "create", "unlink")
ROLE_COLUMNS = {
    "Corr": "correspondent",
    "Agent": "agent",
    "Sign": "signatory",
    "Mgr": "manager",
    "Sup": "supervisor",
    "Admin": "admin",
    "Desig": "designated",
    "Empl": "employee",
    "Portal": "portal_user",
}
PERSONAL_MODELS = ("emowaten.request", "emowaten.answer", "emowaten.privacy.access.log")


def _section(text, name):
    match = re.search(
        rf"<!-- {name}:begin -->(.*?)<!-- {name}:end -->", text, re.DOTALL
    )
    return match.group(1) if match else ""


def parse_matrix(text):
    """{(model, scope, role_column): "RWCU" pattern} from the matrix table."""
    rows = [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in _section(text, "matrix").splitlines()
        if line.strip().startswith("|")
    ]
    header, body = rows[0], [r for r in rows[2:] if r]
    roles = header[2:]
    expected = {}
    for row in body:
        model, scope, cells = row[0], row[1], row[2:]
        for role, cell in zip(roles, cells, strict=True):
            expected[(model, scope, role)] = cell
    return expected


def parse_portal_read(text):
    return set(re.findall(r"`([a-z_.]+)`", _section(text, "portal-read")))


@tagged("post_install", "-at_install")
class TestAccessMatrix(EmowatenPrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if not MATRIX_FILE.exists():
            return
        cls.text = MATRIX_FILE.read_text(encoding="utf-8")
        Request = cls.env["emowaten.request"]
        parent_b = cls._request(cls.office_b, partner=cls.citizen_other)
        parent_b2 = cls._request(cls.office_b, partner=cls.citizen_other)

        def child(parent, body):
            return Request.create(
                {
                    "name": f"{parent.name}/1",
                    "parent_id": parent.id,
                    "office_id": parent.office_id.id,
                    "body_id": body.id,
                    "partner_id": parent.partner_id.id,
                    "type_id": parent.type_id.id,
                    "subject": parent.subject,
                    "channel": parent.channel,
                    "state": "routed",
                }
            )

        requests = {
            "own office": cls._request(cls.office_a),
            "other office": cls._request(cls.office_b, partner=cls.citizen_other),
            "own body": child(parent_b, cls.body_a1),
            "other body": child(parent_b2, cls.body_b),
            "confidential": cls._request(cls.office_a, rtype=cls.type_secret),
            "other citizen": cls._request(cls.office_a, partner=cls.citizen_other),
        }
        answers = {
            scope: cls.env["emowaten.answer"].create(
                {"request_id": request.id, "kind": "information"}
            )
            for scope, request in requests.items()
        }
        logs = {
            scope: cls.env["emowaten.privacy.access.log"]
            .sudo()
            .create(
                {
                    "user_id": cls.agent.id,
                    "partner_id": request.partner_id.id,
                    "request_id": request.id,
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
            for scope, request in requests.items()
        }
        cls.records = {
            "emowaten.request": requests,
            "emowaten.answer": answers,
            "emowaten.privacy.access.log": logs,
            "res.partner": cls._citizens_by_scope(child),
        }

    @classmethod
    def _citizens_by_scope(cls, child):
        """One citizen per scope, whose only files are those of the scope (the
        citizen of ``other citizen`` has files in both offices and bodies)."""
        Partner = cls.env["res.partner"]

        def citizen(name, cin):
            return Partner.create(
                {"name": name, "emowaten_is_citizen": True, "emowaten_cin": cin}
            )

        citizens = {
            "own office": citizen("Citizen of office A", "07100001"),
            "other office": citizen("Citizen of office B", "07100002"),
            "own body": citizen("Citizen of body A1", "07100003"),
            "confidential": citizen("Reporter", "07100004"),
            "no file": citizen("Citizen without a file", "07100005"),
            "other citizen": cls.citizen_other,
        }
        cls._request(cls.office_a, partner=citizens["own office"])
        cls._request(cls.office_b, partner=citizens["other office"])
        child(cls._request(cls.office_b, partner=citizens["own body"]), cls.body_a1)
        cls._request(
            cls.office_a, partner=citizens["confidential"], rtype=cls.type_secret
        )
        return citizens

    def setUp(self):
        super().setUp()
        # The expected matrix is part of the repository: without it nothing would be
        # checked, so its absence is a failure, not a reason to skip.
        self.assertTrue(MATRIX_FILE.exists(), f"{MATRIX_FILE} is missing")

    def _allowed(self, record, user, operation):
        try:
            record.with_user(user).check_access(operation)
        except AccessError:
            return False
        return True

    def test_record_matrix(self):
        expected = parse_matrix(self.text)
        self.assertGreater(len(expected), 100, "the matrix table could not be parsed")
        unexpected_allowed, unexpected_denied, checked = [], [], 0
        for (model, scope, column), pattern in sorted(expected.items()):
            record = self.records[model][scope]
            user = getattr(self, ROLE_COLUMNS[column])
            self.assertEqual(
                len(pattern), 4, f"bad cell {pattern!r} for {model}/{scope}"
            )
            for operation, letter in zip(OPERATIONS, pattern, strict=True):
                if letter == ".":
                    continue
                checked += 1
                allowed = self._allowed(record, user, operation)
                cell = f"{column} {operation} {model} [{scope}]"
                if allowed and letter == "-":
                    unexpected_allowed.append(cell)
                elif not allowed and letter != "-":
                    unexpected_denied.append(cell)
        _logger.info(
            "access matrix: %s cells checked, %s unexpected allowances, %s unexpected "
            "denials",
            checked,
            len(unexpected_allowed),
            len(unexpected_denied),
        )
        self.assertFalse(
            unexpected_allowed or unexpected_denied,
            "Access differs from docs/ACCESS_MATRIX.md.\nUnexpectedly ALLOWED:\n  "
            + "\n  ".join(unexpected_allowed)
            + "\nUnexpectedly DENIED:\n  "
            + "\n  ".join(unexpected_denied),
        )

    def _emowaten_models(self):
        return sorted(
            name
            for name, model in self.env.registry.items()
            if name.startswith("emowaten.")
            and not model._abstract
            and not model._transient
            and model._auto
        )

    def test_model_invariants(self):
        portal_read = parse_portal_read(self.text)
        self.assertIn("emowaten.body", portal_read)
        public = self.env.ref("base.public_user")
        violations = []
        models = self._emowaten_models()
        for name in models:
            for label, user in (
                ("Empl", self.employee),
                ("Portal", self.portal_user),
                ("public", public),
            ):
                model = self.env[name].with_user(user)
                for operation in ("write", "create", "unlink"):
                    if model.has_access(operation):
                        violations.append(f"{label} may {operation} {name}")
                if (
                    label != "Empl"
                    and name not in portal_read
                    and model.has_access("read")
                ):
                    violations.append(f"{label} may read {name}")
            if name in PERSONAL_MODELS and self.env[name].with_user(
                self.employee
            ).has_access("read"):
                violations.append(f"Empl may read {name}")
        log = self.env["emowaten.privacy.access.log"]
        for column, attribute in ROLE_COLUMNS.items():
            user = getattr(self, attribute)
            for operation in ("write", "create", "unlink"):
                if log.with_user(user).has_access(operation):
                    violations.append(f"{column} may {operation} the access log")
        _logger.info(
            "access invariants: %s e-Mowaten models checked, %s violations",
            len(models),
            len(violations),
        )
        self.assertFalse(violations, "\n".join(violations))
