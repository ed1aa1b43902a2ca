import contextlib
import json
import time

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .common import EmowatenPortalCase

# Real key presses, sent by the DevTools protocol as the keyboard sends them: the
# browser itself moves the focus on Tab, submits on Enter, ticks on Space and changes
# a list's choice on ArrowDown (events dispatched from the page's JavaScript would
# do none of that).
TITLE = ".o_emowaten_request_detail h1"
# Why the focused element's ring fails WCAG 1.4.11 (none, or under 3:1 against the
# background it is drawn on), or "" when it is fine.
FOCUS_RING_PROBLEM = """(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return "";
    const style = getComputedStyle(el);
    const width = parseFloat(style.outlineWidth) || 0;
    if (style.outlineStyle === "none" || width < 2) {
        return `no focus ring (outline ${style.outlineStyle} ${style.outlineWidth})`;
    }
    const parse = (color) => {
        const m = color.match(/rgba?\\(([^)]+)\\)/);
        if (!m) return null;
        const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number);
        return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 };
    };
    let node = el.parentElement;
    let bg = null;
    while (node && !bg) {
        const color = parse(getComputedStyle(node).backgroundColor);
        if (color && color.a > 0.5) bg = color;
        node = node.parentElement;
    }
    bg = bg || { r: 255, g: 255, b: 255 };
    const channel = (v) => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const lum = (c) =>
        0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
    const ring = parse(style.outlineColor);
    const [light, dark] = [lum(ring), lum(bg)].sort((x, y) => y - x);
    const ratio = (light + 0.05) / (dark + 0.05);
    const where = `rgb(${bg.r}, ${bg.g}, ${bg.b})`;
    return ratio >= 3
        ? ""
        : `focus ring ${style.outlineColor} on ${where}: ${ratio.toFixed(2)}:1`;
})()"""
KEYS = {
    "Tab": {"key": "Tab", "code": "Tab", "windowsVirtualKeyCode": 9},
    "Enter": {
        "key": "Enter",
        "code": "Enter",
        "windowsVirtualKeyCode": 13,
        "text": "\r",
    },
    "Space": {"key": " ", "code": "Space", "windowsVirtualKeyCode": 32, "text": " "},
    "ArrowDown": {"key": "ArrowDown", "code": "ArrowDown", "windowsVirtualKeyCode": 40},
}


