from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestWizardOwner(EmowatenPetitionsCase):
    """An open wizard belongs to whoever opened it: another agent found every open
    inadmissibility letter (with the citizen's name and file) of every office with a
    search_read on the wizard's model (found by the adversarial suite)."""

    def test_open_wizards_belong_to_their_user(self):
        request = self._request(subject="Wizard owner")
        reason = self.env.ref("emowaten_petitions.inadmissibility_reason_job")
        wizards = (
            self.env["emowaten.request.screen"]
            .with_user(self.user_agent)
            .with_context(active_id=request.id)
            .create({"reason_id": reason.id, "lang": "fr"}),
            self.env["emowaten.request.deadline"]
            .with_user(self.user_agent)
            .with_context(active_id=request.id, active_ids=request.ids)
            .create({"motive": "Wizard owner"}),
        )
        changes = ({"competent_body_text": "Elsewhere"}, {"motive": "Changed"})
        for wizard, change in zip(wizards, changes, strict=True):
            Model = self.env[wizard._name]
            self.assertEqual(
                Model.with_user(self.user_agent).search([("id", "=", wizard.id)]),
                wizard,
            )
            for other in (self.user_agent_b, self.user_manager):
                self.assertFalse(
                    Model.with_user(other).search([("id", "=", wizard.id)]),
                    f"{wizard._name} of another user found by {other.login}",
                )
                with self.assertRaises(AccessError):
                    Model.with_user(other).browse(wizard.id).read(["create_uid"])
                with self.assertRaises(AccessError), self.env.cr.savepoint():
                    Model.with_user(other).browse(wizard.id).write(change)
        self.assertIn(request.name, wizards[0].with_user(self.user_agent).letter)
