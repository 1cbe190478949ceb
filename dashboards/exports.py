"""The dashboard's figures as CSV and XLSX: the same rows, hidden figures marked as hidden."""

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font


def _header():
    return [_("Section"), _("Figure"), _("Value")]


def _clean(value):
    # A spreadsheet would run a cell starting with = + - @ as a formula: neutralise text that does.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _context_rows(dashboard):
    filters = dashboard.filters
    return [
        (_("Filters"), _("Organisation"), dashboard.organization.name),
        (_("Filters"), _("Programme"), dashboard.programme_name or _("All programmes")),
        (_("Filters"), _("Cohort (round)"), dashboard.round_name or _("All rounds")),
        (_("Filters"), _("Department"), filters.department or _("All departments")),
        (_("Filters"), _("From"), filters.start.isoformat()),
        (_("Filters"), _("To"), filters.end.isoformat()),
    ]


def as_rows(dashboard):
    return [_header()] + [
        [str(section), str(figure), _clean(value if isinstance(value, int | float) else str(value))]
        for section, figure, value in _context_rows(dashboard) + dashboard.rows()
    ]


def to_csv(dashboard):
    buffer = io.StringIO()
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV with accents intact only with a byte-order mark.
    csv.writer(buffer).writerows(as_rows(dashboard))
    return buffer.getvalue()


def to_xlsx(dashboard):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Figures")[:31]
    for row in as_rows(dashboard):
        sheet.append(row)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 56
    sheet.column_dimensions["C"].width = 32
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
