"""Small real files of each kind, and the impostors the upload checks must refuse."""

import io
import struct
import zipfile
import zlib

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
EXE = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
    + b"\x00" * 48
    + b"This program cannot be run"
)


def png(width=2, height=2, colour=(200, 30, 30)):
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(output, format="PNG")
    return output.getvalue()


def jpeg_with_comment(comment):
    from PIL import Image

    output = io.BytesIO()
    Image.new("RGB", (4, 4), (10, 120, 200)).save(output, format="JPEG", comment=comment)
    return output.getvalue()


def bomb_png(width=9000, height=9000):
    """A PNG of a few dozen bytes that declares millions of pixels: decoding it would take hundreds of MB."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def _zip(entries, *, stored_first=False):
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
        for position, (name, data) in enumerate(entries):
            compression = zipfile.ZIP_STORED if stored_first and position == 0 else zipfile.ZIP_DEFLATED
            archive.writestr(name, data, compress_type=compression)
    return output.getvalue()


WORD_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"


def docx(main=WORD_MAIN, extra=()):
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/></Types>'
    )
    return _zip([("[Content_Types].xml", content_types), ("word/document.xml", "<w:document/>"), *extra])


def docm():
    return docx(
        main="application/vnd.ms-word.document.macroEnabled.main+xml",
        extra=[("word/vbaProject.bin", b"\x00macro")],
    )


def xlsx():
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.append(["email", "role"])
    workbook.active.append(["lea@acme.example", "mentor"])
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def odt():
    return _zip(
        [("mimetype", "application/vnd.oasis.opendocument.text"), ("content.xml", "<office:document/>")],
        stored_first=True,
    )


def plain_zip():
    return _zip([("notes.txt", "hello")])
