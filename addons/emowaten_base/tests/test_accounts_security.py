"""Staff accounts and accountability (issue 16, findings 6 and 7).

Production defaults, as a database without demo data gets them when emowaten_base is
installed: two-factor authentication required for staff (auth_totp_mail's "employees"
policy), a minimum password length (auth_password_policy), an idle session timeout
(OCA auth_session_timeout); and the OCA audit log of who gave whom which rights,
readable by the e-Mowaten administrator only. The demo database turns the account
policies off.
"""

import os
import time

from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.fields import Command
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged
from odoo.tests.common import HOST, get_db_name

from .common import GROUP, EmowatenBaseCase

STAFF_PASSWORD = "counter-2026-tunis"  # noqa: S105 (a test user's password)


def _param(env, key):
    return env["ir.config_parameter"].sudo().get_param(key)


@tagged("post_install", "-at_install")
class TestStaffAccountDefaults(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, "acc_agent", GROUP + "agent")
        cls.citizen = new_test_user(cls.env, "acc_citizen", "base.group_portal")

    def test_two_factor_required_for_staff_not_for_citizens(self):
        self.assertEqual(_param(self.env, "auth_totp.policy"), "employee_required")
        # a staff user without an authenticator app is asked for a second factor (a
        # code by e-mail) at login, and may not use his password for RPC
        self.assertFalse(self.agent.totp_enabled)
        self.assertEqual(self.agent._mfa_type(), "totp_mail")
        self.assertEqual(self.agent._mfa_url(), "/web/login/totp")
        self.assertTrue(self.agent._rpc_api_keys_only())
        # citizens on the portal are not forced
        self.assertFalse(self.citizen._mfa_type())
        self.assertFalse(self.citizen._rpc_api_keys_only())

    def test_short_password_refused(self):
        self.assertEqual(_param(self.env, "auth_password_policy.minlength"), "8")
        for user in (self.agent, self.citizen):
            with self.assertRaises(UserError):
                user.password = "2short!"
        self.agent.password = "long-enough"

    def test_idle_timeout_set(self):
        self.assertEqual(_param(self.env, "inactive_session_time_out_delay"), "1800")
        deadline = self.env["res.users"]._auth_timeout_deadline_calculate()
        self.assertAlmostEqual(deadline, time.time() - 1800, delta=60)


