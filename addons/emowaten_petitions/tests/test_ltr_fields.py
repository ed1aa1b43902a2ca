import base64
import os
from pathlib import Path
from unittest.mock import patch

from odoo.fields import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import ChromeBrowser

# in the Arabic form: the citizen's phone, CIN, the reference and the tracking code
# must lay out left to right ("+216 98 123 456" showed as "456 123 98 216+")
CHECK_JS = """
const names = ["partner_phone", "partner_cin", "tracking_code", "name"];
const started = Date.now();
const check = () => {
    const form = document.querySelector(".o_form_view");
    const found = form && names.map(
        (n) => form.querySelector(`.o_field_widget[name="${n}"]`)
    );
    if (!found || found.some((el) => !el || !el.textContent.trim())) {
        if (Date.now() - started > 20000) {
            console.error("fields not found: " + names);
        } else {
            setTimeout(check, 200);
        }
        return;
    }
    if (getComputedStyle(form).direction !== "rtl") {
        console.error("the form is not right to left");
        return;
    }
    const wrong = found.filter((el) => {
        const inner = el.querySelector('a[href^="tel:"], input, span') || el;
        return getComputedStyle(inner).direction !== "ltr";
    });
    if (wrong.length) {
        console.error("right to left: " + wrong.map((el) => el.getAttribute("name")));
    } else {
        console.log("test successful");
    }
};
check();
"""


@tagged("post_install", "-at_install")
class TestLtrFields(HttpCase):
    def test_numbers_and_codes_read_left_to_right_in_arabic(self):
        self.env["res.lang"]._activate_lang("ar_001")
        agent = new_test_user(
            self.env,
            "emw_ltr_agent",
            groups="emowaten_base.group_emowaten_agent",
            name="LTR Agent",
            password="emw_ltr_agent",
            lang="ar_001",
        )
        body = self.env["emowaten.body"].create(
            {"name": "LTR body", "code": "T-LTR", "body_type": "governorate"}
        )
        office = self.env["emowaten.office"].create(
            {
                "name": "LTR office",
                "code": "T-LTR",
                "reference_prefix": "LTR",
                "body_id": body.id,
                "member_ids": [Command.create({"user_id": agent.id, "role": "agent"})],
            }
        )
        citizen = self.env["res.partner"]._emowaten_find_or_create_citizen(
            {
                "name": "أميرة بن صالح",
                "emowaten_cin": "08123456",
                "phone": "+216 98 123 456",
            }
        )
        request = self.env["emowaten.request"].create(
            {
                "office_id": office.id,
                "type_id": self.env.ref("emowaten_petitions.request_type_petition").id,
                "partner_id": citizen.id,
                "subject": "طلب إصلاح الإنارة العمومية",
                "channel": "counter",
                "state": "registered",
                "user_id": agent.id,
            }
        )
        self.assertTrue(request.tracking_code)
        with self._shooting("ltr_fields_request_form_ar"):
            self.browser_js(
                f"/odoo/action-emowaten_petitions.emowaten_request_action/{request.id}",
                CHECK_JS,
                login="emw_ltr_agent",
                timeout=60,
            )

    def _shooting(self, name):
        """Keep a picture of the form when $EMOWATEN_ARTEFACTS says where."""
        original = ChromeBrowser._wait_code_ok
        where = os.environ.get("EMOWATEN_ARTEFACTS")

        def wait_and_shoot(browser, code, timeout, error_checker=None):
            original(browser, code, timeout, error_checker=error_checker)
            if not where:
                return
            future = browser._websocket_send("Page.captureScreenshot", with_future=True)
            target = Path(where) / "screenshots" / f"{name}.png"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(base64.b64decode(future.result(timeout=30)["data"]))

        return patch.object(ChromeBrowser, "_wait_code_ok", wait_and_shoot)
