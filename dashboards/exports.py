"""The dashboard's figures as CSV and XLSX: the same rows, hidden figures marked as hidden.

Every cell goes through mentoring.spreadsheets, figure names included: skill names, question texts and
choice labels are typed by HR and must not run as formulas.
"""

from django.utils.translation import gettext as _

from mentoring import spreadsheets


def _header():
    return [_("Section"), _("Figure"), _("Value")]


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
    """Section, figure and value as text, numbers kept as numbers (the writers make every text inert)."""
    return [_header()] + [
        [str(section), str(figure), value if isinstance(value, int | float) else str(value)]
        for section, figure, value in _context_rows(dashboard) + dashboard.rows()
    ]


def to_csv(dashboard):
    return spreadsheets.csv_bytes(as_rows(dashboard))


def to_xlsx(dashboard):
    return spreadsheets.xlsx_bytes(as_rows(dashboard), title=_("Figures"), widths=(24, 56, 32))