@tagged("post_install", "-at_install")
class TestStaffLogin(HttpCase):
    """The same policies seen through the login form and an idle session."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(
            cls.env, "acc_login_agent", GROUP + "agent", password=STAFF_PASSWORD
        )
        cls.citizen = new_test_user(
            cls.env, "acc_login_citizen", "base.group_portal", password=STAFF_PASSWORD
        )

    def _post_login(self, login):
        # an anonymous session, for the form's CSRF token (as web's login tests do)
        self.session = http.root.session_store.new()
        self.session.update(http.get_default_session(), db=get_db_name())
        self.opener.cookies.set("session_id", self.session.sid, domain=HOST, path="/")
        return self.url_open(
            "/web/login",
            data={
                "login": login,
                "password": STAFF_PASSWORD,
                "csrf_token": http.Request.csrf_token(self),
            },
            allow_redirects=False,
        )

    def test_staff_password_alone_does_not_log_in(self):
        response = self._post_login(self.agent.login)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login/totp", response.headers["Location"])
        # the password alone opened no session
        backend = self.url_open("/odoo", allow_redirects=False)
        self.assertIn(backend.status_code, (302, 303))
        self.assertIn("/web/login", backend.headers["Location"])

    def test_citizen_logs_in_with_password(self):
        response = self._post_login(self.citizen.login)
        self.assertIn(response.status_code, (302, 303))
        self.assertNotIn("/web/login", response.headers["Location"])

    def test_idle_session_is_logged_out(self):
        self.authenticate(self.agent.login, STAFF_PASSWORD)
        self.assertEqual(self.url_open("/odoo", allow_redirects=False).status_code, 200)
        # 31 minutes without a request
        path = http.root.session_store.get_session_filename(self.session.sid)
        idle = time.time() - 31 * 60
        os.utime(path, (idle, idle))
        # the request that finds the session idle logs it out; the next asks to log in
        self.url_open("/odoo", allow_redirects=False)
        backend = self.url_open("/odoo", allow_redirects=False)
        self.assertIn(backend.status_code, (302, 303))
        self.assertIn("/web/login", backend.headers["Location"])


@tagged("post_install", "-at_install")
class TestRightsAuditLog(EmowatenBaseCase):
    def setUp(self):
        super().setUp()
        self.last_log = self.env["auditlog.log"].search([], order="id desc", limit=1).id

    def _logs(self, records, method):
        """The logs of ``records`` written by this test."""
        return self.env["auditlog.log"].search(
            [
                ("id", ">", self.last_log),
                ("model_model", "=", records._name),
                ("res_id", "in", records.ids),
                ("method", "=", method),
            ]
        )

    def _line(self, log, field_name):
        self.assertEqual(len(log), 1)
        line = log.line_ids.filtered(lambda ln: ln.field_name == field_name)
        self.assertEqual(len(line), 1, f"{field_name} not logged")
        return line

    def test_audit_patches_keep_every_override(self):
        """auditlog patched the classes when its rules were created, in the middle of
        the install: the overrides of the modules installed afterwards (the session
        language refresh of emowaten_petitions' res.users.write) were skipped."""
        for model in ("res.users", "res.groups", "emowaten.office.member"):
            cls = self.env.registry[model]
            for method in ("create", "write", "unlink"):
                with self.subTest(model=model, method=method):
                    patched = cls.__dict__.get(method)
                    self.assertTrue(patched and hasattr(patched, "origin"))
                    # what the class would run without the patch: its bases' method
                    unpatched = next(
                        vars(base)[method]
                        for base in cls.__mro__[1:]
                        if method in vars(base)
                    )
                    self.assertIs(patched.origin, unpatched)

    def test_membership_changes_logged_with_author_date_and_values(self):
        members = self.env["emowaten.office.member"].with_user(self.manager_a)
        member = members.create(
            {"office_id": self.office_a.id, "user_id": self.agent_b.id}
        )
        log = self._logs(member, "create")
        self.assertEqual(log.user_id, self.manager_a)
        self.assertTrue(log.create_date)
        self.assertEqual(self._line(log, "user_id").new_value, str(self.agent_b.id))
        self.assertEqual(self._line(log, "office_id").new_value, str(self.office_a.id))

        member.write({"role": "manager"})
        log = self._logs(member, "write")
        self.assertEqual(log.user_id, self.manager_a)
        self.assertEqual(self._line(log, "role").new_value, "manager")

        member.unlink()
        log = self._logs(member, "unlink")
        self.assertEqual(len(log), 1)
        self.assertEqual(log.user_id, self.manager_a)
        self.assertTrue(log.create_date)

    def test_membership_added_from_the_office_form_is_logged(self):
        """The office form creates the rows inside the office's write: auditlog's full
        log crashed there (the rule of memberships is a fast log)."""
        office = self.office_a.with_user(self.manager_a)
        office.member_ids = [Command.create({"user_id": self.agent_b.id})]
        member = office.member_ids.filtered(lambda m: m.user_id == self.agent_b)
        log = self._logs(member, "create")
        self.assertEqual(log.user_id, self.manager_a)
        self.assertEqual(self._line(log, "user_id").new_value, str(self.agent_b.id))

    def test_group_changes_logged_from_the_user_and_from_the_group(self):
        system = self.env.ref("base.user_admin")
        signatory = self.env.ref(GROUP + "signatory")
        self.agent_a.with_user(system).write(
            {"group_ids": [Command.link(signatory.id)]}
        )
        log = self._logs(self.agent_a, "write")
        self.assertEqual(log.user_id, system)
        self.assertTrue(log.create_date)
        line = self._line(log, "group_ids")
        self.assertNotIn(signatory.name, line.old_value_text)
        self.assertIn(signatory.name, line.new_value_text)

        signatory.with_user(system).write(
            {"user_ids": [Command.unlink(self.agent_a.id)]}
        )
        log = self._logs(signatory, "write")
        self.assertEqual(log.user_id, system)
        line = self._line(log, "user_ids")
        self.assertIn("Agent A", line.old_value_text)
        self.assertNotIn("Agent A", line.new_value_text)

    def test_log_readable_by_the_administrator_only(self):
        self.env["emowaten.office.member"].with_user(self.manager_a).create(
            {"office_id": self.office_a.id, "user_id": self.agent_b.id}
        )
        for user in (
            self.agent_a,
            self.manager_a,
            self.supervisor,
            self.signatory_a,
            self.correspondent_a,
        ):
            for model in ("auditlog.log", "auditlog.log.line", "auditlog.rule"):
                with self.subTest(user=user.login, model=model):
                    with self.assertRaises(AccessError):
                        self.env[model].with_user(user).search_read([], ["id"])
        logs = (
            self.env["auditlog.log"]
            .with_user(self.admin)
            .search([("model_model", "=", "emowaten.office.member")])
        )
        self.assertTrue(logs)
        self.assertTrue(logs.line_ids.read(["old_value_text", "new_value_text"]))
        # from his own Configuration menu
        menu = self.env.ref("emowaten_base.emowaten_auditlog_log_menu")
        Menu = self.env["ir.ui.menu"]
        self.assertIn(menu.id, Menu.with_user(self.admin)._visible_menu_ids())
        self.assertNotIn(menu.id, Menu.with_user(self.manager_a)._visible_menu_ids())
        # the administrator reads the log, he does not rewrite it
        with self.assertRaises(AccessError):
            logs.write({"user_id": self.admin.id})
        with self.assertRaises(AccessError):
            logs.unlink()


@tagged("emowaten_demo", "-standard", "post_install", "-at_install")
class TestStaffAccountsDemo(TransactionCase):
    """On the demo database (test tag emowaten_demo) the account policies are off, so
    that the demo users log in at once with their documented password."""

    def test_policies_off(self):
        self.assertFalse(_param(self.env, "auth_totp.policy"))
        self.assertEqual(_param(self.env, "auth_password_policy.minlength"), "0")
        self.assertEqual(_param(self.env, "inactive_session_time_out_delay"), "0")
        self.assertFalse(self.env["res.users"]._auth_timeout_deadline_calculate())
        staff = self.env["res.users"].search([("login", "=", "chef.tunis")])
        self.assertTrue(staff, "run on the demo database")
        self.assertFalse(staff._mfa_type())
