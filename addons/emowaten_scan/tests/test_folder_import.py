import os
import tempfile
import time

from odoo.tests import tagged

from .common import ScanCase, png_to_pdf, small_page


@tagged("post_install", "-at_install")
class TestFolderImport(ScanCase):
    def test_import_scanner_folder(self):
        with tempfile.TemporaryDirectory() as folder:
            old = time.time() - 60
            for name, data in (
                ("scan-001.pdf", png_to_pdf([small_page("Lettre du scanner")])),
                ("scan-002.png", small_page("Deuxième lettre")),
                ("readme.txt", b"not a scan"),
                (".hidden.pdf", b"%PDF-"),
            ):
                path = os.path.join(folder, name)
                with open(path, "wb") as fh:
                    fh.write(data)
                os.utime(path, (old, old))
            # still being written by the scanner: left for the next run
            with open(os.path.join(folder, "scan-003.pdf"), "wb") as fh:
                fh.write(b"%PDF-1.4 partial")
            self.office.scan_folder = folder
            Batch = self.env["emowaten.scan.batch"]
            before = Batch.search([])
            with self.enter_registry_test_mode():
                self.env.ref(
                    "emowaten_scan.ir_cron_scan_import_folders"
                ).method_direct_trigger()
            batch = Batch.search([]) - before
            self.assertEqual(len(batch), 1)
            self.assertEqual(batch.source, "folder")
            self.assertEqual(batch.state, "queued")
            self.assertEqual(
                sorted(batch.line_ids.mapped("name")), ["scan-001.pdf", "scan-002.png"]
            )
            left = sorted(os.listdir(folder))
            self.assertEqual(
                left, [".hidden.pdf", "imported", "readme.txt", "scan-003.pdf"]
            )
            self.assertEqual(len(os.listdir(os.path.join(folder, "imported"))), 2)
            # a second run imports nothing new
            self.assertEqual(Batch._emowaten_import_folder(self.office)[0], Batch)

    def test_folder_must_be_absolute(self):
        from odoo.exceptions import ValidationError  # noqa: PLC0415

        with self.assertRaises(ValidationError):
            self.office.scan_folder = "relative/path"
        with self.assertRaises(ValidationError):
            self.office.scan_lang = "ara+xyz"
