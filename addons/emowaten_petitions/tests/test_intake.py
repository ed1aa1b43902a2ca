from odoo.tests import Form, tagged

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestCounterIntake(EmowatenPetitionsCase):
    """A CIN and a phone of two different citizens: the agent is warned, the citizen
    is never swapped silently, at the counter nor at registration."""

    def _form(self):
        form = Form(self.env["emowaten.request"].with_user(self.user_agent))
        form.subject = "Demande au guichet"
        return form

    def test_new_cin_with_another_citizens_phone(self):
        form = self._form()
        form.intake_cin = "04777666"
        form.intake_name = "Sonia Gharbi"
        with self.assertLogs("odoo.tests.form.onchange", "WARNING") as logs:
            form.intake_phone = "+216 98 123 456"  # Amira Ben Salah's phone
        self.assertIn("Amira Ben Salah", logs.output[0])
        self.assertFalse(form.partner_id, "not swapped for the phone's citizen")
        request = form.save()
        request.action_register()
        self.assertNotEqual(request.partner_id, self.citizen)
        self.assertEqual(request.partner_id.emowaten_cin, "04777666")
        self.assertEqual(request.partner_id.name, "Sonia Gharbi")
        self.assertEqual(self.citizen.emowaten_cin, "08123456")

    def _typed(self, cin, phone):
        """Both fields typed before the onchange runs (a paste, a slow network)."""
        request = (
            self.env["emowaten.request"]
            .with_user(self.user_agent)
            .new(
                {
                    "subject": "Demande au guichet",
                    "intake_cin": cin,
                    "intake_phone": phone,
                }
            )
        )
        return request, request._onchange_intake_identity()

    def test_cin_and_phone_of_two_citizens(self):
        # Karim Trabelsi's CIN with Amira Ben Salah's phone
        request, result = self._typed("09654321", "+216 98 123 456")
        self.assertIn("Karim Trabelsi", result["warning"]["message"])
        self.assertIn("Amira Ben Salah", result["warning"]["message"])
        self.assertFalse(request.partner_id)
        # registering follows the CIN, never the phone of the other citizen
        found = self.env["res.partner"]._emowaten_find_or_create_citizen(
            {"name": "Karim", "cin": "09654321", "phone": "+216 98 123 456"}
        )
        self.assertEqual(found, self.citizen_2)

    def test_cin_and_phone_of_the_same_citizen(self):
        request, result = self._typed("08123456", "+216 98 123 456")
        self.assertFalse(result)
        self.assertEqual(request.partner_id, self.citizen)

    def test_phone_only_citizen_is_not_taken_for_a_new_cin(self):
        phone_only = self.env["res.partner"]._emowaten_find_or_create_citizen(
            {"name": "Appel anonyme", "phone": "+216 71 000 111"}
        )
        found = self.env["res.partner"]._emowaten_find_or_create_citizen(
            {"name": "Nadia Ayari", "cin": "05111222", "phone": "71 000 111"}
        )
        self.assertNotEqual(found, phone_only)
        self.assertFalse(phone_only.emowaten_cin)
        self.assertTrue(found.emowaten_duplicate)
