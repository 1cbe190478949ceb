"""English formats, as read by the international staff of French companies: day before month, the
24-hour clock, months in full ("5 June 2026"). The same purposes as the French module."""

DATE_FORMAT = "j F Y"  # 5 June 2026
WEEKDAY_DATE_FORMAT = "l j F Y"  # Friday 5 June 2026
DATETIME_FORMAT = "j F Y, H:i"  # 5 June 2026, 14:30
WEEKDAY_DATETIME_FORMAT = "l j F Y, H:i"  # Friday 5 June 2026, 14:30
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1

DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
PERCENT_FORMAT = "{}%"  # 74.5%
