from freezegun import freeze_time

from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestEscalation(EmowatenPetitionsCase):
    def _activities(self, request):
        return self.env["mail.activity"].search(
            [("res_model", "=", "emowaten.request"), ("res_id", "=", request.id)]
        )

    def test_ladder_is_idempotent(self):
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request(
                type_id=self.type_guidance.id, user_id=self.user_agent.id
            )
            routed = self._request(
                type_id=self.type_guidance.id, body_id=self.body_x.id
            )
            self.assertEqual(request.date_deadline.isoformat(), "2026-04-01")
        with freeze_time("2026-03-20 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self.assertFalse(self._activities(request), "too early for a reminder")
        with freeze_time("2026-03-28 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            reminders = self._activities(request)
            self.assertEqual(reminders.user_id, self.user_agent)
            self.assertEqual(len(reminders), 1, "the same reminder is never sent twice")
            self.assertEqual(request.escalation_level, 1)
        with freeze_time("2026-04-03 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self.assertEqual(request.escalation_level, 2)
            self.assertEqual(
                self._activities(request).user_id, self.user_agent | self.user_manager
            )
        with freeze_time("2026-04-10 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self.assertEqual(routed.escalation_level, 3)
            self.assertIn(self.user_head, self._activities(routed).user_id)
        with freeze_time("2026-04-20 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
            self.assertEqual(request.escalation_level, 4)
            central = self._activities(request).filtered(
                lambda a: a.user_id == self.user_central
            )
            self.assertEqual(len(central), 1)
            self.assertEqual(len(self._activities(request)), 4)

    def test_late_request_gets_only_its_level(self):
        with freeze_time("2026-01-05 09:00:00"):
            request = self._request(
                type_id=self.type_guidance.id, user_id=self.user_agent.id
            )
        with freeze_time("2026-03-20 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
        self.assertEqual(request.escalation_level, 4)
        self.assertEqual(self._activities(request).user_id, self.user_central)

    def test_closed_and_suspended_requests_are_left_alone(self):
        with freeze_time("2026-01-05 09:00:00"):
            closed = self._request(type_id=self.type_guidance.id)
            closed.state = "withdrawn"
            suspended = self._request(type_id=self.type_guidance.id)
            suspended.action_suspend("documents")
        with freeze_time("2026-03-20 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
        self.assertFalse(closed.escalation_level)
        self.assertFalse(suspended.escalation_level)

    def test_summary_in_the_assignee_language(self):
        """The cron writes each reminder in its reader's language (it used to write
        "Deadline passed: office manager: … due on …" in the cron user's English)."""
        self.env["res.lang"]._activate_lang("ar_001")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001"], overwrite=True
        )
        self.user_manager.lang = "ar_001"
        with freeze_time("2026-03-02 09:00:00"):
            request = self._request(
                type_id=self.type_guidance.id, user_id=self.user_agent.id
            )
        with freeze_time("2026-03-28 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
        with freeze_time("2026-04-03 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_escalation")
        activities = self._activities(request)
        manager = activities.filtered(lambda a: a.user_id == self.user_manager)
        agent = activities.filtered(lambda a: a.user_id == self.user_agent)
        self.assertEqual(len(manager), 1)
        self.assertIn("تجاوز الأجل: رئيس المكتب", manager.summary)
        self.assertIn("أجله", manager.summary)
        self.assertNotIn("due on", manager.summary)
        self.assertIn(request.name, manager.summary)
        self.assertTrue(agent)
        for activity in agent:
            self.assertIn("due on", activity.summary, "the agent reads English")

    def test_implicit_refusal_notice_in_the_citizen_language(self):
        """The implicit-refusal notice is the citizen's letter, in their language
        (it used to be written in the language of the scheduled job's user)."""
        for code in ("ar_001", "fr_FR"):
            self.env["res.lang"]._activate_lang(code)
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_petitions"], ["ar_001", "fr_FR"], overwrite=True
        )
        # the job runs as a user reading French; one citizen reads Arabic, one French
        self.env.user.lang = "fr_FR"
        french = self.citizen_2
        french.lang = "fr_FR"
        self.citizen.lang = "ar_001"
        with freeze_time("2026-01-05 09:00:00"):
            arabic_request = self._request(type_id=self.type_guidance.id)
            french_request = self._request(
                type_id=self.type_guidance.id, partner_id=french.id
            )
        with freeze_time("2026-02-10 09:00:00"):
            self._run_cron("emowaten_petitions.ir_cron_request_implicit_refusal")
        for request, expected, foreign in (
            (arabic_request, "لم يتم الرد على", "Aucune réponse"),
            (french_request, "Aucune réponse n'a été donnée", "لم يتم الرد"),
        ):
            self.assertTrue(request.implicit_refusal)
            notice = request.message_ids.filtered(
                lambda m, r=request: r.name in str(m.body) and "93-982" in str(m.body)
            )
            self.assertEqual(len(notice), 1)
            body = str(notice.body)
            self.assertIn(expected, body)
            self.assertNotIn(foreign, body)
            self.assertNotIn("No answer was given", body)
