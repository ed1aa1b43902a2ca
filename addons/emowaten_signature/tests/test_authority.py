import datetime

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import EmowatenSignatureCase


@tagged("post_install", "-at_install")
class TestAuthority(EmowatenSignatureCase):
    def test_body_signatories_follow_authorities(self):
        self.assertEqual(self.body.signatory_user_ids, self.user_sign)
        today = datetime.date.today()
        interim = self.env["emowaten.signature.authority"].create(
            {
                "user_id": self.user_delegate.id,
                "body_id": self.body.id,
                "kind": "interim",
                "delegator_id": self.user_sign.id,
                "date_from": today,
                "date_to": today + datetime.timedelta(days=5),
            }
        )
        self.assertEqual(
            self.body.signatory_user_ids, self.user_sign | self.user_delegate
        )
        interim.date_from = today + datetime.timedelta(days=1)
        self.assertEqual(self.body.signatory_user_ids, self.user_sign)

    def test_delegation_needs_titular_and_dates(self):
        Authority = self.env["emowaten.signature.authority"]
        today = datetime.date.today()
        with self.assertRaises(ValidationError):
            Authority.create(
                {
                    "user_id": self.user_delegate.id,
                    "body_id": self.body.id,
                    "kind": "delegation",
                    "delegator_id": self.user_sign.id,
                    "date_from": today,
                }
            )
        with self.assertRaises(ValidationError):
            # the delegator is not titular of this body
            Authority.create(
                {
                    "user_id": self.user_delegate.id,
                    "body_id": self.body.id,
                    "kind": "delegation",
                    "delegator_id": self.user_other.id,
                    "date_from": today,
                    "date_to": today + datetime.timedelta(days=3),
                }
            )

    def test_readiness_hook(self):
        other_body = self.env["emowaten.body"].create(
            {
                "name": "Municipality of Nowhere",
                "code": "SIG-MUN",
                "body_type": "municipality",
            }
        )
        res = (self.body | other_body)._emowaten_readiness_signatory_ok()
        self.assertTrue(res[self.body.id])
        self.assertFalse(res[other_body.id])
        # a signatory without a usable certificate does not make the body ready
        self.env["emowaten.signature.authority"].create(
            {"user_id": self.user_other.id, "body_id": other_body.id, "kind": "titular"}
        )
        self.assertFalse(other_body._emowaten_readiness_signatory_ok()[other_body.id])
        self._pki_certificate(self.user_other)
        self.assertTrue(other_body._emowaten_readiness_signatory_ok()[other_body.id])
