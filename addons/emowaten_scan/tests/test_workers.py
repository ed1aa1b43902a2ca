"""Background workers: progress, crash and resume, two workers without double work."""

import threading
import uuid
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests import BaseCase, get_db_name, tagged

from ..tools import ocr
from .common import ScanCase, png_to_pdf, small_page


class SimulatedCrash(BaseException):
    """Stands for a killed worker process: not an Exception, nothing catches it."""


@tagged("post_install", "-at_install")
class TestWorkers(ScanCase):
    def test_process_does_not_block_and_progress(self):
        pages = [small_page(f"Page numero {i}") for i in range(3)]
        batch = self.make_batch([("a.pdf", png_to_pdf(pages))])
        batch.action_process()
        # nothing is done in the user's transaction: the workers do it
        self.assertEqual(batch.state, "queued")
        self.assertFalse(batch.page_ids)
        self.assertEqual(batch.progress, 0.0)
        self.run_workers(max_units=1)  # split
        self.assertEqual((batch.page_done_count, batch.page_count), (0, 3))
        self.run_workers(max_units=1)  # one OCR
        self.assertEqual((batch.page_done_count, batch.page_count), (1, 3))
        self.run_workers()
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.page_ids.mapped("ocr_count"), [1, 1, 1])

    def test_crash_and_resume(self):
        pages = [small_page(f"Courrier {i}") for i in range(4)]
        batch = self.make_batch([("a.pdf", png_to_pdf(pages))])
        batch.action_process()
        real_ocr_page = ocr.ocr_page
        calls = []

        def crash_on_third(*args, **kwargs):
            calls.append(1)
            if len(calls) == 3:
                raise SimulatedCrash()
            return real_ocr_page(*args, **kwargs)

        # not assertRaises: Odoo's rolls the test cursor back to before the block, which
        # would also undo what the worker committed
        crashed = False
        with patch.object(ocr, "ocr_page", crash_on_third):
            try:
                self.run_workers()
            except SimulatedCrash:
                crashed = True
        self.assertTrue(crashed)
        self.env.invalidate_all()
        # the two committed pages stay done, the page being processed was rolled back
        self.assertEqual(
            sorted(batch.page_ids.mapped("state")), ["done", "done", "queued", "queued"]
        )
        self.assertEqual(batch.state, "queued")
        self.run_workers()
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.page_ids.mapped("ocr_count"), [1, 1, 1, 1])
        self.assertEqual(len(batch.document_ids), 1)
        self.assertEqual(batch.document_ids.page_count, 4)

    def test_unexpected_error_keeps_worker_alive(self):
        batch = self.make_batch(
            [("a.pdf", png_to_pdf([small_page("Un"), small_page("Deux")]))]
        )
        batch.action_process()
        real_ocr_page = ocr.ocr_page
        calls = []

        def fail_first(*args, **kwargs):
            calls.append(1)
            if len(calls) == 1:
                raise RuntimeError("tesseract killed")
            return real_ocr_page(*args, **kwargs)

        with (
            patch.object(ocr, "ocr_page", fail_first),
            self.assertLogs(
                "odoo.addons.emowaten_scan.models.emowaten_scan_page", "ERROR"
            ),
        ):
            self.run_workers()
        self.assertEqual(sorted(batch.page_ids.mapped("state")), ["done", "error"])
        self.assertIn("Text recognition failed", batch.line_ids.message)
        self.assertEqual(batch.state, "done")


@tagged("post_install", "-at_install")
class TestConcurrentWorkers(BaseCase):
    """Two real workers (threads, each with its own database connection) on committed
    data: the row locks are PostgreSQL's, nothing is simulated. No test transaction is
    open (BaseCase), so nothing else holds locks; the test removes its data itself."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def test_two_workers_no_double_work(self):
        registry = self.registry
        suffix = uuid.uuid4().hex[:8]
        ctx = {
            "mail_create_nolog": True,
            "mail_notrack": True,
            "emowaten_no_receipt": True,
        }
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, ctx)
            body = env["emowaten.body"].create(
                {
                    "name": "Concurrency",
                    "code": f"SCAN-CONC-{suffix}",
                    "body_type": "governorate",
                }
            )
            office = env["emowaten.office"].create(
                {
                    "name": "Concurrency",
                    "code": f"SCANC-{suffix}",
                    "reference_prefix": "SCC",
                    "body_id": body.id,
                    "scan_lang": "fra",
                }
            )
            batch = env["emowaten.scan.batch"].create({"office_id": office.id})
            pages = [small_page(f"Page {i} du courrier") for i in range(6)]
            batch._emowaten_add_files(
                [("a.pdf", png_to_pdf(pages[:3])), ("b.pdf", png_to_pdf(pages[3:]))]
            )
            batch.action_process()
            ids = {"body": body.id, "office": office.id, "batch": batch.id}
        try:
            units = {}
            errors = []
            start = threading.Barrier(2, timeout=60)

            def worker(name):
                thread = threading.current_thread()
                thread.dbname = registry.db_name
                try:
                    with registry.cursor() as wcr:
                        # the test runner holds the registry class lock while tests run:
                        # give the cursor its transaction instead of looking it up
                        wcr.transaction = Transaction(registry)
                        wenv = api.Environment(wcr, SUPERUSER_ID, ctx)
                        start.wait()  # both workers connected: they really compete
                        units[name] = wenv["emowaten.scan.page"]._cron_process_queue()
                except Exception as exc:  # noqa: BLE001 - reported to the main thread
                    errors.append(exc)

            threads = [threading.Thread(target=worker, args=(n,)) for n in ("w1", "w2")]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=600)
            self.assertFalse(errors)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                batch = env["emowaten.scan.batch"].browse(ids["batch"])
                self.assertEqual(batch.state, "done")
                self.assertEqual(batch.page_ids.mapped("ocr_count"), [1] * 6)
                self.assertEqual(len(batch.document_ids), 2)
                # 2 splits + 6 OCR + 1 dispatch, shared by the two workers
                self.assertEqual(sum(units.values()), 9)
                self.assertTrue(all(units.values()), f"both workers took work: {units}")
        finally:
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, ctx)
                batch = env["emowaten.scan.batch"].browse(ids["batch"])
                requests = batch.document_ids.request_id
                attachments = env["ir.attachment"].search(
                    [
                        "|",
                        "&",
                        ("res_model", "=", "emowaten.request"),
                        ("res_id", "in", requests.ids),
                        "&",
                        ("res_model", "=", "emowaten.scan.batch"),
                        ("res_id", "=", batch.id),
                    ]
                )
                requests.unlink()
                batch.unlink()
                attachments.exists().unlink()
                env["emowaten.office"].browse(ids["office"]).unlink()
                env["emowaten.body"].browse(ids["body"]).unlink()
