from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLanguageSwitch(HttpCase):
    """Switching to Arabic in the preferences lays the page out right to left at the
    reload the web client does, not only after a second, manual reload."""

    def test_direction_follows_the_new_language_at_once(self):
        self.env["res.lang"]._activate_lang("ar_001")
        user = new_test_user(
            self.env,
            "emw_lang_agent",
            groups="emowaten_base.group_emowaten_agent",
            lang="en_US",
        )
        self.authenticate(user.login, user.login)
        page = self.url_open("/odoo").text
        self.assertIn("web.assets_web.min.css", page)
        self.assertNotIn("web.assets_web.rtl.min.css", page)
        # what the preferences dialog does: save the record, then preference_save
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.users/web_save",
            {
                "model": "res.users",
                "method": "web_save",
                "args": [[user.id], {"lang": "ar_001"}],
                "kwargs": {"specification": {"lang": {}}},
            },
        )
        action = self.make_jsonrpc_request(
            "/web/dataset/call_kw/res.users/preference_save",
            {
                "model": "res.users",
                "method": "preference_save",
                "args": [[user.id]],
                "kwargs": {},
            },
        )
        self.assertEqual(action["tag"], "reload_context")
        # the reload
        page = self.url_open("/odoo").text
        self.assertIn("web.assets_web.rtl.min.css", page)
