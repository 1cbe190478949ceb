"""VTIMEZONE components written as yearly rules (RRULE), as calendar apps expect them.

icalendar's own ``add_missing_timezones`` lists every transition as RDATE values; vobject (dateutil)
and ical.js misread those long lists and put summer events an hour off. A zone's current rules are in
the POSIX TZ string at the end of its TZif file (tzdata ships them: ``CET-1CEST,M3.5.0,M10.5.0/3`` for
Paris), so each zone becomes one STANDARD and, where there is summer time, one DAYLIGHT component with
``RRULE:FREQ=YEARLY;BYMONTH=..;BYDAY=..``. Before it is used the rule is checked, day by day and at each
change, against zoneinfo over the years the calendar covers; a zone whose rules do not fit (a change of
law inside those years, a rule past the end of its month) falls back to icalendar's transition list
for just those years.
"""

from __future__ import annotations

import calendar as month_calendar
import re
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cache
from importlib import resources

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard

# A VTIMEZONE's components start here: long before any session, so every parser applies the rule.
FIRST_YEAR = 1970
ICAL_DAYS = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]  # POSIX numbers days from Sunday = 0

_NAME = r"(?:<[^>]+>|[A-Za-z]{3,})"
_OFFSET = r"[+-]?\d{1,3}(?::\d{2}){0,2}"
_RULE = rf"M\d{{1,2}}\.\d\.\d(?:/{_OFFSET})?"
_POSIX = re.compile(rf"^({_NAME})({_OFFSET})(?:({_NAME})({_OFFSET})?,({_RULE}),({_RULE}))?$")


def _seconds(text: str) -> int:
    sign = -1 if text.startswith("-") else 1
    parts = [int(part) for part in text.lstrip("+-").split(":")]
    parts += [0] * (3 - len(parts))
    return sign * (parts[0] * 3600 + parts[1] * 60 + parts[2])


@dataclass(frozen=True)
class Change:
    """A POSIX ``Mm.w.d/time``: the w-th (5 = last) weekday d of month m, at a local time that may run
    past midnight or before it (tzdata writes ``/26`` and ``/-1``)."""

    month: int
    week: int
    weekday: int
    seconds: int

    @classmethod
    def parse(cls, text: str) -> Change:
        rule, _slash, time = text[1:].partition("/")
        month, week, weekday = (int(part) for part in rule.split("."))
        return cls(month, week, weekday, _seconds(time) if time else 7200)

    def local(self, year: int) -> datetime:
        """The wall-clock moment of the change in ``year``, read in the offset before it."""
        first_weekday = (date(year, self.month, 1).weekday() + 1) % 7
        day = 1 + (self.weekday - first_weekday) % 7 + 7 * (self.week - 1)
        while day > month_calendar.monthrange(year, self.month)[1]:
            day -= 7
        return datetime(year, self.month, day) + timedelta(seconds=self.seconds)

    def rrule(self) -> dict | None:
        shift = self.seconds // 86400
        if shift == 0:
            return {"FREQ": "YEARLY", "BYMONTH": self.month, "BYDAY": f"{-1 if self.week == 5 else self.week}"
                    f"{ICAL_DAYS[self.weekday]}"}  # fmt: skip
        # Past midnight the weekday moves with the day: "the Friday after the fourth Thursday".
        if self.week == 5:
            if shift > 0:
                return None
            days = list(range(-7 + shift, shift))
        else:
            days = list(range(7 * (self.week - 1) + 1 + shift, 7 * self.week + shift + 1))
            # Every year's month must hold the days: February may have 28.
            shortest = 28 if self.month == 2 else month_calendar.monthrange(2001, self.month)[1]
            if days[0] < 1 or days[-1] > shortest:
                return None
        return {
            "FREQ": "YEARLY",
            "BYMONTH": self.month,
            "BYDAY": ICAL_DAYS[(self.weekday + shift) % 7],
            "BYMONTHDAY": days,
        }


