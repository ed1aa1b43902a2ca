from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenBaseCase


@tagged("post_install", "-at_install")
class TestReadinessAdministrator(EmowatenBaseCase):
    """The administrator had the access rights to create and delete readiness
    assessments but no record rule of his own: only those of the offices he managed
    (found by the adversarial suite)."""

    def test_administrator_manages_every_office(self):
        Readiness = self.env["emowaten.readiness"].with_user(self.admin)
        for office in (self.office_a, self.office_b):
            record = Readiness.create({"office_id": office.id, "year": 2031})
            record.write({"equipment_condition": "poor"})
            record.unlink()
            self.assertFalse(record.exists())

    def test_manager_still_limited_to_his_offices(self):
        record = self.env["emowaten.readiness"].create(
            {"office_id": self.office_b.id, "year": 2031}
        )
        with self.assertRaises(AccessError):
            record.with_user(self.manager_a).write({"equipment_condition": "poor"})
