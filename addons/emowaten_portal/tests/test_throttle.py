from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestThrottle(TransactionCase):
    def setUp(self):
        super().setUp()
        # _emowaten_hit writes through its own cursor: keep it inside the test
        # transaction
        self.registry_enter_test_mode()
        self.throttle = self.env["emowaten.portal.throttle"].sudo()
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("emowaten_portal.test_scope_limit", 2)
        params.set_param("emowaten_portal.test_scope_window", 60)

    def test_limit_per_key(self):
        self.assertTrue(self.throttle._emowaten_hit("test_scope", "1.2.3.4"))
        self.assertTrue(self.throttle._emowaten_hit("test_scope", "1.2.3.4"))
        self.assertFalse(self.throttle._emowaten_hit("test_scope", "1.2.3.4"))
        self.assertTrue(self.throttle._emowaten_is_blocked("test_scope", "1.2.3.4"))
        self.assertFalse(self.throttle._emowaten_is_blocked("test_scope", "5.6.7.8"))
        self.assertTrue(self.throttle._emowaten_hit("test_scope", "5.6.7.8"))

    def test_no_clear_value_stored(self):
        self.throttle._emowaten_hit("test_scope", "01234567")
        self.env.cr.execute(
            "SELECT key FROM emowaten_portal_throttle WHERE scope = 'test_scope'"
        )
        keys = [row[0] for row in self.env.cr.fetchall()]
        self.assertTrue(keys)
        self.assertNotIn("01234567", keys)

    def test_window_and_purge(self):
        self.throttle._emowaten_hit("test_scope", "9.9.9.9")
        self.throttle._emowaten_hit("test_scope", "9.9.9.9")
        self.assertTrue(self.throttle._emowaten_is_blocked("test_scope", "9.9.9.9"))
        # hits older than the window no longer count, and the cron removes them
        self.env.cr.execute(
            "UPDATE emowaten_portal_throttle SET hit_at = hit_at - interval '3 days'"
        )
        self.assertFalse(self.throttle._emowaten_is_blocked("test_scope", "9.9.9.9"))
        self.throttle._cron_purge()
        self.assertEqual(self.throttle.search_count([("scope", "=", "test_scope")]), 0)