@dataclass(frozen=True)
class Rules:
    standard_name: str
    standard: timedelta
    daylight_name: str | None = None
    daylight: timedelta | None = None
    starts: Change | None = None  # standard -> daylight
    ends: Change | None = None  # daylight -> standard

    def changes(self, year: int) -> tuple[datetime, datetime]:
        """The two changes of ``year`` as UTC instants (naive)."""
        assert self.starts and self.ends and self.daylight is not None
        return self.starts.local(year) - self.standard, self.ends.local(year) - self.daylight

    def offset_at(self, moment: datetime) -> timedelta:
        if self.starts is None or self.daylight is None:
            return self.standard
        starts, ends = self.changes(moment.year)
        summer = starts <= moment < ends if starts < ends else not ends <= moment < starts
        return self.daylight if summer else self.standard


def _name(text: str) -> str:
    return text.strip("<>")


@cache
def posix_rules(zone_name: str) -> Rules | None:
    """The zone's current rules, from the TZ string ending its TZif file; None if unreadable."""
    try:
        data = resources.files("tzdata.zoneinfo").joinpath(*zone_name.split("/")).read_bytes()
    except (FileNotFoundError, IsADirectoryError, ModuleNotFoundError):
        return None
    footer = data.rstrip(b"\n").rsplit(b"\n", 1)[-1].decode("ascii", "replace")
    match = _POSIX.match(footer)
    if match is None:
        return None
    standard_name, standard, daylight_name, daylight, starts, ends = match.groups()
    # POSIX counts offsets west of Greenwich as positive: "CET-1" is UTC+01:00.
    standard_offset = timedelta(seconds=-_seconds(standard))
    if daylight_name is None:
        return Rules(_name(standard_name), standard_offset)
    if starts is None:
        return None
    daylight_offset = (
        timedelta(seconds=-_seconds(daylight)) if daylight else standard_offset + timedelta(hours=1)
    )
    return Rules(
        _name(standard_name),
        standard_offset,
        _name(daylight_name),
        daylight_offset,
        Change.parse(starts),
        Change.parse(ends),
    )


@cache
def _rules_hold(zone_name: str, first_year: int, last_year: int) -> bool:
    zone, rules = zoneinfo.ZoneInfo(zone_name), posix_rules(zone_name)
    assert rules is not None

    def actual(moment: datetime) -> timedelta | None:
        return moment.replace(tzinfo=UTC).astimezone(zone).utcoffset()

    day = datetime(first_year, 1, 1)
    while day.year <= last_year:
        if actual(day) != rules.offset_at(day):
            return False
        day += timedelta(days=1)
    if rules.starts is None:
        return True
    second = timedelta(seconds=1)
    for year in range(first_year, last_year + 1):
        starts, ends = rules.changes(year)
        for moment, before, after in (
            (starts, rules.standard, rules.daylight),
            (ends, rules.daylight, rules.standard),
        ):
            if actual(moment - second) != before or actual(moment) != after:
                return False
    return True


def _component(kind, name, start: Change | None, offset_from, offset_to):
    component = kind()
    component.add("tzname", name)
    component.add("tzoffsetfrom", offset_from)
    component.add("tzoffsetto", offset_to)
    if start is None:
        component.add("dtstart", datetime(FIRST_YEAR, 1, 1))
    else:
        component.add("dtstart", start.local(FIRST_YEAR))
        component.add("rrule", start.rrule())
    return component


def vtimezone(zone_name: str, *, first_year: int, last_year: int) -> Timezone:
    """The VTIMEZONE for a zone, true for every moment from ``first_year`` to ``last_year``."""
    zone = zoneinfo.ZoneInfo(zone_name)
    rules = posix_rules(zone_name)
    usable = rules is not None and (
        rules.starts is None or (rules.starts.rrule() is not None and rules.ends.rrule() is not None)
    )
    if rules is None or not usable or not _rules_hold(zone_name, first_year, last_year):
        return Timezone.from_tzinfo(
            zone, first_date=date(first_year, 1, 1), last_date=date(last_year, 12, 31)
        )
    timezone = Timezone()
    timezone.add("tzid", zone_name)
    timezone.add("x-lic-location", zone_name)
    if rules.starts is None:
        timezone.add_component(
            _component(TimezoneStandard, rules.standard_name, None, rules.standard, rules.standard)
        )
        return timezone
    timezone.add_component(
        _component(TimezoneDaylight, rules.daylight_name, rules.starts, rules.standard, rules.daylight)
    )
    timezone.add_component(
        _component(TimezoneStandard, rules.standard_name, rules.ends, rules.daylight, rules.standard)
    )
    return timezone
