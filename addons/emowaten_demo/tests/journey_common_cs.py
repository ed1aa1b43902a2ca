"""Shared machinery of the citizen and signatory journeys on the demo database.

The journeys are real browser tours (``HttpCase.start_tour``). Each one saves a
screenshot of its last screen (a tour can pass on a page nobody can read) under
``$EMOWATEN_ARTEFACTS`` or, by default, ``<repository>/.run/screenshots``, and logs how
long it took.
"""

import base64
import contextlib
import logging
import os
import time
from pathlib import Path
from unittest.mock import patch

from odoo.tests import HttpCase
from odoo.tests.common import ChromeBrowser

_logger = logging.getLogger(__name__)

DEMO_PASSWORD = "emowaten"  # every demo user's password (emowaten_base demo data)
LANG_URL_CODES = {"ar_001": "ar", "fr_FR": "fr"}
# a tour step logging this, followed by a name, has the screen saved under that name
SCREENSHOT_SIGNAL = "emowaten-screenshot:"


def artefacts_dir():
    folder = os.environ.get("EMOWATEN_ARTEFACTS")
    if folder:
        path = Path(folder)
    else:
        path = Path(__file__).resolve().parents[3] / ".run" / "screenshots"
    path.mkdir(parents=True, exist_ok=True)
    return path


def minimal_pdf(text="e-Mowaten journey document"):
    """A small valid one-page PDF, built by hand so that no library is needed."""
    stream = f"BT /F1 18 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


class JourneyCase(HttpCase):
    """Base class of the demo journeys: screenshots of the last screen and timings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, mail_notrack=True, no_reset_password=True)
        )
        for code in LANG_URL_CODES:
            cls.env["res.lang"]._activate_lang(code)
        # a journey files and tracks from 127.0.0.1 like every other test of the run:
        # the portal's anti-abuse limits must not refuse it
        params = cls.env["ir.config_parameter"].sudo()
        for scope in ("intake_ip", "intake_cin", "track_ip"):
            params.set_param(f"emowaten_portal.{scope}_limit", 1000)

    def _screenshot(self, browser, name):
        """Save the whole page currently shown by the browser as a PNG."""
        try:
            # a page left scrolled (an anchor, a redirect to #actions) is taken
            # from its top
            browser._websocket_request(
                "Runtime.evaluate", params={"expression": "window.scrollTo(0, 0)"}
            )
            metrics = browser._websocket_request("Page.getLayoutMetrics")
            content = metrics.get("cssContentSize") or {}
            viewport = metrics.get("cssLayoutViewport") or {}
            params = {"format": "png"}
            # pages longer than the window (the portal's) are taken whole; the web
            # client scrolls inside the window and is taken as shown. The content's
            # origin is not 0 on right-to-left pages.
            if content.get("height", 0) > viewport.get("clientHeight", 0) + 1:
                params.update(
                    captureBeyondViewport=True,
                    clip={
                        "x": content.get("x", 0),
                        "y": content.get("y", 0),
                        "width": content["width"],
                        "height": min(content["height"], 6000),
                        "scale": 1,
                    },
                )
            result = browser._websocket_request(
                "Page.captureScreenshot", params=params, timeout=30
            )
            path = artefacts_dir() / f"{name}.png"
            path.write_bytes(base64.b64decode(result["data"]))
            _logger.info("Journey screenshot saved: %s", path)
        except Exception as error:  # noqa: BLE001  a screenshot must not fail a run
            _logger.info("Journey screenshot %s could not be taken: %s", name, error)

    @contextlib.contextmanager
    def _capturing_last_screen(self, name):
        """Take a screenshot when the tour ends, passed or failed, before the browser
        is closed; and one of the window each time a step logs
        ``emowaten-screenshot:<suffix>`` (a screen in the middle of the journey)."""
        original = ChromeBrowser._wait_code_ok
        original_console = ChromeBrowser._handle_console
        case = self

        def wait_code_ok(browser, *args, **kwargs):
            try:
                return original(browser, *args, **kwargs)
            finally:
                case._screenshot(browser, name)

        def handle_console(browser, type, args=None, **kwargs):  # noqa: A002
            first = (args or [{}])[0].get("value")
            if isinstance(first, str) and first.startswith(SCREENSHOT_SIGNAL):
                path = artefacts_dir() / f"{name}_{first[len(SCREENSHOT_SIGNAL) :]}.png"

                def save(future):
                    try:
                        path.write_bytes(base64.b64decode(future.result()["data"]))
                        _logger.info("Journey screenshot saved: %s", path)
                    except Exception as error:  # noqa: BLE001
                        _logger.info("Journey screenshot %s failed: %s", path, error)

                # from the browser's receiving thread: ask, and save on the answer
                future = browser._websocket_send(
                    "Page.captureScreenshot", params={"format": "png"}, with_future=True
                )
                if future:
                    future.add_done_callback(save)
            return original_console(browser, type, args=args, **kwargs)

        with (
            patch.object(ChromeBrowser, "_wait_code_ok", wait_code_ok),
            patch.object(ChromeBrowser, "_handle_console", handle_console),
        ):
            yield

    def run_journey(self, url, tour, name, login=None, cookies=None, timeout=180):
        """Run one tour, screenshot its last screen, log and return its duration.

        ``cookies`` pass the journey's data to the tour (emowaten_journey_*)."""
        start = time.monotonic()
        self._tour_failure = None
        with self._capturing_last_screen(name):
            try:
                self.start_tour(
                    url, tour, login=login, cookies=cookies or {}, timeout=timeout
                )
            except AssertionError as failure:
                # checked after what the journey stored: a tour failing on its last
                # step must not hide a defect of the data it produced
                self._tour_failure = failure
        duration = time.monotonic() - start
        _logger.info("Journey %s took %.1f s", name, duration)
        return duration

    @contextlib.contextmanager
    def checking_after_tour(self):
        """Check what the journey stored, then fail with the tour's own failure if
        it failed; both are reported when both fail."""
        try:
            yield
        except AssertionError as check:
            if self._tour_failure:
                raise AssertionError(
                    f"{self._tour_failure}\n\nChecked after the tour: {check}"
                ) from check
            raise
        if self._tour_failure:
            raise self._tour_failure
