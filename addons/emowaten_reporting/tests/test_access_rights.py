from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenReportingCase


@tagged("post_install", "-at_install")
class TestAnalysisAccess(EmowatenReportingCase):
    def _names(self, user, domain=None):
        rows = self._analysis(user).search(
            [("name", "like", "RPT-2025-")] + (domain or [])
        )
        return set(rows.mapped("name"))

    def test_agent_sees_own_office_without_confidential(self):
        expected = {f"RPT-2025-R{i}" for i in range(1, 6)} | {"RPT-2025-R4/1"}
        self.assertEqual(self._names(self.agent), expected)
        self.assertEqual(self._names(self.manager), expected)
        self.assertEqual(
            self._names(self.agent, [("is_my_office", "=", True)]), expected
        )

    def test_designated_agent_sees_confidential(self):
        self.type_secret.designated_user_ids = self.agent
        self.assertIn("RPT-2025-R8", self._names(self.agent))
        self.assertNotIn("RPT-2025-R8", self._names(self.manager))

    def test_correspondent_sees_body_tree(self):
        self.assertEqual(self._names(self.correspondent), {"RPT-2025-R4/1"})
        self.assertEqual(
            self._names(self.correspondent, [("is_my_body", "=", True)]),
            {"RPT-2025-R4/1"},
        )

    def test_supervisor_sees_everything_but_confidential(self):
        self.assertEqual(len(self._names(self.supervisor)), 7)
        self.assertNotIn("RPT-2025-R8", self._names(self.supervisor))
        self.type_secret.designated_user_ids = self.supervisor
        self.assertEqual(len(self._names(self.supervisor)), 8)

    def test_agent_sees_what_they_hold(self):
        """An agent of another office sees the request assigned to them."""
        self.env.cr.execute(
            "UPDATE emowaten_request SET user_id = %s WHERE id = %s",
            [self.agent.id, self.requests["R6"].id],
        )
        self.assertIn("RPT-2025-R6", self._names(self.agent))
        self.assertEqual(
            self._names(self.agent, [("user_id", "=", self.agent.id)]), {"RPT-2025-R6"}
        )

    def test_other_users_have_no_access(self):
        with self.assertRaises(AccessError):
            self._analysis(self.outsider).search([])
        with self.assertRaises(AccessError):
            self.env["emowaten.reporting.wizard"].with_user(self.outsider).create({})
