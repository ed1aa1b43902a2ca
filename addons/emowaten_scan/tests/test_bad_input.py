"""Every kind of bad input gets a clear message on its line; the rest of the
batch goes on."""

import io
import struct
import zlib

from PyPDF2 import PdfReader, PdfWriter

from odoo.tests import tagged

from ..tools import ocr
from .common import ScanCase, png_to_pdf, small_page


def bomb_png(width=30000, height=30000):
    """A tiny PNG file whose header claims a huge 1-bit image (900 Mpx)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data))
        )

    row = b"\x00" + b"\xff" * ((width + 7) // 8)
    raw = zlib.compress(row * 50, 9)  # only a few rows: the header is what matters
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0))
        + chunk(b"IDAT", raw)
        + chunk(b"IEND", b"")
    )


def encrypted_pdf(pdf):
    reader = PdfReader(io.BytesIO(pdf))
    writer = PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@tagged("post_install", "-at_install")
class TestBadInput(ScanCase):
    def test_engine_errors(self):
        good_pdf = png_to_pdf([small_page("Bonjour")])
        cases = {
            "empty": b"",
            "unsupported": b"Hello, this is a text file\n",
            "corrupt": good_pdf[: len(good_pdf) // 2].replace(b"%%EOF", b""),
            "encrypted": encrypted_pdf(good_pdf),
            "bomb": bomb_png(),
        }
        for code, data in cases.items():
            with (
                self.subTest(code=code),
                self.assertRaises(ocr.ScanInputError) as caught,
            ):
                ocr.split_pages(data)
            self.assertEqual(caught.exception.code, code)
        with self.assertRaises(ocr.ScanInputError) as caught:
            ocr.split_pages(b"\x89PNG\r\n\x1a\n" + b"garbage" * 10)
        self.assertEqual(caught.exception.code, "corrupt")

    def test_batch_survives_bad_files(self):
        good_pdf = png_to_pdf([small_page("Lettre de demande de raccordement")])
        blank = png_to_pdf([small_page(" "), small_page("Seconde page lisible")])
        batch = self.make_batch(
            [
                ("notes.txt", b"plain text, not a scan"),
                ("broken.pdf", good_pdf[:300]),
                ("locked.pdf", encrypted_pdf(good_pdf)),
                ("huge.png", bomb_png()),
                ("empty.pdf", b""),
                ("blank-and-text.pdf", blank),
                ("good.pdf", good_pdf),
            ]
        )
        batch.action_process()
        self.run_workers()
        lines = {line.name: line for line in batch.line_ids}
        expected = {
            "notes.txt": "Unsupported file type",
            "broken.pdf": "damaged",
            "locked.pdf": "protected by a password",
            "huge.png": "too large",
            "empty.pdf": "empty",
        }
        for name, text in expected.items():
            self.assertEqual(lines[name].state, "error", name)
            self.assertIn(text, lines[name].message, name)
        self.assertIn(
            "Page 1: Blank page, skipped.", lines["blank-and-text.pdf"].message
        )
        self.assertEqual(lines["good.pdf"].state, "split")
        self.assertFalse(lines["good.pdf"].message)
        self.assertEqual(batch.state, "done")
        self.assertEqual(batch.error_count, 6)
        # the two readable pages became two new requests; nothing was lost
        self.assertEqual(len(batch.document_ids), 2)
        self.assertTrue(all(batch.document_ids.mapped("request_id")))
        self.assertIn(
            "raccordement", batch.document_ids[0].text + batch.document_ids[1].text
        )

    def test_messages_translated(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(
            ["emowaten_scan"], ["fr_FR"], overwrite=True
        )
        Line = self.env["emowaten.scan.line"].with_context(lang="fr_FR")
        self.assertIn("mot de passe", Line._emowaten_message_text("encrypted"))
        self.assertIn("vierge", Line._emowaten_message_text("blank"))
