"""Relation and log rows of a request follow the request: followers, custody log,
deadline events, messages, activities and attachments, tried as an attacker would
(search_read on the row model with the document's model and id); and the read-only
central supervisor cannot write to citizens or schedule work on a request."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import EmowatenPetitionsCase


@tagged("post_install", "-at_install")
class TestRelationRowsAccess(EmowatenPetitionsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # these tests add several extensions to one request to try the access
        # rules: the cap on extensions (tested in test_deadlines) is lifted
        cls.env["emowaten.request.type"].search([]).write({"max_extensions": 10})
        cls.req_a = cls._request(subject="Office A petition")
        cls.req_b = cls._request(office_id=cls.office_b.id, subject="Office B petition")
        cls.req_secret = cls._request(
            type_id=cls.type_corruption.id,
            subject="Bribe report",
            partner_id=cls.citizen_2.id,
        )
        cls.requests = cls.req_a | cls.req_b | cls.req_secret
        for request in cls.requests:
            request.message_subscribe(partner_ids=request.partner_id.ids)
            request.message_post(body="Internal note", subtype_xmlid="mail.mt_note")
            cls.env["ir.attachment"].create(
                {
                    "name": f"{request.subject}.txt",
                    "raw": b"scan",
                    "res_model": request._name,
                    "res_id": request.id,
                }
            )
            cls.env["emowaten.request.custody"].create(
                {"request_id": request.id, "user_id": cls.user_agent.id}
            )
            cls.env["emowaten.request.deadline.event"].create(
                {
                    "request_id": request.id,
                    "kind": "extension",
                    "days": 5,
                    "motive": "x",
                }
            )
            request.activity_schedule(
                "mail.mail_activity_data_todo",
                summary="Call back",
                user_id=cls.user_head.id,
            )
        cls.answer_secret = cls.env["emowaten.answer"].create(
            {
                "request_id": cls.req_secret.id,
                "kind": "information",
                "body_html": "<p>x</p>",
            }
        )

    # ------------------------------------------------------------------ helpers
    def _seen(self, user, model, domain, field="res_id"):
        rows = self.env[model].with_user(user).search_read(domain, [field])
        ids = {
            row[field][0] if isinstance(row[field], tuple) else row[field]
            for row in rows
        }
        return self.env["emowaten.request"].browse(ids) & self.requests

    def _rows(self, model, request, field="res_id"):
        if field == "res_id":
            domain = [("res_id", "=", request.id)]
            domain.append(
                (
                    "model" if model == "mail.message" else "res_model",
                    "=",
                    request._name,
                )
            )
        else:
            domain = [(field, "=", request.id)]
        return self.env[model].sudo().search(domain)

    def _assert_row_model_follows_requests(self, model, field="res_id"):
        if field == "res_id":
            key = "model" if model == "mail.message" else "res_model"
            domain = [(key, "=", "emowaten.request")]
        else:
            domain = []
        expected = {
            self.user_agent: self.req_a,
            self.user_agent_b: self.req_b,
            self.user_manager: self.req_a,
            self.user_designated: self.req_a | self.req_secret,
            self.user_supervisor: self.req_a | self.req_b,
            self.user_admin: self.req_a | self.req_b,
        }
        for user, requests in expected.items():
            self.assertEqual(
                self._seen(user, model, domain, field),
                requests,
                f"{model}: {user.login}",
            )
        # the rows of what one may not read cannot be read by their id either
        for user, request in (
            (self.user_agent_b, self.req_a),
            (self.user_agent, self.req_b),
            (self.user_manager, self.req_secret),
            (self.user_admin, self.req_secret),
            (self.user_supervisor, self.req_secret),
        ):
            rows = self._rows(model, request, field)
            self.assertTrue(rows)
            with self.assertRaises(AccessError, msg=f"{model}: {user.login}"):
                rows.with_user(user).read([field])
            # nor by naming the document in the domain
            if field == "res_id":
                by_document = domain + [("res_id", "=", request.id)]
            else:
                by_document = [(field, "=", request.id)]
            self.assertFalse(
                self.env[model].with_user(user).search_read(by_document, [field]),
                f"{model}: {user.login}",
            )

    # ---------------------------------------------------------------- followers
    def test_followers_follow_the_request(self):
        """search_read on mail.followers gave every internal user the followers of
        every request, the reporter of a corruption case included (then her CIN
        and phone through the partner)."""
        self._assert_row_model_follows_requests("mail.followers")
        Followers = self.env["mail.followers"].with_user(self.user_manager)
        self.assertFalse(Followers.search([("partner_id", "=", self.citizen_2.id)]))
        self.assertFalse(
            Followers.search_count([("res_id", "=", self.req_secret.id)]),
        )

    def test_followers_in_the_chatter(self):
        """The chatter lists the followers of a request one may read, not others."""
        data = self.req_a.with_user(self.user_agent).message_get_followers()
        partners = {f["partner_id"] for f in data["mail.followers"]}
        self.assertIn(self.citizen.id, partners)
        self.assertEqual(
            self.req_secret.with_user(self.user_designated).message_follower_ids,
            self._rows("mail.followers", self.req_secret),
        )

    def test_system_user_cannot_move_a_follower_row(self):
        """A settings user who manages office A may follow office A's requests for
        another partner, but not move the row onto a request of office B: the rows
        are checked on their values after the write."""
        self.user_manager.group_ids |= self.env.ref("base.group_system")
        Followers = self.env["mail.followers"].with_user(self.user_manager)
        colleague = self.env["res.partner"].create({"name": "Colleague"})
        row = Followers.create(
            {
                "res_model": "emowaten.request",
                "res_id": self.req_a.id,
                "partner_id": colleague.id,
            }
        )
        with self.assertRaises(AccessError):
            row.write({"res_id": self.req_b.id})
        with self.assertRaises(AccessError):
            Followers.create(
                {
                    "res_model": "emowaten.request",
                    "res_id": self.req_secret.id,
                    "partner_id": colleague.id,
                }
            )
        with self.assertRaises(AccessError):
            self._rows("mail.followers", self.req_b).with_user(
                self.user_manager
            ).unlink()

    # ----------------------------------------------------- custody and deadlines
    def test_custody_log_follows_the_request(self):
        """Every internal user read every office's custody log (only confidential
        requests were hidden)."""
        self._assert_row_model_follows_requests(
            "emowaten.request.custody", "request_id"
        )

    def test_deadline_events_follow_the_request(self):
        self._assert_row_model_follows_requests(
            "emowaten.request.deadline.event", "request_id"
        )

    def test_deadline_events_written_only_on_a_request_one_may_change(self):
        Event = self.env["emowaten.request.deadline.event"].with_user(self.user_agent)
        values = {"kind": "extension", "days": 3, "motive": "extension"}
        with self.assertRaises(AccessError):
            Event.create(dict(values, request_id=self.req_b.id))
        with self.assertRaises(AccessError):
            Event.create(dict(values, request_id=self.req_secret.id))
        own = Event.create(dict(values, request_id=self.req_a.id))
        # moved onto another office's request: refused on the value after the write
        with self.assertRaises(AccessError):
            own.write({"request_id": self.req_b.id})
        with self.assertRaises(AccessError):
            self._rows(
                "emowaten.request.deadline.event", self.req_b, "request_id"
            ).with_user(self.user_manager).write({"motive": "changed"})
        # the agent's own journey still works
        self.req_a.with_user(self.user_agent).action_extend(2, "more time")
        self.assertEqual(own.request_id, self.req_a)

    # ----------------------------------------- messages, activities, attachments
    def test_messages_follow_the_request(self):
        self._assert_row_model_follows_requests("mail.message")

    def test_activities_follow_the_request(self):
        """Core checks activities against their document; the user they are assigned
        to (here an agent of no office) keeps reading them."""
        expected = {
            self.user_agent: self.req_a,
            self.user_agent_b: self.req_b,
            self.user_supervisor: self.req_a | self.req_b,
        }
        for user, requests in expected.items():
            self.assertEqual(
                self._seen(
                    user, "mail.activity", [("res_model", "=", "emowaten.request")]
                ),
                requests,
                user.login,
            )
        for user, request in (
            (self.user_agent_b, self.req_a),
            (self.user_admin, self.req_secret),
        ):
            with self.assertRaises(AccessError):
                self._rows("mail.activity", request).with_user(user).read(["summary"])

    def test_attachments_follow_the_request(self):
        self._assert_row_model_follows_requests("ir.attachment")

    # ------------------------------------------------ the read-only supervisor
    def test_supervisor_cannot_post(self):
        """The supervisor reads every office: he could post comments to citizens and
        notes (the request's post access was 'read')."""
        request = self.req_a.with_user(self.user_supervisor)
        for subtype in ("mail.mt_comment", "mail.mt_note"):
            with self.assertRaises(AccessError, msg=subtype):
                request.message_post(
                    body="Hello", subtype_xmlid=subtype, message_type="comment"
                )
        # following a request (allowed: it is reading) does not open posting, nor
        # does a message addressed to him
        request.message_subscribe(partner_ids=self.user_supervisor.partner_id.ids)
        addressed = self.req_a.message_post(
            body="For the supervisor", partner_ids=self.user_supervisor.partner_id.ids
        )
        with self.assertRaises(AccessError):
            request.message_post(body="As a follower", message_type="comment")
        with self.assertRaises(AccessError):
            request.message_post(body="A reply", parent_id=addressed.id)
        with self.assertRaises(AccessError):
            self.env["mail.message"].with_user(self.user_supervisor).create(
                {
                    "model": "emowaten.request",
                    "res_id": self.req_a.id,
                    "body": "Direct",
                    "message_type": "comment",
                }
            )
        answer = self.env["emowaten.answer"].create(
            {
                "request_id": self.req_a.id,
                "kind": "information",
                "body_html": "<p>y</p>",
            }
        )
        answer.message_subscribe(partner_ids=self.user_supervisor.partner_id.ids)
        with self.assertRaises(AccessError):
            answer.with_user(self.user_supervisor).message_post(body="On the answer")

    def test_supervisor_cannot_schedule_activities(self):
        Activity = self.env["mail.activity"].with_user(self.user_supervisor)
        todo = self.env.ref("mail.mail_activity_data_todo")
        # for himself too (core only refused an assignee he could not subscribe)
        for record in (self.req_a, self.req_b):
            for assignee in (self.user_agent, self.user_supervisor):
                with self.assertRaises(AccessError, msg=assignee.login):
                    Activity.create(
                        {
                            "res_model_id": self.env["ir.model"]._get_id(record._name),
                            "res_id": record.id,
                            "activity_type_id": todo.id,
                            "summary": "Planted",
                            "user_id": assignee.id,
                        }
                    )
        with self.assertRaises(AccessError):
            self.req_a.with_user(self.user_supervisor).activity_schedule(
                "mail.mail_activity_data_todo", user_id=self.user_supervisor.id
            )
        with self.assertRaises(AccessError):
            self._rows("mail.activity", self.req_a).with_user(
                self.user_supervisor
            ).write({"date_deadline": fields.Date.today()})

    def test_staff_keep_posting(self):
        """Agents, managers, designated staff and correspondents still post where
        their journeys need it."""
        self.req_a.with_user(self.user_agent).message_post(body="Agent note")
        self.req_a.with_user(self.user_manager).message_post(body="Manager note")
        self.req_secret.with_user(self.user_designated).message_post(body="Secret")
        self.req_secret.with_user(self.user_designated).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_designated.id
        )
        routed = self._request(body_id=self.body_x.id, subject="Routed to X")
        routed.with_user(self.user_correspondent).message_post(body="From the body")
        self.req_a.with_user(self.user_agent).activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_manager.id
        )


