"""Who gave whom which signing rights (issue 16, finding 7): OCA auditlog records the
changes of signing authorities, certificates and trust anchors with author, date and
old and new values, never copies a key file, and only the e-Mowaten administrator
reads it."""

import base64
import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestSignatureAuditLog(EmowatenSignatureCase):
    def _log(self, record, method):
        log = self.env["auditlog.log"].search(
            [
                ("model_model", "=", record._name),
                ("res_id", "=", record.id),
                ("method", "=", method),
            ],
            order="id desc",
            limit=1,
        )
        self.assertTrue(log, f"no {method} log of {record}")
        return log

    def _line(self, log, field_name):
        line = log.line_ids.filtered(lambda ln: ln.field_name == field_name)
        self.assertEqual(len(line), 1, f"{field_name} not logged")
        return line

    def test_audit_patches_keep_every_override(self):
        for model in (
            "emowaten.signature.authority",
            "emowaten.signature.certificate",
            "emowaten.signature.trust.anchor",
        ):
            cls = self.env.registry[model]
            for method in ("create", "write", "unlink"):
                with self.subTest(model=model, method=method):
                    patched = cls.__dict__.get(method)
                    self.assertTrue(patched and hasattr(patched, "origin"))
                    # what the class would run without the patch: its bases' method
                    unpatched = next(
                        vars(base)[method]
                        for base in cls.__mro__[1:]
                        if method in vars(base)
                    )
                    self.assertIs(patched.origin, unpatched)

    def test_authority_given_changed_and_withdrawn(self):
        Authority = self.env["emowaten.signature.authority"].with_user(self.user_admin)
        authority = Authority.create(
            {
                "user_id": self.user_delegate.id,
                "body_id": self.body.id,
                "kind": "titular",
                "date_from": datetime.date.today(),
                "decision_ref": "ARR-2026-17",
            }
        )
        log = self._log(authority, "create")
        self.assertEqual(log.user_id, self.user_admin)
        self.assertTrue(log.create_date)
        self.assertIn("Leila Trabelsi", self._line(log, "user_id").new_value_text)
        self.assertEqual(self._line(log, "decision_ref").new_value_text, "ARR-2026-17")

        until = datetime.date.today() + datetime.timedelta(days=10)
        authority.write({"date_to": until})
        line = self._line(self._log(authority, "write"), "date_to")
        self.assertFalse(line.old_value)
        self.assertIn(str(until), line.new_value_text)

        authority.unlink()
        log = self._log(authority, "unlink")
        self.assertEqual(log.user_id, self.user_admin)
        self.assertIn("Leila Trabelsi", self._line(log, "user_id").old_value_text)

    def test_certificate_handed_over_is_logged_without_its_key(self):
        cert, issued = self._pki_certificate(self.user_sign)
        log = self._log(cert, "create")
        self.assertFalse(
            log.line_ids.filtered(lambda ln: ln.field_name == "pkcs12_file")
        )
        key_b64 = base64.b64encode(issued.pkcs12("secret")).decode()

        cert.with_user(self.user_admin).write({"user_id": self.user_other.id})
        log = self._log(cert, "write")
        self.assertEqual(log.user_id, self.user_admin)
        line = self._line(log, "user_id")
        self.assertIn("Mohamed Ben Ali", line.old_value_text)
        self.assertIn("Sami Gharbi", line.new_value_text)

        # a new key file: its holder's change is logged, the key itself never
        new_key = self.pki.issue(self.user_other.name).pkcs12("other")
        cert.with_user(self.user_other).write(
            {"pkcs12_upload": base64.b64encode(new_key)}
        )
        lines = (
            self.env["auditlog.log"]
            .search([("model_model", "=", cert._name), ("res_id", "=", cert.id)])
            .line_ids
        )
        self.assertFalse(lines.filtered(lambda ln: ln.field_name == "pkcs12_file"))
        new_b64 = base64.b64encode(new_key).decode()
        for line in lines:
            for value in (line.old_value, line.new_value):
                self.assertNotIn(key_b64[:64], value or "")
                self.assertNotIn(new_b64[:64], value or "")

    def test_trust_anchor_changes_logged(self):
        Anchor = self.env["emowaten.signature.trust.anchor"].with_user(self.user_admin)
        anchor = Anchor.create(
            {
                "name": "Other CA",
                "pem": self.pki.issue("e-Mowaten TEST Other CA").cert_pem.decode(),
                "is_test": True,
                "is_root": False,
            }
        )
        self.assertEqual(self._log(anchor, "create").user_id, self.user_admin)
        anchor.write({"active": False})
        line = self._line(self._log(anchor, "write"), "active")
        # a Text column: False is stored as NULL
        self.assertEqual(line.old_value, "True")
        self.assertFalse(line.new_value)

    def test_log_readable_by_the_administrator_only(self):
        self.cert_rsa.with_user(self.user_admin).write({"name": "Renamed"})
        for user in (self.user_sign, self.user_agent):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["auditlog.log"].with_user(user).search_read([], ["id"])
        logs = (
            self.env["auditlog.log"]
            .with_user(self.user_admin)
            .search([("model_model", "=", "emowaten.signature.certificate")])
        )
        self.assertTrue(logs)
