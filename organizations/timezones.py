"""The time zones people pick from: one form field for every place a zone is chosen.

The list offered is tzdata's ``zone.tab`` (shipped in the ``tzdata`` package, one line per country and
zone: Europe/Oslo and Europe/Amsterdam stay although the main data now links them to Berlin and
Brussels) (UTC itself is left out: the models' choices have always been Area/Location names). That leaves out the ``backward`` file's deprecated aliases (US/Eastern,
Europe/Kiev, Asia/Calcutta) and the POSIX-style names (CET, EST5EDT). Stored values stay IANA names, and
any name zoneinfo knows still validates, so an alias stored before this list existed keeps working and
is shown as it is.
"""

from __future__ import annotations

import unicodedata
import zoneinfo
from datetime import datetime
from functools import cache
from importlib import resources
from typing import Any

from django import forms
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Membership
from .tenancy import tenant_context

# Offered first, after the organisation's own zone and the zones its people already use: where our
# customers' staff mostly sit.
COMMON_ZONES = (
    "Europe/Paris",
    "Europe/London",
    "Europe/Brussels",
    "Europe/Luxembourg",
    "Europe/Zurich",
    "Europe/Berlin",
    "Europe/Madrid",
    "Europe/Rome",
    "Europe/Lisbon",
    "America/New_York",
    "America/Toronto",
    "Asia/Singapore",
)

REGIONS = {
    "Africa": _("Africa"),
    "America": _("Americas"),
    "Antarctica": _("Antarctica"),
    "Arctic": _("Arctic"),
    "Asia": _("Asia"),
    "Atlantic": _("Atlantic"),
    "Australia": _("Australia"),
    "Europe": _("Europe"),
    "Indian": _("Indian Ocean"),
    "Pacific": _("Pacific"),
}


@cache
def canonical_zones() -> tuple[str, ...]:
    """Every zone of tzdata's zone.tab that zoneinfo can load, sorted."""
    table = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text(encoding="utf-8")
    names = {
        line.split("\t")[2].strip()
        for line in table.splitlines()
        if line.strip() and not line.startswith("#")
    }
    return tuple(sorted(names & zoneinfo.available_timezones()))


def is_known_zone(name: str) -> bool:
    """Any Area/Location name zoneinfo knows, deprecated aliases included: what was stored stays valid
    (the same set as the models' TIME_ZONE_CHOICES)."""
    return "/" in name and name in zoneinfo.available_timezones()


def _offset(name: str, at: datetime) -> str:
    offset = at.astimezone(zoneinfo.ZoneInfo(name)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_city(name: str) -> str:
    """'America/Argentina/Buenos_Aires' -> 'Buenos Aires, Argentina'."""
    parts = name.replace("_", " ").split("/")
    return ", ".join([parts[-1], *parts[1:-1]])


def zone_label(name: str, *, at: datetime | None = None) -> str:
    """The city and its current offset: 'Paris (UTC+01:00)'."""
    at = at or timezone.now()
    return str(_("%(city)s (UTC%(offset)s)")) % {"city": zone_city(name), "offset": _offset(name, at)}


def _search_text(name: str) -> str:
    text = f"{name} {zone_city(name)}".lower()
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def zone_choices(*, first: tuple[str, ...] | list[str] = ()) -> list[tuple[Any, Any]]:
    """Grouped choices: the suggested zones (``first``, then the common ones), then every canonical zone
    by region. Labels are computed now, so the offset shown is today's."""
    now = timezone.now()
    suggested = []
    for name in [*first, *COMMON_ZONES]:
        if name and is_known_zone(name) and name not in suggested:
            suggested.append(name)
    groups: dict[str, list[tuple[str, str]]] = {}
    for name in canonical_zones():
        region = name.split("/")[0]
        groups.setdefault(region, []).append((name, zone_label(name, at=now)))
    choices: list[tuple[Any, Any]] = [
        (_("Suggested"), [(name, zone_label(name, at=now)) for name in suggested])
    ]
    for region, items in groups.items():
        if region in REGIONS:
            choices.append((REGIONS[region], items))
        else:
            choices.append((_("Other"), items))
    return choices


class TimeZoneSelect(forms.Select):
    """A select grouped by region, each option carrying its search text; static/js/timezones.js adds
    the filter box in front of it. A stored value outside the list (an old alias) is shown as it is."""

    template_name = "django/forms/widgets/select.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__({"data-timezone-picker": "", **(attrs or {})})

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-filter-label"] = str(_("Search time zones"))
        return context

    def optgroups(self, name: str, value: Any, attrs: dict[str, Any] | None = None) -> list[Any]:
        groups = super().optgroups(name, value, attrs)
        listed = {option["value"] for _group, options, _index in groups for option in options}
        current = [v for v in value if v and v not in listed and is_known_zone(v)]
        for extra in current:
            option = self.create_option(name, extra, zone_label(extra), True, 0)
            groups.insert(0, (None, [option], 0))
        for _group, options, _index in groups:
            for option in options:
                option["attrs"]["data-search"] = _search_text(str(option["value"]))
        return groups


class TimeZoneField(forms.ChoiceField):
    """The one field for choosing a time zone. ``suggest`` puts zones first (the organisation's own, the
    ones its people use); values are IANA names, and any name zoneinfo knows is accepted."""

    widget = TimeZoneSelect

    def __init__(self, *, suggest: tuple[str, ...] | list[str] = (), **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Time zone"))
        kwargs.pop("choices", None)
        kwargs.pop("max_length", None)
        super().__init__(choices=lambda: zone_choices(first=suggest), **kwargs)

    def suggest(self, zones: list[str] | tuple[str, ...]) -> None:
        self.choices = zone_choices(first=list(zones))

    def valid_value(self, value: Any) -> bool:
        return is_known_zone(str(value))


def zones_in_use(organization: Any) -> list[str]:
    """The organisation's zone, then the zones its members chose, most used first."""
    with tenant_context(organization):
        used = list(
            Membership.objects.filter(organization=organization)
            .values("user__time_zone")
            .annotate(people=Count("user", distinct=True))
            .order_by("-people", "user__time_zone")
            .values_list("user__time_zone", flat=True)[:8]
        )
    return [organization.time_zone, *[name for name in used if name]]
