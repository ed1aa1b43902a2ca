"""The views of the addon name only field widgets that the web client knows: an unknown
one is logged by the browser as a warning each time the view opens (and the field falls
back to its plain widget)."""

import os
import re

from lxml import etree

from odoo.fields import Command
from odoo.modules.module import get_module_path
from odoo.tests import Form, TransactionCase, new_test_user, tagged

WIDGET_RE = re.compile(
    r"""category\(\s*["']fields["']\s*\)\s*\.add\(\s*["']([\w.]+)["']"""
)


@tagged("post_install", "-at_install")
class TestViews(TransactionCase):
    def _known_widgets(self):
        known = set()
        modules = self.env["ir.module.module"].search([("state", "=", "installed")])
        for name in modules.mapped("name"):
            path = get_module_path(name)
            src = path and os.path.join(path, "static", "src")
            if not src or not os.path.isdir(src):
                continue
            for root, _dirs, files in os.walk(src):
                for filename in files:
                    if filename.endswith(".js"):
                        with open(os.path.join(root, filename), encoding="utf-8") as fh:
                            known.update(WIDGET_RE.findall(fh.read()))
        return known

    def test_field_widgets_exist(self):
        known = self._known_widgets()
        self.assertIn("many2many_tags", known)
        views = self.env["ir.ui.view"].browse(
            self.env["ir.model.data"]
            .search(
                [("module", "=", "emowaten_signature"), ("model", "=", "ir.ui.view")]
            )
            .mapped("res_id")
        )
        self.assertTrue(views)
        for view in views:
            arch = etree.fromstring(view.arch_db.encode())
            for node in arch.iter("field"):
                widget = node.get("widget")
                if widget:
                    self.assertIn(widget, known, f"{view.xml_id}: widget {widget}")


@tagged("post_install", "-at_install")
class TestAnswerFormRoles(TransactionCase):
    def test_correspondent_opens_his_answer(self):
        """The answer form showed the signature audit log, which a body's
        correspondent may not read: his answer did not open ("Failed to read field
        emowaten.answer.emowaten_signature_log_ids")."""
        env = self.env(context=dict(self.env.context, mail_create_nolog=True))
        body = env["emowaten.body"].create(
            {"name": "Views Ministry", "code": "VW-MIN", "body_type": "ministry"}
        )
        routed_to = env["emowaten.body"].create(
            {"name": "Views Directorate", "code": "VW-DIR", "body_type": "epa"}
        )
        agent = new_test_user(env, "vw_agent", "emowaten_base.group_emowaten_agent")
        corr = new_test_user(
            env, "vw_corr", "emowaten_base.group_emowaten_correspondent"
        )
        corr.emowaten_body_ids = routed_to
        office = env["emowaten.office"].create(
            {
                "name": "Views Office",
                "code": "VW-BRC",
                "reference_prefix": "VW",
                "kind": "ministry",
                "body_id": body.id,
                "member_ids": [Command.create({"user_id": agent.id})],
            }
        )
        citizen = env["res.partner"].create({"name": "Views Citizen"})
        request = env["emowaten.request"].create(
            {
                "office_id": office.id,
                "partner_id": citizen.id,
                "subject": "Views",
                "type_id": env.ref("emowaten_petitions.request_type_guidance").id,
                "channel": "counter",
            }
        )
        request.action_register()
        request.action_screen_admissible()
        child = request.action_route(routed_to)
        answer = (
            env["emowaten.answer"]
            .with_user(corr)
            .create({"request_id": child.id, "kind": "information"})
        )
        form = Form(answer.with_user(corr))
        self.assertEqual(form.kind, "information")
