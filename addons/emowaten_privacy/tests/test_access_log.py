import psycopg2

from odoo.exceptions import AccessError, UserError
from odoo.service.model import call_kw
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import EmowatenPrivacyCase


@tagged("post_install", "-at_install")
class TestAccessLog(EmowatenPrivacyCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.req_a = cls._request(cls.office_a)
        cls.req_b = cls._request(cls.office_b, partner=cls.citizen_other)
        cls.Log = cls.env["emowaten.privacy.access.log"]

    def _logs(self, **criteria):
        domain = [(key, "=", value) for key, value in criteria.items()]
        return self.Log.sudo().search(domain)

    def test_opening_a_request_is_logged(self):
        self.req_a.with_user(self.agent).web_read({"subject": {}, "partner_id": {}})
        log = self._logs(user_id=self.agent.id, request_id=self.req_a.id)
        self.assertEqual(len(log), 1)
        self.assertEqual(log.partner_id, self.citizen)
        self.assertEqual(log.res_model, "emowaten.request")
        self.assertEqual(log.res_id, self.req_a.id)
        self.assertEqual(log.access_type, "read")
        self.assertEqual(log.user_login, "prv_agent")
        self.assertEqual(log.record_name, self.req_a.display_name)

    def test_listing_is_not_logged(self):
        self.env["emowaten.request"].with_user(self.agent).web_search_read(
            [("id", "=", self.req_a.id)], {"subject": {}, "partner_id": {}}
        )
        self.assertFalse(self._logs(user_id=self.agent.id))

    def test_list_and_kanban_calls_from_the_web_client(self):
        """The web client calls the model-level methods without ids: call_kw must not
        take the domain for a list of ids (IndexError before the fix)."""
        answer = self.env["emowaten.answer"].create(
            {"request_id": self.req_a.id, "kind": "information"}
        )
        for model, record in (
            ("emowaten.request", self.req_a),
            ("emowaten.answer", answer),
            ("res.partner", self.citizen),
        ):
            with self.subTest(model=model):
                Model = self.env[model].with_user(self.agent)
                result = call_kw(
                    Model,
                    "web_search_read",
                    [],
                    {
                        "domain": [("id", "=", record.id)],
                        "specification": {"display_name": {}},
                        "limit": 80,
                        "context": {"lang": "en_US"},
                    },
                )
                self.assertEqual([r["id"] for r in result["records"]], record.ids)
                groups = call_kw(
                    Model,
                    "web_read_group",
                    [],
                    {
                        "domain": [("id", "=", record.id)],
                        "groupby": ["create_uid"],
                        "aggregates": ["__count"],
                    },
                )
                self.assertEqual(groups["length"], 1)
        self.assertFalse(self._logs(user_id=self.agent.id))

    def test_opening_a_citizen_is_logged(self):
        self.citizen.with_user(self.agent).web_read({"name": {}})
        log = self._logs(user_id=self.agent.id, res_model="res.partner")
        self.assertEqual(log.partner_id, self.citizen)
        self.assertFalse(log.request_id)

    def test_opening_an_answer_is_logged(self):
        answer = self.env["emowaten.answer"].create(
            {"request_id": self.req_a.id, "kind": "information"}
        )
        answer.with_user(self.agent).web_read({"kind": {}})
        log = self._logs(user_id=self.agent.id, res_model="emowaten.answer")
        self.assertEqual(log.request_id, self.req_a)
        self.assertEqual(log.partner_id, self.citizen)

    def test_non_citizen_partner_and_portal_reads_are_not_logged(self):
        self.agent.partner_id.with_user(self.agent).web_read({"name": {}})
        self.assertFalse(self._logs(user_id=self.agent.id))
        self.Log.with_user(self.portal_user)._emowaten_log(self.req_a)
        self.assertFalse(self._logs(user_id=self.portal_user.id))

    def test_export_from_a_list_is_logged(self):
        self.agent.group_ids += self.env.ref("base.group_allow_export")
        self.req_a.with_user(self.agent).export_data(["name", "subject"])
        log = self._logs(user_id=self.agent.id, access_type="export")
        self.assertEqual(log.request_id, self.req_a)

    def test_read_of_the_cin_through_a_request_is_logged(self):
        Request = self.env["emowaten.request"].with_user(self.agent)
        calls = {
            "read": lambda: self.req_a.with_user(self.agent).read(["partner_cin"]),
            "search_read": lambda: Request.search_read(
                [("id", "=", self.req_a.id)], ["partner_cin"]
            ),
            "web_search_read": lambda: Request.web_search_read(
                [("id", "=", self.req_a.id)], {"partner_cin": {}, "subject": {}}
            ),
        }
        for method, call in calls.items():
            with self.subTest(method=method):
                call()
                log = self._logs(user_id=self.agent.id, method=method)
                self.assertEqual(len(log), 1)
                self.assertEqual(log.request_id, self.req_a)
                self.assertEqual(log.partner_id, self.citizen)
                self.assertEqual(
                    log.access_type, "read" if method == "read" else "list"
                )
                # the same read again within the window adds no line
                call()
                self.assertEqual(
                    len(self._logs(user_id=self.agent.id, method=method)), 1
                )
        # three operations, one line each: web_read's own read() is not logged twice
        self.assertEqual(len(self._logs(user_id=self.agent.id)), 3)

    def test_search_read_of_citizens_is_logged(self):
        self.env["res.partner"].with_user(self.agent).search_read(
            [("id", "in", [self.citizen.id, self.agent.partner_id.id])], ["phone"]
        )
        log = self._logs(user_id=self.agent.id)
        self.assertEqual(log.partner_id, self.citizen)
        self.assertEqual(log.method, "search_read")

    def test_every_read_is_logged_outside_the_window(self):
        self.env["ir.config_parameter"].set_param(
            "emowaten_privacy.access_log_window", "0"
        )
        self.req_a.with_user(self.agent).read(["subject"])
        self.req_a.with_user(self.agent).read(["subject"])
        self.assertEqual(len(self._logs(user_id=self.agent.id)), 2)

    def test_servers_own_reads_are_not_logged(self):
        self.req_a.sudo().read(["partner_cin"])
        self.env["emowaten.request"].sudo().search_read(
            [("id", "=", self.req_a.id)], ["partner_cin"]
        )
        # a scheduled action running as a staff user
        self.req_a.with_user(self.agent).with_context(cron_id=1).read(["partner_cin"])
        # a computed or related field read by the server's code
        self.assertEqual(self.req_a.with_user(self.agent).partner_cin, "08123456")
        self.assertFalse(self.Log.sudo().search([]))

    def test_a_context_key_does_not_hide_a_read(self):
        """The web client's listing flag was a context key: an RPC caller could set
        it on web_read and open a file without a trace."""
        self.req_a.with_user(self.agent).with_context(
            emowaten_privacy_listing=True
        ).web_read({"partner_cin": {}})
        self.assertEqual(len(self._logs(user_id=self.agent.id, method="web_read")), 1)

    def test_log_is_append_only(self):
        self.req_a.with_user(self.agent).web_read({"subject": {}})
        log = self._logs(user_id=self.agent.id)
        with self.assertRaises(UserError):
            log.sudo().write({"user_login": "someone_else"})
        with self.assertRaises(UserError):
            log.sudo().unlink()
        # not even SQL can change or delete a line
        with (
            self.assertRaises(psycopg2.Error),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "UPDATE emowaten_privacy_access_log SET user_login = 'x' WHERE id = %s",
                [log.id],
            )
        with (
            self.assertRaises(psycopg2.Error),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.env.cr.execute(
                "DELETE FROM emowaten_privacy_access_log WHERE id = %s", [log.id]
            )
        # nobody forges an entry either
        with self.assertRaises(UserError):
            self.Log.with_user(self.admin).create(
                {"res_model": "res.partner", "res_id": self.citizen.id}
            )

    def test_deleting_a_draft_keeps_the_log_line(self):
        draft = self._request(self.office_a, state="draft")
        draft.with_user(self.agent).web_read({"subject": {}})
        log = self._logs(user_id=self.agent.id, res_id=draft.id)
        draft.unlink()
        self.assertTrue(log.exists())
        self.assertFalse(log.request_id)
        self.assertEqual(log.res_id, draft.id)

    def test_who_reads_the_log(self):
        self.req_a.with_user(self.agent).web_read({"subject": {}})
        self.req_b.with_user(self.supervisor).web_read({"subject": {}})
        with self.assertRaises(AccessError):
            self.Log.with_user(self.agent).search([])
        manager_view = self.Log.with_user(self.manager).search([])
        self.assertIn(self.req_a, manager_view.request_id)
        self.assertNotIn(self.req_b, manager_view.request_id)
        supervisor_view = self.Log.with_user(self.supervisor).search([])
        self.assertIn(self.req_a, supervisor_view.request_id)
        self.assertIn(self.req_b, supervisor_view.request_id)


@tagged("post_install", "-at_install")
class TestNestedReadsInTheBrowser(EmowatenPrivacyCase, HttpCase):
    def test_a_list_inside_another_record_reads_without_a_write(self):
        """The web client reads a record with its one2many lists in one read-only
        call: the requests of an office (or the answers of a signing dialog) were
        logged from that read-only transaction, which failed ("cannot execute INSERT
        in a read-only transaction") and logged an ERROR."""
        self._request(self.office_a)
        self.authenticate("prv_agent", "prv_agent")
        result = self.make_jsonrpc_request(
            "/web/dataset/call_kw/emowaten.office/web_read",
            {
                "model": "emowaten.office",
                "method": "web_read",
                "args": [
                    self.office_a.ids,
                    {"request_ids": {"fields": {"display_name": {}}}},
                ],
                "kwargs": {},
            },
        )
        self.assertTrue(result[0]["request_ids"])
        self.assertFalse(self._logs(user_id=self.agent.id))

    def test_search_read_over_rpc_is_logged(self):
        """search_read is read-only in core: the route must still give the logging
        a read/write cursor."""
        request = self._request(self.office_a)
        self.authenticate("prv_agent", "prv_agent")
        for method, kwargs in (
            (
                "search_read",
                {"domain": [("id", "=", request.id)], "fields": ["partner_cin"]},
            ),
            (
                "web_search_read",
                {
                    "domain": [("id", "=", request.id)],
                    "specification": {"partner_cin": {}},
                },
            ),
        ):
            with self.subTest(method=method):
                self.make_jsonrpc_request(
                    f"/web/dataset/call_kw/emowaten.request/{method}",
                    {
                        "model": "emowaten.request",
                        "method": method,
                        "args": [],
                        "kwargs": kwargs,
                    },
                )
                log = self._logs(user_id=self.agent.id, method=method)
                self.assertEqual(log.request_id, request)

    def _logs(self, **criteria):
        domain = [(key, "=", value) for key, value in criteria.items()]
        return self.env["emowaten.privacy.access.log"].sudo().search(domain)