@tagged("post_install", "-at_install")
class TestSupervisorPostRpc(HttpCase):
    """The chatter's route and a plain call_kw: a supervisor's post is refused by
    JSON-RPC too, an agent's goes through."""

    def _post(self, request, login, route):
        self.authenticate(login, login)
        if route == "chatter":
            return self.make_jsonrpc_request(
                "/mail/message/post",
                {
                    "thread_model": request._name,
                    "thread_id": request.id,
                    "post_data": {
                        "body": f"by {login}",
                        "message_type": "comment",
                        "subtype_xmlid": "mail.mt_comment",
                    },
                },
            )
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw/emowaten.request/message_post",
            {
                "model": request._name,
                "method": "message_post",
                "args": [[request.id]],
                "kwargs": {"body": f"by {login}", "message_type": "comment"},
            },
        )

    def test_supervisor_post_routes(self):
        env = self.env(context=dict(self.env.context, no_reset_password=True))
        base = "emowaten_base.group_emowaten_"
        supervisor = new_test_user(env, "emw_rpc_super", groups=base + "supervisor")
        agent = new_test_user(env, "emw_rpc_agent", groups=base + "agent")
        body = env["emowaten.body"].create(
            {"name": "RPC body", "code": "T-RPC-B", "body_type": "ministry"}
        )
        office = env["emowaten.office"].create(
            {
                "name": "RPC office",
                "code": "T-RPC",
                "reference_prefix": "RPC",
                "body_id": body.id,
                "member_ids": [fields.Command.create({"user_id": agent.id})],
            }
        )
        citizen = env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "Rim Ayari",
                "emowaten_cin": "07654321",
                "phone": "+216 22 111 222",
            }
        )
        request = env["emowaten.request"].create(
            {
                "office_id": office.id,
                "type_id": env.ref("emowaten_petitions.request_type_petition").id,
                "partner_id": citizen.id,
                "subject": "RPC",
                "channel": "counter",
                "state": "registered",
            }
        )
        request.message_subscribe(partner_ids=supervisor.partner_id.ids)
        before = request.message_ids
        # the chatter's route answers "not found" for a thread one may not post on,
        # call_kw an access error (that the server logs as a warning)
        for route in ("chatter", "call_kw"):
            with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
                self._post(request, supervisor.login, route)
            self._post(request, agent.login, route)
        request.invalidate_recordset(["message_ids"])
        posted = request.message_ids - before
        self.assertEqual(len(posted), 2)
        self.assertEqual(posted.author_id, agent.partner_id)