@tagged("post_install", "-at_install")
class TestKeyboard(EmowatenPortalCase):
    """The filing form, tracking and the citizen's request page used with the
    keyboard alone, in a real browser; error messages take the focus (and are
    role="alert") so that screen readers announce them."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(
            ["emowaten_portal"], ["fr_FR"], overwrite=True
        )

    # ------------------------------------------------------------------ browser
    @contextlib.contextmanager
    def _browser(self, login=None):
        browser = ChromeBrowser(self)
        with self.allow_requests(browser=browser), contextlib.ExitStack() as stack:
            stack.callback(self._wait_remaining_requests)
            stack.enter_context(browser.cleanup)
            self.authenticate(login, login, browser=browser)
            self.cr.flush()
            self.cr.clear()
            self._kb = browser
            yield browser

    def _eval(self, expression):
        # pylint: disable=protected-access
        result = self._kb._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "returnByValue": True},
        )["result"]
        return result.get("value")

    def _wait(self, expression, what, timeout=20):
        deadline = time.time() + timeout
        last_error = None
        while time.time() < deadline:
            try:
                if self._eval(expression):
                    return
            except Exception as error:  # noqa: BLE001 - the page is being replaced
                last_error = error
            time.sleep(0.1)
        self.fail(f"timed out waiting for {what} (last error: {last_error})")

    def _loaded(self):
        self._wait(
            "document.readyState === 'complete' && !window.__emw_old_page",
            "the page to load",
        )
        # Odoo's public interactions (the focus moved to an error) start on load
        time.sleep(0.3)

    def _open(self, path):
        self._kb.navigate_to(self.base_url() + path, wait_stop=True)
        self._loaded()

    def _press(self, name):
        params = KEYS[name]
        # pylint: disable=protected-access
        self._kb._websocket_request(
            "Input.dispatchKeyEvent", params=dict(params, type="keyDown")
        )
        up = {k: v for k, v in params.items() if k != "text"}
        self._kb._websocket_request(
            "Input.dispatchKeyEvent", params=dict(up, type="keyUp")
        )

    def _type(self, text):
        for char in text:
            # pylint: disable=protected-access
            self._kb._websocket_request(
                "Input.dispatchKeyEvent",
                params={"type": "keyDown", "key": char, "text": char},
            )
            self._kb._websocket_request(
                "Input.dispatchKeyEvent", params={"type": "keyUp", "key": char}
            )

    def _submit_with(self, key="Enter"):
        """Press the key that submits, and wait for the next page."""
        self._eval("window.__emw_old_page = true")
        self._press(key)
        self._loaded()

    def _focused(self, selector):
        selector = json.dumps(selector)
        return self._eval(
            f"!!document.activeElement && document.activeElement.matches({selector})"
        )

    def _describe_focus(self):
        return self._eval(
            "(e => e ? e.tagName + (e.id ? '#' + e.id : '') + "
            "(e.className ? '.' + String(e.className).split(' ').join('.') : '')"
            " : 'none')"
            "(document.activeElement)"
        )

    def _check_focus_ring(self):
        problem = self._eval(FOCUS_RING_PROBLEM)
        self.assertFalse(problem, f"{self._describe_focus()}: {problem}")

    def _tab(self, selector):
        """One Tab must bring the focus to selector (the logical order), and the
        focus must be visible."""
        self._press("Tab")
        self.assertTrue(
            self._focused(selector),
            f"Tab went to {self._describe_focus()}, not to {selector}",
        )
        self._check_focus_ring()

    def _tab_to(self, selector, limit=40):
        """Tab until the focus reaches selector: it can be reached by keyboard."""
        seen = []
        for _i in range(limit):
            self._press("Tab")
            # every element on the way shows where the focus is
            self._check_focus_ring()
            if self._focused(selector):
                return
            seen.append(self._describe_focus())
        self.fail(f"{selector} not reached by Tab; focus went through {seen}")

    def _value(self, selector):
        return self._eval(f"document.querySelector({json.dumps(selector)}).value")

    def _choose(self, selector, value, limit=60):
        """ArrowDown on the focused list until it shows value."""
        for _i in range(limit):
            self._press("ArrowDown")
            if self._value(selector) == str(value):
                return
        self.fail(f"{value} not reached with ArrowDown in {selector}")

    # ------------------------------------------------------------------ tests
    def test_file_then_track_by_keyboard(self):
        with self._browser():
            self._open("/fr/emowaten/file")
            # the first Tab reaches the skip link, which leads to the content
            self._tab("a.o_skip_to_content")
            self._tab_to("#emw_type_id")
            self._choose("#emw_type_id", self.rtype.id)
            self._tab("#emw_subject")
            self._type("Broken streetlight")
            self._tab("#emw_description")
            self._type("Off for three weeks.")
            self._tab("#emw_state_id")
            self._choose("#emw_state_id", self.governorate.id)
            self._tab("#emw_attachments")
            self._tab("#emw_name")
            self._type("Amira Clavier")
            self._tab("#emw_cin")
            self._type("12")
            self._tab("#emw_phone")
            self._tab("#emw_email")
            self._type("amira@example.com")
            self._tab("#emw_consent")
            self._press("Space")
            self.assertTrue(
                self._eval("document.querySelector('#emw_consent').checked")
            )
            self._tab("form.o_emowaten_intake_form button[type=submit]")
            self._submit_with("Enter")
            # the page comes back with its errors: the focus is on the summary, an
            # alert, so a screen reader reads it at once
            self.assertTrue(
                self._focused("#emowaten_form_errors[role=alert]"),
                f"focus on {self._describe_focus()} after the errors",
            )
            self.assertTrue(self._eval("!!document.querySelector('#cin_error')"))
            # Tab from the summary goes on through the form; the CIN is corrected
            self._tab_to("#emw_cin")
            self._type("07654321")  # replaces the selected wrong value
            self._tab_to("form.o_emowaten_intake_form button[type=submit]")
            self._submit_with("Enter")
            code = self._eval(
                "document.querySelector('.o_emowaten_tracking_code').textContent.trim()"
            )
            self.assertRegex(code or "", r"^[A-Z0-9]{4}(-[A-Z0-9]{4}){3}$")
            # the footer's language selector is reached too, its focus visible
            self._tab_to(".js_language_selector > .dropdown-toggle")
            record = (
                self.env["emowaten.request"]
                .sudo()
                .search([("subject", "=", "Broken streetlight")])
            )
            self.assertEqual(record.partner_id.emowaten_cin, "07654321")

            # tracking: a wrong code first, then the right one, Enter in the field
            self._open("/fr/emowaten/track")
            self._tab_to("#emw_track_code")
            self._type("ABCD-EFGH-JKLM-NPQR")
            self._submit_with("Enter")
            self.assertTrue(
                self._focused("#emowaten_track_error[role=alert]"),
                f"focus on {self._describe_focus()} after a wrong code",
            )
            self._tab_to("#emw_track_code")
            self._type(code)
            self._submit_with("Enter")
            self._wait(
                f"!!document.querySelector({TITLE!r})",
                "the request page",
            )
            self.assertIn(
                "Broken streetlight",
                self._eval(f"document.querySelector({TITLE!r}).textContent"),
            )

    def test_request_page_by_keyboard(self):
        self.user_a.lang = "fr_FR"
        with self._browser(login="citizen_a"):
            self._open(f"/fr/my/requests/{self.request_a.id}")
            self._tab_to("#emw_reply_message")
            self._type("Here is the missing detail.")
            self._tab("#emw_reply_message + button[type=submit]")
            self._submit_with("Enter")
            self._wait("!!document.querySelector('.alert-success')", "the notice")
            self.assertIn(
                "Here is the missing detail.",
                self._eval("document.querySelector('.o_emowaten_history').textContent"),
            )
            # withdrawing: the required confirmation is ticked with Space
            self._tab_to("#emw_withdraw_reason")
            self._type("Solved")
            self._tab("#emw_withdraw_confirm")
            self._press("Space")
            self._tab("form[action$='/withdraw'] button[type=submit]")
            self._submit_with("Enter")
            self._wait("!!document.querySelector('.alert-success')", "the notice")
        self.request_a.invalidate_recordset()
        self.assertEqual(self.request_a.state, "withdrawn")
