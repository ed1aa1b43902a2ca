"""The views of the addon name only field widgets that the web client knows: an unknown
one is logged by the browser as a warning each time the view opens (and the field falls
back to its plain widget)."""

import os
import re

from lxml import etree

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged

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
