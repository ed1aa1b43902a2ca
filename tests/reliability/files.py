"""Hostile files for the upload tests: decompression bombs, PDF bombs, polyglots and
files whose extension lies. Built in memory, small on the wire, huge once expanded."""

import functools
import io
import struct
import zipfile
import zlib


def _pdf(objects, root=1, extra_trailer=""):
    """A PDF with a correct cross-reference table from ``objects`` (in order)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(f"{number} 0 obj\n".encode() + body + b"\nendobj\n")
    xref = out.tell()
    out.write(f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode())
    for offset in offsets:
        out.write(f"{offset:010d} 00000 n \n".encode())
    out.write(
        f"trailer\n<< /Size {len(objects) + 1} /Root {root} 0 R {extra_trailer}>>\n"
        f"startxref\n{xref}\n%%EOF\n".encode()
    )
    return out.getvalue()


MINIMAL_PDF = _pdf(
    [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
        b"<< /Length 21 >>\nstream\nBT /F1 12 Tf (x) Tj ET\nendstream",
    ]
)


def _stream(data, filters="/FlateDecode"):
    return (
        f"<< /Length {len(data)} /Filter {filters} >>\nstream\n".encode()
        + data
        + b"\nendstream"
    )


def _png(width, height, rows):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", rows)
        + chunk(b"IEND", b"")
    )


@functools.cache
def _zeros_deflated(size):
    compressor = zlib.compressobj(1)
    block = bytes(1 << 20)
    out = [compressor.compress(block) for _ in range(size >> 20)]
    return b"".join(out) + compressor.flush()


@functools.cache
def hostile_files():
    """{kind: (file name, content, declared content type)}"""
    zip_buffer = io.BytesIO()
    with zipfile.ZipFile(zip_buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for index in range(4):
            archive.writestr(f"zeros{index}.bin", bytes(32 << 20))
    zip_bomb = zip_buffer.getvalue()
    flate_bomb = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
            _stream(_zeros_deflated(128 << 20)),
        ]
    )
    deep = b"[" * 50000 + b"]" * 50000
    nested = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R /Deep " + deep + b" >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )
    many_pages = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Count 1000000 /Kids [" + b"3 0 R " * 200000 + b"] >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
        ]
    )
    # a page tree that points back at itself, and an xref /Prev loop
    loop = _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>",
        ],
        extra_trailer="/Prev 9 ",
    )
    # 169 megapixels: under Pillow's hard limit, so a decoder really expands it
    width = 13000
    png_bomb = _png(width, width, _zeros_deflated(((width + 1) * width >> 20) << 20))
    script = b"<html><body><script>alert(document.cookie)</script></body></html>"
    return {
        "zip_bomb_as_pdf": ("scan.pdf", zip_bomb, "application/pdf"),
        "zip_bomb": ("documents.zip", zip_bomb, "application/zip"),
        "pdf_flate_bomb": ("letter.pdf", flate_bomb, "application/pdf"),
        "pdf_deep_nesting": ("nested.pdf", nested, "application/pdf"),
        "pdf_million_pages": ("pages.pdf", many_pages, "application/pdf"),
        "pdf_reference_loop": ("loop.pdf", loop, "application/pdf"),
        "png_decompression_bomb": ("photo.png", png_bomb, "image/png"),
        "jpeg_html_polyglot": ("photo.jpg", b"\xff\xd8\xff\xe0" + script, "image/jpeg"),
        "pdf_html_polyglot": ("letter.pdf", b"%PDF-1.4\n" + script, "application/pdf"),
        "pdf_zip_polyglot": ("letter.pdf", MINIMAL_PDF + zip_bomb, "application/pdf"),
        "html_named_pdf": ("letter.pdf", script, "application/pdf"),
        "svg_named_png": (
            "photo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
            "image/png",
        ),
        "exe_named_jpg": ("photo.jpg", b"MZ\x90\x00" + bytes(1000), "image/jpeg"),
        "pdf_named_html": ("page.html", MINIMAL_PDF, "text/html"),
        "oversized_pdf": ("big.pdf", MINIMAL_PDF + bytes(6 << 20), "application/pdf"),
        "empty_file": ("empty.pdf", b"", "application/pdf"),
        "path_traversal_name": (
            "../../../../etc/passwd.pdf",
            MINIMAL_PDF,
            "application/pdf",
        ),
        "nul_in_name": ("letter.pdf\x00.html", MINIMAL_PDF, "application/pdf"),
    }
