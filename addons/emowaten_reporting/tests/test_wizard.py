from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import EmowatenReportingCase


@tagged("post_install", "-at_install")
class TestReportingWizard(EmowatenReportingCase):
    def test_defaults_and_quarter(self):
        Wizard = self.env["emowaten.reporting.wizard"].with_user(self.manager)
        with Form(Wizard) as form:
            self.assertEqual(form.scope, "office")
            self.assertEqual(form.office_id, self.office_m)
            form.period = "quarter"
            form.year = 2025
            form.quarter = "2"
        wizard = form.record
        self.assertEqual(str(wizard.date_from), "2025-04-01")
        self.assertEqual(str(wizard.date_to), "2025-06-30")
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(
            action["report_name"], "emowaten_reporting.periodic_statistics_xlsx"
        )
        self.assertEqual(action["data"]["office_id"], self.office_m.id)
        self.assertEqual(action["data"]["date_to"], "2025-06-30")

    def test_open_wizard_belongs_to_its_user(self):
        """Another user neither finds, reads, changes nor prints it (found by the
        adversarial suite: every agent, manager, correspondent and supervisor did)."""
        wizard = (
            self.env["emowaten.reporting.wizard"].with_user(self.manager).create({})
        )
        for other in (self.agent, self.supervisor):
            Wizard = self.env["emowaten.reporting.wizard"].with_user(other)
            self.assertFalse(Wizard.search([("id", "=", wizard.id)]))
            with self.assertRaises(AccessError):
                Wizard.browse(wizard.id).read(["office_id"])
            with self.assertRaises(AccessError), self.env.cr.savepoint():
                Wizard.browse(wizard.id).write({"year": 2020})
        self.assertEqual(
            self.env["emowaten.reporting.wizard"]
            .with_user(self.manager)
            .search([("id", "=", wizard.id)]),
            wizard,
        )

    def test_yearly_and_hosting(self):
        Wizard = self.env["emowaten.reporting.wizard"].with_user(self.supervisor)
        wizard = Wizard.create(
            {"report_kind": "yearly", "year": 2025, "office_id": self.office_g.id}
        )
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "emowaten_reporting.office_yearly_xlsx")
        self.assertEqual(action["context"]["active_ids"], self.office_g.ids)
        wizard.report_kind = "hosting"
        wizard.body_id = self.ministry
        action = wizard.action_print()
        self.assertEqual(action["report_name"], "emowaten_reporting.body_hosting_xlsx")

    def test_bad_input(self):
        Wizard = self.env["emowaten.reporting.wizard"].with_user(self.supervisor)
        wizard = Wizard.create({"report_kind": "yearly", "year": 2025})
        with self.assertRaises(UserError):
            wizard.action_print()
        wizard.write({"report_kind": "periodic", "scope": "body", "body_id": False})
        with self.assertRaises(UserError):
            wizard.action_print()
        wizard.write({"scope": "national", "year": 1900})
        with self.assertRaises(UserError):
            wizard.action_print()
