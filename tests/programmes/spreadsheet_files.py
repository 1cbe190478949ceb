"""Spreadsheet files for the import's limits: the largest ones they admit, and bombs.

Used by tests/programmes/test_spreadsheet_bombs.py and by bench/import.py. A bomb is a real workbook
written by openpyxl whose archive members are then rewritten, as an attacker would.
"""

import io
import random
import re
import string
import zipfile

from openpyxl import Workbook

HEADER = ["email", "first_name", "last_name", "role", "department"]


def workbook_bytes(rows):
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def rewrite(content, replace=None, add=None, compression=zipfile.ZIP_DEFLATED):
    """The workbook with members rewritten ({name: function(bytes) -> bytes}) or added ({name: bytes})."""
    replace, add = replace or {}, add or {}
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression, compresslevel=9) as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename in replace:
                data = replace[member.filename](data)
            target.writestr(member.filename, data)
        for name, data in add.items():
            target.writestr(name, data)
    return buffer.getvalue()


SHARED_STRINGS_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def _people(count):
    return [[f"p{number}@acme.example", "Léa", "Martin", "mentor", "IT"] for number in range(count)]


def declared_dimension_bomb(ref="A1:XFD1048576"):
    """A 2 KB workbook whose sheet says it spans ``ref``: readers that trust it fill every cell."""
    content = workbook_bytes([HEADER, *_people(1)])
    return rewrite(
        content,
        replace={
            "xl/worksheets/sheet1.xml": lambda xml: re.sub(rb'ref="A1:E2"', f'ref="{ref}"'.encode(), xml)
        },
    )


def far_row_bomb(line=1048576):
    """No dimension at all, and one cell on the sheet's last line: the rows in between are filled in."""

    def move(xml):
        xml = re.sub(rb"<dimension [^>]*>", b"", xml)
        return re.sub(rb'r="([A-E]?)2"', lambda match: b'r="%s%d"' % (match.group(1), line), xml)

    return rewrite(workbook_bytes([HEADER, *_people(1)]), replace={"xl/worksheets/sheet1.xml": move})


def shared_strings_bomb(count=3_000_000):
    """A few MB of zip holding millions of tiny shared strings (a gigabyte once parsed)."""
    table = (
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        + b"<si><t>a</t></si>" * count
        + b"</sst>"
    )

    def declare(types):
        return types.replace(b"</Types>", SHARED_STRINGS_TYPE + b"</Types>")

    content = workbook_bytes([HEADER, *_people(1)])
    return rewrite(content, replace={"[Content_Types].xml": declare}, add={"xl/sharedStrings.xml": table})


def high_ratio_member(size=20 * 1024 * 1024):
    """A workbook carrying one member of zeros that unpacks to ``size`` bytes from a few kilobytes."""
    return rewrite(workbook_bytes([HEADER, *_people(1)]), add={"xl/media/image1.bin": b"\0" * size})


def many_members(count=5000):
    return rewrite(
        workbook_bytes([HEADER, *_people(1)]), add={f"xl/media/{n}.bin": b"" for n in range(count)}
    )


def largest_rows(rows, columns, cell_chars, seed=42, compressible=False):
    """Header + ``rows`` rows of ``columns`` cells of ``cell_chars`` characters, valid people: random
    letters (every text distinct, the most shared strings), or, ``compressible``, words that a zip packs
    tightly (the most data once unpacked)."""
    generator = random.Random(seed)
    letters = string.ascii_letters + "éèàç "
    extra = [f"note_{number}" for number in range(columns - len(HEADER))]
    table = [HEADER + extra]

    def text(row, column):
        if compressible:
            return (f"{row}-{column} " + "Direction des systèmes d'information " * cell_chars)[:cell_chars]
        return "".join(generator.choices(letters, k=cell_chars)).strip() or "x"

    for number in range(rows):
        filler = [text(number, column) for column in range(len(extra))]
        table.append([f"person{number}@acme.example", "Léa", "Martin", "mentor", "IT", *filler])
    return table


def csv_bytes(table):
    import csv

    buffer = io.StringIO()
    csv.writer(buffer).writerows(table)
    return buffer.getvalue().encode("utf-8")


def shared_strings_workbook(table):
    """``table`` as Excel writes it: every text once in the shared strings, cells pointing at them."""
    from openpyxl.utils import get_column_letter

    from mentoring.spreadsheets import neutralise

    def escape(text):
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    strings, index, rows = [], {}, []
    letters = [get_column_letter(column) for column in range(1, max(map(len, table)) + 1)]
    for line, row in enumerate(table, start=1):
        cells = []
        for letter, value in zip(letters, row, strict=False):
            value = neutralise(value)
            if value not in index:
                index[value] = len(strings)
                strings.append(f"<si><t>{escape(value)}</t></si>")
            cells.append(f'<c r="{letter}{line}" t="s"><v>{index[value]}</v></c>')
        rows.append(f'<row r="{line}">{"".join(cells)}</row>')
    last = f"{letters[-1]}{len(table)}"
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="A1:{last}"/><sheetData>{"".join(rows)}</sheetData></worksheet>'
    ).encode()
    shared = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{sum(map(len, table))}" uniqueCount="{len(strings)}">{"".join(strings)}</sst>'
    ).encode()
    return rewrite(
        workbook_bytes([["x"]]),
        replace={
            "xl/worksheets/sheet1.xml": lambda _xml: sheet,
            "[Content_Types].xml": lambda types: types.replace(
                b"</Types>", SHARED_STRINGS_TYPE + b"</Types>"
            ),
        },
        add={"xl/sharedStrings.xml": shared},
    )


def lying_member(inflated=100 * 1024 * 1024, name="xl/styles.xml", plausible=False):
    """A member whose headers declare a small size (with the checksum of that much), while its stream
    inflates to ``inflated`` more bytes: zipfile stops at the declared size, after inflating everything at
    once. Its own size, or, ``plausible``, its compressed size (a ratio of 1: nothing to see)."""
    import struct
    import zlib

    original = zipfile.ZipFile(io.BytesIO(workbook_bytes([HEADER, *_people(1)])))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for member in original.infolist():
            data = original.read(member)
            if member.filename != name:
                target.writestr(member.filename, data)
                continue
            truthful = data
            with target.open(name, "w", force_zip64=False) as stream:
                stream.write(data)
                for _ in range(inflated // (1024 * 1024)):
                    stream.write(b" " * 1024 * 1024)
    content = bytearray(buffer.getvalue())
    declared = truthful
    if plausible:
        compressed = zipfile.ZipFile(io.BytesIO(bytes(content))).getinfo(name).compress_size
        declared = (truthful + b" " * compressed)[:compressed]
    crc = zlib.crc32(declared)
    for signature, offset in ((b"PK\x03\x04", 14), (b"PK\x01\x02", 16)):
        position = content.find(signature)
        while position != -1:
            length_at = 26 if signature == b"PK\x03\x04" else 28
            name_at = 30 if signature == b"PK\x03\x04" else 46
            (name_length,) = struct.unpack_from("<H", content, position + length_at)
            if bytes(content[position + name_at : position + name_at + name_length]) == name.encode():
                struct.pack_into("<I", content, position + offset, crc)
                struct.pack_into("<I", content, position + offset + 8, len(declared))
            position = content.find(signature, position + 4)
    return bytes(content)
