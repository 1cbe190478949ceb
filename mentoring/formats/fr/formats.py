"""French formats: one style per purpose, named so that templates and Python ask for the purpose
(``|date:"WEEKDAY_DATE_FORMAT"``, ``formats.date_format(value, "DATETIME_FORMAT")``), never for a pattern.

Months are always written in full ("5 juin 2026"): French has no abbreviation that keeps June and July
apart in three letters ("jui" / "jui").
"""

DATE_FORMAT = "j F Y"  # 5 juin 2026
WEEKDAY_DATE_FORMAT = "l j F Y"  # vendredi 5 juin 2026
DATETIME_FORMAT = "j F Y, H:i"  # 5 juin 2026, 14:30
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # vendredi 5 juin 2026, 14:30
TIME_FORMAT = "H:i"  # 14:30
YEAR_MONTH_FORMAT = "F Y"  # juin 2026
MONTH_DAY_FORMAT = "j F"  # 5 juin
SHORT_DATE_FORMAT = "d/m/Y"  # 05/06/2026 (tables, where columns must line up)
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1

DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "\u00a0"
NUMBER_GROUPING = 3
# "74,5 %": French puts a no-break space before the sign (mentoring.l10n.percent).
PERCENT_FORMAT = "{}\u00a0%"
