"""What a dashboard is narrowed to: programme, cohort (matching round), department, period and phase."""

import datetime
import zoneinfo
from dataclasses import dataclass, field

from django.utils import timezone

DEFAULT_MONTHS = 12


@dataclass(frozen=True)
class DashboardFilters:
    start: datetime.date
    end: datetime.date
    time_zone: str = "Europe/Paris"
    programme_id: int | None = None
    round_id: int | None = None
    department: str = ""
    # A programme's phase (reverse or cross): the sessions, goals and surveys of that phase only.
    phase: str = ""
    now: datetime.datetime = field(default_factory=timezone.now)

    @classmethod
    def default(cls, organization, now=None, **chosen):
        """The last twelve months up to today, in the organisation's time zone, unless chosen otherwise."""
        now = now or timezone.now()
        today = now.astimezone(zoneinfo.ZoneInfo(organization.time_zone)).date()
        values = {name: value for name, value in chosen.items() if value not in (None, "")}
        # A period given by one end only is completed around that end, so that it never runs backwards
        # (an end before the default start, a start after today).
        if "end" not in values:
            values["end"] = max(today, values.get("start", today))
        if "start" not in values:
            values["start"] = _add_months(values["end"].replace(day=1), -(DEFAULT_MONTHS - 1))
        return cls(time_zone=organization.time_zone, now=now, **values)

    @property
    def tzinfo(self):
        return zoneinfo.ZoneInfo(self.time_zone)

    @property
    def start_at(self):
        return datetime.datetime.combine(self.start, datetime.time.min, tzinfo=self.tzinfo)

    @property
    def end_at(self):
        """Exclusive: midnight after the last day of the period."""
        return datetime.datetime.combine(
            self.end + datetime.timedelta(days=1), datetime.time.min, tzinfo=self.tzinfo
        )

    @property
    def reference(self):
        """When state figures (cadence, pairs at risk) are judged: now, or the end of a past period."""
        return min(self.now, self.end_at)

    def months(self):
        """The first day of every month of the period, in order."""
        month = self.start.replace(day=1)
        months = []
        while month <= self.end:
            months.append(month)
            month = _add_months(month, 1)
        return months

    def as_query(self):
        """The filters as query-string pairs, for export links that show the same figures."""
        query = {"start": self.start.isoformat(), "end": self.end.isoformat()}
        if self.programme_id:
            query["programme"] = self.programme_id
        if self.round_id:
            query["round"] = self.round_id
        if self.department:
            query["department"] = self.department
        if self.phase:
            query["phase"] = self.phase
        return query


def _add_months(day, months):
    month_index = day.month - 1 + months
    return day.replace(year=day.year + month_index // 12, month=month_index % 12 + 1, day=1)
