"""Every CSV and XLSX cell Binôme writes, and every spreadsheet it reads.

Writing: a spreadsheet program runs a cell that starts with = + - @, a tab or a carriage return as a
formula (OWASP's "CSV injection"), and some also after blank or invisible characters or with the
full-width forms of those signs. Such text gets one leading apostrophe, in CSV and XLSX alike, and XLSX
text is always stored as text, never as a formula; numbers stay numbers.

Reading undoes exactly that apostrophe (``restore``), so a file Binôme exported imports back unchanged,
e-mail addresses such as ``+tag@example.com`` included.

Reading is bounded before anything is parsed: an XLSX is a zip whose few kilobytes can declare a sheet
of 17 billion cells or unpack to gigabytes of shared strings. The sizes the archive declares, the
compression ratio, the number of members, the sheet's declared dimension, its row numbers and its
number of cells and shared strings are checked first, in about the time it takes to unpack the file;
the sheet is then read row by row within those bounds. Limits are settings (``IMPORT_MAX_*``).
"""

import codecs
import csv
import functools
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.utils.formats import number_format
from django.utils.translation import gettext

LATIN_1 = "cp1252"

# Characters that make a spreadsheet evaluate a cell, with their full-width and small forms and the minus
# sign, which some programs read as the ASCII ones.
FORMULA_SIGNS = frozenset("=+-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b\u2212")
QUOTE = "'"
# What XML 1.0, hence XLSX, cannot hold at all.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def needs_quote(text):
    """True when a spreadsheet could run the text, or when it already looks like quoted text.

    Apostrophes already at the start count too: "'=1" is written "''=1", so that ``restore`` can tell
    the apostrophe Binôme added from one that is part of the data.
    """
    first = text.lstrip(QUOTE)[:1]
    return bool(first) and (
        first in FORMULA_SIGNS or first.isspace() or unicodedata.category(first) in ("Cc", "Cf", "Zl", "Zp")
    )


def neutralise(value):
    """The value as a cell: numbers as they are, anything else as text that no spreadsheet runs."""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int | float | Decimal):
        return value
    text = "" if value is None else str(value)
    return QUOTE + text if needs_quote(text) else text


def restore(text):
    """Undo ``neutralise``: the one apostrophe it put before text a spreadsheet could run."""
    if text[:1] == QUOTE and needs_quote(text[1:]):
        return text[1:]
    return text


