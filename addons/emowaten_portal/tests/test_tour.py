from odoo.tests import HttpCase, tagged
from odoo.tools.misc import find_in_path


@tagged("post_install", "-at_install")
class TestPortalTour(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env(context=dict(cls.env.context, mail_notrack=True))
        for code in ("ar_001", "fr_FR"):
            env["res.lang"]._activate_lang(code)
        env["ir.module.module"]._load_module_terms(["emowaten_portal"], ["ar_001"])
        params = env["ir.config_parameter"].sudo()
        for scope in ("intake_ip", "intake_cin", "track_ip", "track_ref"):
            params.set_param(f"emowaten_portal.{scope}_limit", 1000)
        body = env["emowaten.body"].create(
            {"name": "Tour Ministry", "code": "TOUR-MIN", "body_type": "ministry"}
        )
        env["emowaten.office"].create(
            {
                "name": "Tour Office",
                "code": "TOUR",
                "reference_prefix": "TOUR",
                "kind": "central",
                "body_id": body.id,
            }
        )
        env["emowaten.request.type"].create(
            {
                "name": "Tour petition",
                "code": "tour_petition",
                "deadline_days": 60,
                "sequence": 0,
            }
        )
        if not env["res.country.state"].search_count([("country_id.code", "=", "TN")]):
            env["res.country.state"].create(
                {"name": "Tunis", "code": "TN-11", "country_id": env.ref("base.tn").id}
            )

    def _filed(self):
        return (
            self.env["emowaten.request"]
            .sudo()
            .search([("subject", "=", "Streetlight broken in front of the school")])
        )

    def test_file_then_track(self):
        self.start_tour("/emowaten/file", "emowaten_portal_file_and_track")
        record = self._filed()
        self.assertEqual(len(record), 1)
        self.assertEqual(record.partner_id.emowaten_cin, "07654321")

    def test_file_then_track_in_arabic(self):
        """The same journey on the right-to-left Arabic pages; the citizen's language
        is remembered so that later messages reach them in Arabic."""
        # Odoo builds the right-to-left stylesheet with the rtlcss command, which the
        # set-up installs (scripts/lib.sh); without it the page is not really RTL.
        self.assertTrue(find_in_path("rtlcss"), "rtlcss is not installed")
        self.start_tour("/ar/emowaten/file", "emowaten_portal_file_and_track")
        record = self._filed()
        self.assertEqual(len(record), 1)
        self.assertEqual(record.partner_id.lang, "ar_001")
