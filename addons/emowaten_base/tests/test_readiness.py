from unittest.mock import patch

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import EmowatenBaseCase


# The expected scores count base's neutral hooks (a named signatory is enough, no
# answer rate yet): run right after emowaten_base is installed, before petitions and
# signature replace those hooks with stricter ones that have their own tests.
@tagged("at_install", "-post_install")
class TestReadiness(EmowatenBaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.readiness = cls.env["emowaten.readiness"].create(
            {"office_id": cls.office_a.id, "year": 2030}
        )

    def _train(self, users):
        session = self.env["emowaten.training.session"].create(
            {
                "name": "e-Mowaten for ministries",
                "date": "2026-02-10",
                "place": "ENA, Tunis",
                "trainer": "Central Bureau",
                "attendee_ids": [
                    (0, 0, {"user_id": u.id, "attended": True}) for u in users
                ],
            }
        )
        session.action_done()
        session.action_issue_certificates()
        return session

    def test_score_builds_up(self):
        rec = self.readiness
        self.assertEqual(rec.body_id, self.body_a)
        self.assertEqual(rec.staff_count, 2)
        # staff assigned + signatory named, nothing else: 2 of 5 items
        self.assertEqual(rec.score, 40.0)
        self.assertFalse(rec.answer_rate_applicable)

        session = self._train(self.agent_a)
        self.assertTrue(session.attendee_ids.certificate_issued)
        self.assertEqual(session.attendee_ids.office_id, self.office_a)
        rec.action_refresh()
        self.assertEqual(rec.trained_count, 1)
        self.assertEqual(rec.score, 50.0)

        rec.write(
            {"computer_count": 3, "computer_connected_count": 2, "scanner_count": 1}
        )
        self.assertTrue(rec.equipment_ok)
        self.assertEqual(rec.score, 70.0)
        rec.equipment_condition = "poor"
        self.assertEqual(rec.score, 60.0)
        rec.equipment_condition = "good"

        agreement = self.env["emowaten.hosting.agreement"].create(
            {"body_id": self.body_a.id, "year": 2030, "budget": 1000.0}
        )
        rec.action_refresh()
        self.assertFalse(rec.budget_ok, "a draft agreement commits nothing")
        agreement.action_commit()
        rec.action_refresh()
        self.assertTrue(rec.budget_ok)
        self.assertEqual(rec.score, 90.0)

        self._train(self.manager_a)
        rec.action_refresh()
        self.assertTrue(rec.training_ok)
        self.assertEqual(rec.score, 100.0)
        self.assertIn("fa-check", rec.checklist_html)
        self.assertNotIn("fa-times", rec.checklist_html)

    def test_hooks_feed_the_score(self):
        """The signature and petitions addons override the two hooks."""
        Body = type(self.env["emowaten.body"])
        body_id = self.body_a.id
        with (
            patch.object(Body, "_emowaten_answer_rate", lambda self: {body_id: 40.0}),
            patch.object(
                Body, "_emowaten_readiness_signatory_ok", lambda self: {body_id: False}
            ),
        ):
            self.readiness.action_refresh()
        rec = self.readiness
        self.assertTrue(rec.answer_rate_applicable)
        self.assertEqual(rec.answer_rate, 40.0)
        self.assertFalse(rec.signatory_ok)
        # staff 1 + answer 40/80 = 1.5 of 6 items
        self.assertEqual(rec.score, 25.0)
        self.assertIn("fa-times", rec.checklist_html)

    def test_cron_creates_assessments(self):
        Readiness = self.env["emowaten.readiness"]
        created = Readiness._emowaten_ensure_assessments(2030)
        self.assertIn(self.office_b, created.office_id)
        self.assertNotIn(self.office_a, created.office_id, "already assessed")
        # a body with correspondents but no office is assessed on its own
        child = created.filtered(lambda r: r.body_id == self.body_a_child)
        self.assertEqual(len(child), 1)
        self.assertFalse(child.office_id)
        self.assertEqual(child.staff_count, 1)
        self.assertEqual(child.state_id, self.state_sfax)
        self.assertFalse(Readiness._emowaten_ensure_assessments(2030))

    def test_body_score_and_actions(self):
        self.readiness.year = self.env.cr.now().year
        self.assertEqual(self.body_a.readiness_score, self.readiness.score)
        action = self.body_a.action_view_readiness()
        self.assertEqual(
            self.env["emowaten.readiness"].search(action["domain"]), self.readiness
        )
        self.assertEqual(self.body_a.hosting_agreement_count, 0)
        self.assertEqual(
            self.body_a.action_view_hosting()["res_model"], "emowaten.hosting.agreement"
        )

    def test_equipment_validation(self):
        with self.assertRaises(ValidationError):
            self.readiness.write({"computer_count": 1, "computer_connected_count": 2})
        with self.assertRaises(ValidationError):
            self.readiness.write({"scanner_count": -1})

    def test_board_groups(self):
        Readiness = self.env["emowaten.readiness"]
        Readiness._emowaten_ensure_assessments(2030)
        groups = Readiness._read_group(
            [("year", "=", 2030)], ["body_type"], ["score:avg", "__count"]
        )
        kinds = {kind for kind, _avg, _count in groups}
        self.assertIn("governorate", kinds)
        self.assertIn("ministry", kinds)