def csv_bytes(rows, *, delimiter=","):
    """Rows as a UTF-8 CSV file that Excel opens with its accents (byte-order mark), every cell inert."""
    buffer = io.StringIO()
    buffer.write("\ufeff")
    csv.writer(buffer, delimiter=delimiter).writerows([neutralise(value) for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def xlsx_bytes(rows, *, title, widths=(), bold_header=True):
    """Rows as an XLSX workbook of one sheet: text cells are text, never formulas, numbers are numbers."""
    return xlsx_workbook_bytes([(title, rows, widths)], bold_header=bold_header)


def xlsx_workbook_bytes(sheets, *, bold_header=True):
    """An XLSX workbook of several sheets, each ``(title, rows, widths)``, every cell as ``xlsx_bytes``
    writes it. Titles are cut to Excel's 31 characters."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    for title, rows, widths in sheets:
        _write_sheet(workbook, rows, title=title, widths=widths, bold_header=bold_header)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_sheet(workbook, rows, *, title, widths, bold_header):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(str(title)[:31])
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    for number, row in enumerate(rows):
        cells = []
        for value in row:
            value = neutralise(value)
            if isinstance(value, str):
                value = _NOT_IN_XML.sub("", value)
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # openpyxl makes any text starting with "=" a formula; the apostrophe above already
                # prevents it, and a text cell is text whatever it holds.
                cell.data_type = "s"
            if number == 0 and bold_header:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)


# Reading -------------------------------------------------------------------------------------------------


class UnreadableSpreadsheet(Exception):
    """A file refused before or while reading it; the message says why and what to do."""


UTF_16 = "utf-16"


@dataclass
class Sheet:
    """What a file holds, as the person sees it in their spreadsheet program.

    ``lines`` are the non-blank lines, each with the number the program shows beside it (blank lines
    counted), so that an error can point at the line the person will look for.
    """

    lines: list[tuple[int, list[str]]]
    name: str = ""  # the sheet's tab name (XLSX); a CSV has none
    encoding: str = ""  # "" for UTF-8, else LATIN_1 or UTF_16: the program saved it otherwise
    delimiter: str = ","
    merged: list[str] = field(default_factory=list)  # the merged ranges whose value fills every cell


@dataclass(frozen=True)
class Limits:
    upload_bytes: int
    rows: int
    columns: int
    cells: int
    cell_chars: int
    uncompressed_bytes: int
    compression_ratio: int
    zip_members: int

    @classmethod
    def from_settings(cls):
        return cls(
            upload_bytes=settings.IMPORT_MAX_UPLOAD_BYTES,
            rows=settings.IMPORT_MAX_ROWS,
            columns=settings.IMPORT_MAX_COLUMNS,
            cells=settings.IMPORT_MAX_CELLS,
            cell_chars=settings.IMPORT_MAX_CELL_CHARS,
            uncompressed_bytes=settings.IMPORT_MAX_UNCOMPRESSED_BYTES,
            compression_ratio=settings.IMPORT_MAX_COMPRESSION_RATIO,
            zip_members=settings.IMPORT_MAX_ZIP_MEMBERS,
        )

    @property
    def lines(self):
        """Lines a sheet may span: the column names and the rows, blank lines included."""
        return self.rows + 1


def number(value):
    """A count or size as the reader writes it ("10 000", "2,5" in French): only for text people read."""
    return number_format(value, force_grouping=True)


def megabytes(size):
    """Bytes as megabytes with at most one decimal, formatted for the reader ("5", "2,5")."""
    value = round(size / 1024 / 1024, 1)
    return number(int(value) if value == int(value) else value)


def too_large_message(size, limits):
    return gettext("The file is too large (%(size)s MB): the limit is %(limit)s MB.") % {
        "size": megabytes(size),
        "limit": megabytes(limits.upload_bytes),
    }


def too_many_rows_message(count, limit):
    return gettext("The file has %(count)s rows: import at most %(max)s at a time.") % {
        "count": number(count),
        "max": number(limit),
    }


def _too_many_rows(count, limits):
    return UnreadableSpreadsheet(too_many_rows_message(count, limits.rows))


def _too_many_columns(limits):
    return UnreadableSpreadsheet(
        gettext(
            "The file has more than %(max)s columns: keep only the columns to import and upload it again."
        )
        % {"max": number(limits.columns)}
    )


def _cell_too_long(where, limits, sheet=""):
    if sheet:
        return UnreadableSpreadsheet(
            gettext("Cell %(cell)s of sheet “%(sheet)s” is longer than %(max)s characters.")
            % {"cell": where, "sheet": sheet, "max": number(limits.cell_chars)}
        )
    return UnreadableSpreadsheet(
        gettext("Cell %(cell)s is longer than %(max)s characters.")
        % {"cell": where, "max": number(limits.cell_chars)}
    )


def _sheet_too_big(lines, columns, limits):
    return UnreadableSpreadsheet(
        gettext(
            "The sheet spans %(lines)s lines and %(columns)s columns: at most %(max_lines)s lines (the column "
            "names and %(max_rows)s rows) and %(max_columns)s columns are read. Delete the empty lines and "
            "columns after your data, or split the file."
        )
        % {
            "lines": number(lines),
            "columns": number(columns),
            "max_lines": number(limits.lines),
            "max_rows": number(limits.rows),
            "max_columns": number(limits.columns),
        }
    )


def _cannot_open():
    return UnreadableSpreadsheet(gettext("This Excel file cannot be opened: save it again as .xlsx or CSV."))


def _not_a_spreadsheet():
    # A zip that unpacks to far more than any sheet of the allowed size: a "zip bomb".
    return UnreadableSpreadsheet(
        gettext("This Excel file unpacks to more data than a sheet of the allowed size: it is not read.")
    )


def _cannot_read_csv():
    return UnreadableSpreadsheet(
        gettext(
            "This file cannot be read as CSV: save it again from your spreadsheet program as “CSV UTF-8” "
            "or “Unicode text”, then upload it again."
        )
    )


def decode_text(content):
    """(text, encoding) of a text file: UTF-8, Excel's "Unicode text" (UTF-16 with its byte-order mark),
    or Excel on Windows' "CSV", in its ANSI code page (LATIN_1)."""
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return content.decode("utf-16"), UTF_16
        except UnicodeDecodeError:
            raise _cannot_read_csv() from None
    try:
        return content.decode("utf-8-sig"), ""
    except UnicodeDecodeError:
        return content.decode(LATIN_1, errors="replace"), LATIN_1


def read_csv(content, limits):
    """The file's non-blank lines as a Sheet, streamed within the limits.

    Lines end in LF, CRLF or a lone CR (Excel for Mac's "CSV"); a line is counted as a spreadsheet
    program counts rows, blank ones included.
    """
    text, encoding = decode_text(content)
    first_line = re.split(r"\r\n|\r|\n", text, maxsplit=1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    lines, extra = [], 0
    try:
        # newline="": the reader sees the line ends itself, so a lone CR ends a line too.
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for line, cells in enumerate(rows, start=1):
            if not any(cell.strip() for cell in cells):
                continue
            if len(lines) > limits.rows:  # only count the rest, to say how many there are
                extra += 1
                continue
            if any(cell.strip() for cell in cells[limits.columns :]):
                raise _too_many_columns(limits)
            cells = cells[: limits.columns]
            for column, cell in enumerate(cells, start=1):
                if len(cell) > limits.cell_chars:
                    raise _cell_too_long(_cell_name(column, line), limits)
            lines.append((line, [restore(cell) for cell in cells]))
    except csv.Error:
        # Its text ("field larger than field limit", "new-line character seen in unquoted field") is
        # Python's, not the person's: ours says what to do.
        raise _cannot_read_csv() from None
    if extra:
        raise _too_many_rows(len(lines) - 1 + extra, limits)
    return Sheet(lines=lines, encoding=encoding, delimiter=delimiter)


def _cell_name(column, line):
    from openpyxl.utils import get_column_letter

    return f"{get_column_letter(column)}{line}"


MAIN_NAMESPACE = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_PREFIXES = re.compile(rb'xmlns:(\w{1,32})="' + re.escape(MAIN_NAMESPACE) + rb'"')


@functools.cache
def _patterns(prefix):
    """Patterns for the elements counted, for one namespace prefix (b"" or b"x:"), each with a literal start
    so that the regular expression engine jumps from one candidate to the next."""
    tag = b"<" + re.escape(prefix)
    return (
        re.compile(tag + rb'dimension\b[^<>]{0,256}?\bref="([^"]{1,64})"'),
        re.compile(tag + rb'row\b[^<>]{0,256}?\br="(\d{1,12})"'),
        re.compile(tag + rb"c[\s/>]"),
        re.compile(tag + rb"si[\s/>]"),
    )


def _sheet_too_long(line, limits):
    return UnreadableSpreadsheet(
        gettext(
            "The sheet goes down to line %(line)s: at most %(max_lines)s lines (the column names and "
            "%(max_rows)s rows) are read. Delete the empty lines after your data, or split the file."
        )
        % {"line": number(line), "max_lines": number(limits.lines), "max_rows": number(limits.rows)}
    )


def _too_many_cells(limits):
    return UnreadableSpreadsheet(
        gettext(
            "The file holds more than %(max)s cells (empty formatted cells included): split the file, or "
            "keep only the columns to import."
        )
        % {"max": number(limits.cells)}
    )


def _declared_size(ref):
    """(lines, columns) a dimension such as "A1:XFD1048576" declares, or None when it makes no sense."""
    from openpyxl.utils.cell import range_boundaries

    try:
        min_col, min_row, max_col, max_row = range_boundaries(ref.decode("ascii").upper())
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    return max_row or min_row or 1, max_col or min_col or 1


def check_xlsx(content, limits):
    """Refuse a workbook too big to read, from what its archive and XML say, before any XML is parsed.

    Returns a copy of the archive holding only what was read and checked, uncompressed: zipfile inflates
    a whole member in one call when asked for all of it, so a member lying about its size would still
    explode in openpyxl's hands if it were given the original.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        members = archive.infolist()
    except Exception:  # zipfile raises many kinds on a damaged archive
        raise _cannot_open() from None
    if len(members) > limits.zip_members:
        raise _not_a_spreadsheet()
    if sum(member.file_size for member in members) > limits.uncompressed_bytes:
        raise _not_a_spreadsheet()
    for member in members:
        if (
            member.file_size > 1024 * 1024
            and member.file_size > member.compress_size * limits.compression_ratio
        ):
            raise _not_a_spreadsheet()
        # Compression never makes data much bigger: more compressed bytes than that lie about the size.
        if member.compress_size > member.file_size + member.file_size // 100 + 1024:
            raise _not_a_spreadsheet()
    cells = shared_strings = 0
    checked = io.BytesIO()
    copy = zipfile.ZipFile(checked, "w", compression=zipfile.ZIP_STORED)
    for member in members:
        data = _read_member(archive, member)
        copy.writestr(member.filename, data)
        for prefix in {b"", *(name + b":" for name in _PREFIXES.findall(data))}:
            dimension, row, cell, shared_string = _patterns(prefix)
            for ref in dimension.findall(data):
                declared = _declared_size(ref)
                if declared and (declared[0] > limits.lines or declared[1] > limits.columns):
                    raise _sheet_too_big(*declared, limits)
                if declared and declared[0] * declared[1] > limits.cells:
                    raise _too_many_cells(limits)
            last_line = max((int(number) for number in row.findall(data)), default=0)
            if last_line > limits.lines:
                raise _sheet_too_long(last_line, limits)
            cells += len(cell.findall(data))
            shared_strings += len(shared_string.findall(data))
            if cells > limits.cells or shared_strings > limits.cells:
                raise _too_many_cells(limits)
    copy.close()
    return checked.getvalue()


def _read_member(archive, member):
    """The member's bytes, read in bounded steps: never more than the size the archive declares (checked
    against the limits), and zipfile verifies the checksum at the end."""
    chunks, size = [], 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1024 * 1024):
                size += len(chunk)
                if size > member.file_size:
                    raise _not_a_spreadsheet()
                chunks.append(chunk)
    except UnreadableSpreadsheet:
        raise
    except Exception:  # bad checksum, unknown compression, encryption, zlib errors
        raise _cannot_open() from None
    return b"".join(chunks)


def _string_table(source):
    """The shared strings as openpyxl reads them (plain text and rich-text runs, not phonetic hints), in a
    fraction of its time and memory: parsed elements are dropped as soon as they are read."""
    from openpyxl.xml.functions import iterparse

    namespace = "{" + MAIN_NAMESPACE.decode() + "}"
    item, text, run = namespace + "si", namespace + "t", namespace + "r"
    strings = []
    events = iterparse(source, events=("start", "end"))
    _event, root = next(events)
    for event, element in events:
        if event == "end" and element.tag == item:
            parts = []
            for child in element:
                if child.tag == text:
                    parts.append(child.text or "")
                elif child.tag == run:
                    parts.extend(part.text or "" for part in child if part.tag == text)
            strings.append("".join(parts).replace("x005F_", ""))
            root.clear()
    return strings


def _open_workbook(content):
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class Reader(ExcelReader):
        def read_strings(self):
            part = self.package.find(SHARED_STRINGS)
            if part is not None:
                with self.archive.open(part.PartName[1:]) as source:
                    self.shared_strings = _string_table(source)

    reader = Reader(io.BytesIO(content), read_only=True, data_only=False)
    reader.read()
    return reader.wb


_MERGE = re.compile(rb'<(?:\w{1,32}:)?mergeCell\b[^<>]{0,256}?\bref="([^"]{1,64})"')


def _merged_ranges(checked, worksheet_path, limits):
    """The merged ranges of one sheet as (min_col, min_row, max_col, max_row), read from its XML."""
    from openpyxl.utils.cell import range_boundaries

    try:
        with zipfile.ZipFile(io.BytesIO(checked)) as archive:
            data = archive.read(worksheet_path.lstrip("/"))
    except KeyError:
        return []
    ranges = []
    for ref in _MERGE.findall(data):
        try:
            bounds = range_boundaries(ref.decode("ascii").upper())
        except (ValueError, TypeError, UnicodeDecodeError):
            continue
        if None not in bounds:
            ranges.append(bounds)
    if len(ranges) > limits.cells:
        raise _too_many_cells(limits)
    return sorted(ranges, key=lambda bounds: (bounds[1], bounds[0]))  # in reading order


def _fill_merged(grid, ranges, limits):
    """Copy each merged range's value (its top-left cell) into every cell of the range, as the person sees
    it on screen; returns the ranges filled, as "B2:B4". Only lines with data of their own are filled: a
    range merged down past the data makes no rows. Bounded: at most ``limits.cells`` cells written."""
    from openpyxl.utils import get_column_letter

    own = [any(value.strip() for value in cells) for cells in grid]
    filled, written = [], 0
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(grid) or (min_col, min_row) == (max_col, max_row):
            continue
        top = grid[min_row - 1]
        value = top[min_col - 1] if min_col <= len(top) else ""
        if not value.strip():
            continue
        for line in range(min_row, min(max_row, len(grid)) + 1):
            if not own[line - 1]:
                continue
            cells = grid[line - 1]
            for column in range(min_col, min(max_col, limits.columns) + 1):
                written += 1
                if written > limits.cells:
                    raise _too_many_cells(limits)
                while len(cells) < column:
                    cells.append("")
                cells[column - 1] = value
        filled.append(f"{get_column_letter(min_col)}{min_row}:{get_column_letter(max_col)}{max_row}")
    return filled


def read_xlsx(content, limits):
    """The first sheet's non-blank lines as a Sheet, numbered as Excel numbers its rows; merged cells fill
    their range; formulas are refused with the cell and the sheet named."""
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.formula import ArrayFormula, DataTableFormula

    checked = check_xlsx(content, limits)
    try:
        workbook = _open_workbook(checked)
        sheet = workbook.worksheets[0]
        name = str(sheet.title)
    except Exception:  # openpyxl raises many kinds on a damaged archive
        raise _cannot_open() from None
    grid = []
    try:
        rows = sheet.iter_rows(
            min_row=1, max_row=limits.lines, min_col=1, max_col=limits.columns, values_only=True
        )
        for line, row in enumerate(rows, start=1):
            values = []
            for column, value in enumerate(row, start=1):
                if value is None:
                    values.append("")
                    continue
                # Without data_only, a formula cell holds its formula ("=SUM(A1:A3)", or an object).
                if isinstance(value, ArrayFormula | DataTableFormula) or (
                    isinstance(value, str) and value.startswith("=")
                ):
                    raise UnreadableSpreadsheet(
                        gettext(
                            "Cell %(cell)s of sheet “%(sheet)s” contains a formula. Formulas are not "
                            "imported: copy the cells and paste them as values, then upload again."
                        )
                        % {"cell": f"{get_column_letter(column)}{line}", "sheet": name}
                    )
                if isinstance(value, str):
                    if len(value) > limits.cell_chars:
                        raise _cell_too_long(f"{get_column_letter(column)}{line}", limits, name)
                    values.append(restore(value))
                else:
                    values.append(str(value))
            grid.append(values)
        merged = _fill_merged(grid, _merged_ranges(checked, sheet._worksheet_path, limits), limits)
    except UnreadableSpreadsheet:
        raise
    except Exception:
        raise _cannot_open() from None
    finally:
        workbook.close()
    lines = [(line, values) for line, values in enumerate(grid, start=1) if any(v.strip() for v in values)]
    return Sheet(lines=lines, name=name, merged=merged)
